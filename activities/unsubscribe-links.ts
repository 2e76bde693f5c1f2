import { unsubscribeSecret } from '../config/unsubscribe';
import { unsubscribeUrl } from '../domain/tracking/unsubscribe';
import type { ActivityConfig } from './deps';

/**
 * The one-click unsubscribe URL of each recipient of one incident's version (M3.3), signed with
 * the key the API's unsubscribe route checks.
 */
export function unsubscribeLinks(config: Pick<ActivityConfig, 'publicUrl' | 'unsubscribeSecret'>, incidentId: string, version: number) {
  const secret = config.unsubscribeSecret ?? unsubscribeSecret();
  return (address: string, customerId?: string): string => unsubscribeUrl(config.publicUrl, { address, customerId, incidentId, version }, secret);
}
