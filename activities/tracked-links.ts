import { linkSecret } from '../config/tracking';
import { trackedLink } from '../domain/tracking';
import type { ActivityConfig } from './deps';

/** The audience segment of a customer recipient (M2.6): the customer's tier, when the plan knows it. */
export function emailSegment(tier: string | undefined): string {
  return tier || 'subscriber';
}

/** Staff channels (Slack, distribution lists) form one segment. */
export const staffSegment = 'staff';

/**
 * Tracked status-page links for one incident on one channel (M2.6), signed with the same secret
 * the redirect route checks; one per segment and version, made once.
 */
export function statusLinks(config: Pick<ActivityConfig, 'publicUrl' | 'linkSecret'>, incidentId: string, channel: string) {
  const secret = config.linkSecret ?? linkSecret();
  const made = new Map<string, string>();
  return (segment: string, version: number): string => {
    const key = `${segment}#${version}`;
    let link = made.get(key);
    if (!link) {
      link = trackedLink(config.publicUrl, { incidentId, channel, segment, version }, secret);
      made.set(key, link);
    }
    return link;
  };
}

/** Tracked status-page links for one incident's email. */
export function emailStatusLinks(config: Pick<ActivityConfig, 'publicUrl' | 'linkSecret'>, incidentId: string) {
  return statusLinks(config, incidentId, 'email');
}
