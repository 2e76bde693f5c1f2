// herald:internal-only — these notices go to staff addresses from the playbook (leads, backups,
// approvers, briefing lists), never to customers; customer email leaves through activities/fanout.ts.
import { deliveryKey } from '../domain/messages';
import type { ActivityDeps } from './index';

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
  { store, mailer }: Pick<ActivityDeps, 'store' | 'mailer'>,
  key: string,
  meta: { incidentId: string; version: number; channel: string; recipient: string },
  mail: Parameters<ActivityDeps['mailer']['sendMail']>[0],
): Promise<'sent' | 'already-sent'> {
  const { Delivery } = store.models;
  // Keyed by primary key: FerretDB answers those without scanning the collection.
  const id = { _id: key as never };
  const claimed = await Delivery.collection.findOneAndUpdate(
    id,
    { $setOnInsert: { key, ...meta, status: 'sending' }, $inc: { attempts: 1 } },
    { upsert: true, returnDocument: 'after' },
  );
  if (claimed?.status === 'sent') return 'already-sent';
  await mailer.sendMail(mail);
  await Delivery.collection.updateOne(id, { $set: { status: 'sent', sentAt: new Date(), messageId: mail.messageId } });
  return 'sent';
}

export function createEmailActivities({ store, mailer, config }: ActivityDeps) {
  return {
    /** An internal notice (escalation, reminder) to staff addresses. */
    async sendInternalNotice(n: InternalNotice): Promise<{ sent: number }> {
      let sent = 0;
      for (const to of n.to?.length ? n.to : config.escalationEmails) {
        const outcome = await sendOnce(
          { store, mailer },
          deliveryKey(n.incidentId, 0, `internal:${n.noticeId}`, to),
          { incidentId: n.incidentId, version: 0, channel: 'internal', recipient: to },
          {
            from: config.fromAddress,
            to,
            subject: n.subject,
            text: n.text,
            headers: { 'X-Herald-Incident-Id': n.incidentId, 'X-Herald-Notice': n.noticeId },
          },
        );
        if (outcome === 'sent') sent++;
      }
      return { sent };
    },
  };
}
