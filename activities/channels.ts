import type { Channel } from '../domain/playbooks';
import type { ActivityDeps } from './deps';

export interface ChannelProbe {
  health: Partial<Record<Channel, boolean>>;
  /** The components each channel runs on: a channel caught up in the incident is not trusted. */
  dependencies: Partial<Record<Channel, string[]>>;
}

/** Which component each outbound channel depends on, in the demo service model's names. */
export const channelDependencies: Partial<Record<Channel, string[]>> = {
  email: ['email-delivery'],
  'in-app': ['dashboard'],
  webhook: ['api'],
};

export function createChannelActivities({ mailer }: Pick<ActivityDeps, 'mailer'>) {
  return {
    /** Probes each provider Herald can reach (M1.1); a channel whose probe fails is not used. */
    async probeChannels(_q: { components: string[] }): Promise<ChannelProbe> {
      const email = await Promise.race([
        mailer.verify().then(() => true, () => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5000).unref()),
      ]);
      return { health: { email, 'internal-email': email }, dependencies: channelDependencies };
    },
  };
}
