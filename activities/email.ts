// herald:internal-only — these notices go to staff addresses from the playbook (leads, backups,
// approvers, briefing lists), never to customers; customer email leaves through activities/fanout.ts.
import { approvalLinkSecret } from '../config/approval-links';
import { briefingFeedbackLines } from '../domain/feedback';
import { approvalLinkValidMs, approvalRequestOf, approvalUrl } from '../domain/incident/approval-link';
import { deliveryKey } from '../domain/messages';
import { claimDelivery, settleDelivery } from '../store/deliveries';
import type { ActivityDeps, StoreDeps } from './deps';

export interface InternalNotice {
  incidentId: string;
  /** Distinguishes notices of one incident, for the idempotency key. */
  noticeId: string;
  /** Staff addresses; without them, the configured escalation list. */
  to?: string[];
  subject: string;
  text: string;
}

/**
 * Sends one email at most once per key: the key is claimed before sending and marked sent
 * after. A claim left in "sending" by a crashed attempt is retried.
 */
export async function sendOnce(
  { store, mailer }: StoreDeps<'Delivery'> & Pick<ActivityDeps, 'mailer'>,
  key: string,
  meta: { incidentId: string; version: number; channel: string; recipient: string },
  mail: Parameters<ActivityDeps['mailer']['sendMail']>[0],
): Promise<'sent' | 'already-sent'> {
  const claim = await claimDelivery(store.models, key, meta);
  if (claim.status === 'sent') return 'already-sent';
  await mailer.sendMail(mail);
  await settleDelivery(store.models, claim, { status: 'sent', messageId: mail.messageId });
  return 'sent';
}

export function createEmailActivities({ store, mailer, config }: StoreDeps<'Delivery'> & Pick<ActivityDeps, 'mailer' | 'config'>) {
  return {
    /** An internal notice (escalation, reminder) to staff addresses. */
    async sendInternalNotice(n: InternalNotice): Promise<{ sent: number }> {
      let sent = 0;
      // Briefings of support and account management carry the way to give feedback on the messages (M6.5).
      const text = n.noticeId.startsWith('briefing-') ? `${n.text}\n${briefingFeedbackLines(config.publicUrl, n.incidentId)}` : n.text;
      // An approval request carries each approver's own sign-off link (M6.6, X4): a page that shows the version and signs on its POST.
      const approval = approvalRequestOf(n.noticeId, n.text);
      const expiresAt = Date.now() + approvalLinkValidMs;
      const textFor = (to: string) => (approval
        ? `${text}\n\nReview and sign as ${approval.role}: ${approvalUrl(config.publicUrl, { incidentId: n.incidentId, ...approval, approver: to, expiresAt }, approvalLinkSecret())}\n(The link signs this exact wording only; an edit makes it stale.)`
        : text);
      for (const to of n.to?.length ? n.to : config.escalationEmails) {
        const outcome = await sendOnce(
          { store, mailer },
          deliveryKey(n.incidentId, 0, `internal:${n.noticeId}`, to),
          { incidentId: n.incidentId, version: 0, channel: 'internal', recipient: to },
          {
            from: config.fromAddress,
            to,
            subject: n.subject,
            text: textFor(to),
            headers: { 'X-Herald-Incident-Id': n.incidentId, 'X-Herald-Notice': n.noticeId },
          },
        );
        if (outcome === 'sent') sent++;
      }
      return { sent };
    },
  };
}
