import type { Severity } from '../incident';
import type { Audience, Channel, Playbook } from '../playbooks/schema';

export interface ChannelConditions {
  /** When given, audiences the playbook reserves for other severities are left out. */
  severity?: Severity;
  /** The last health probe of each channel's provider; a channel not listed counts as healthy. */
  channelHealth: Partial<Record<Channel, boolean>>;
  /** Components the incident affects. */
  affectedComponents: readonly string[];
  /** The components each channel runs on (the status page on the web tier, in-app on the API...). */
  channelDependencies: Partial<Record<Channel, readonly string[]>>;
}

export interface ChannelChoice {
  audience: Audience;
  /** null when neither the primary nor the secondary channel can carry the message. */
  channel: Channel | null;
  fellBack: boolean;
  /** Why the primary channel was not used; recorded in the audit trail. */
  reason?: string;
}

/** Why a channel cannot be trusted for this incident, or undefined when it can. */
export function channelUnavailability(channel: Channel, c: ChannelConditions): string | undefined {
  if (c.channelHealth[channel] === false) return `${channel} failed its health probe`;
  const hit = (c.channelDependencies[channel] ?? []).find((component) => c.affectedComponents.includes(component));
  return hit ? `${channel} depends on "${hit}", which this incident affects` : undefined;
}

/** Each audience's channel: the primary one unless it is down or caught up in the incident, then the secondary. */
export function selectChannels(playbook: Playbook, c: ChannelConditions): ChannelChoice[] {
  return playbook.audiences
    .filter((a) => !c.severity || !a.severities || a.severities.includes(c.severity))
    .map((a) => {
      const primaryProblem = channelUnavailability(a.primaryChannel, c);
      if (!primaryProblem) return { audience: a.audience, channel: a.primaryChannel, fellBack: false };
      const secondaryProblem = channelUnavailability(a.secondaryChannel, c);
      if (!secondaryProblem) {
        return { audience: a.audience, channel: a.secondaryChannel, fellBack: true, reason: primaryProblem };
      }
      return { audience: a.audience, channel: null, fellBack: true, reason: `${primaryProblem}; ${secondaryProblem}` };
    });
}
