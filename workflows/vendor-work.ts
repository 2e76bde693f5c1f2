import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { HeraldActivities } from '../activities';
import type { VendorNoticeWork, VendorObligations } from './vendor-obligations';

/** The activity side of vendor obligations (M5.4): a DPA customer's notice, sent from the main loop. */

const { sendVendorNotice } = proxyActivities<HeraldActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['PublicationBlocked'] },
});

/** The main loop's work of a DPA notice: sent, or refused by the gate (recorded, the obligation stays open). */
export async function sendObligationNotice(v: VendorObligations, work: VendorNoticeWork): Promise<void> {
  const req = v.noticeRequest(work);
  if (!req) return;
  try {
    v.noticeSent(work, await sendVendorNotice(req));
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : undefined;
    if (!(cause instanceof ApplicationFailure) || cause.type !== 'PublicationBlocked') throw err;
    v.noticeBlocked(work, cause.message);
  }
}
