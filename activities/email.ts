import { heartbeat } from '@temporalio/activity';
import { emailRecipients, type Recipient } from '../domain/audience';
import type { IncidentInput } from '../domain/incident';
import { deliveryKey, messageIdFor, metadataHeaders, type MessageMetadata, type MessageVersion } from '../domain/message';
import { gateDispatch } from '../store/near-misses';
import type { ActivityDeps } from './index';

export interface EmailBroadcast {
  incident: IncidentInput;
  message: MessageVersion;
  /** Every external update says when the next one will come. */
  nextUpdateAt?: string;
}

export interface BroadcastResult {
  recipients: number;
  sent: number;
  alreadySent: number;
}

export interface InternalNotice {
  incidentId: string;
  /** Distinguishes notices of one incident, for the idempotency key. */
  noticeId: string;
  /** Staff addresses; without them, the configured escalation list. */
  to?: string[];
  subject: string;
  text: string;
}

const concurrency = 8;

export function createEmailActivities({ store, mailer, config }: ActivityDeps) {
  const { Customer, Delivery } = store.models;

  /**
   * Sends one email at most once per key: the key is claimed before sending and marked sent
   * after. A claim left in "sending" by a crashed attempt is retried.
   */
  async function sendOnce(
    key: string,
    meta: { incidentId: string; version: number; channel: string; recipient: string },
    mail: Parameters<ActivityDeps['mailer']['sendMail']>[0],
  ): Promise<'sent' | 'already-sent'> {
    const claimed = await Delivery.findOneAndUpdate(
      { key },
      { $setOnInsert: { key, ...meta, status: 'sending' }, $inc: { attempts: 1 } },
      { upsert: true, new: true },
    ).lean();
    if (claimed?.status === 'sent') return 'already-sent';
    await mailer.sendMail(mail);
    await Delivery.updateOne({ key }, { $set: { status: 'sent', sentAt: new Date(), messageId: mail.messageId } });
    return 'sent';
  }

  return {
    /** Emails a message version to every subscriber of the affected components, each once. */
    async sendIncidentEmail({ incident, message, nextUpdateAt }: EmailBroadcast): Promise<BroadcastResult> {
      // The one gate: redacted content or a PublicationBlocked failure, before any address is read.
      const safe = await gateDispatch(
        store.models,
        { incidentId: incident.id, version: message.version, channel: 'email' },
        { subject: message.subject, text: message.text, html: message.html },
      );
      const subscribers = await Customer.find({ subscriptions: { $in: incident.components } }).lean();
      const recipients = emailRecipients(
        subscribers.map((c) => ({ ...c, customerId: c.customerId, emails: c.emails ?? [] })),
        incident.components,
      );
      const meta: MessageMetadata = {
        incidentId: incident.id,
        severity: incident.severity,
        category: incident.category,
        version: message.version,
      };
      const statusLink = `${config.publicUrl}/status#${encodeURIComponent(incident.id)}`;
      const next = nextUpdateAt && message.phase !== 'resolved' ? `Next update by ${nextUpdateAt.replace('T', ' ').slice(0, 16)} UTC.` : '';
      let sent = 0;
      let alreadySent = 0;
      const queue: Recipient[] = [...recipients];
      async function worker() {
        for (let r = queue.shift(); r; r = queue.shift()) {
          const outcome = await sendOnce(
            deliveryKey(incident.id, message.version, 'email', r.email),
            { incidentId: incident.id, version: message.version, channel: 'email', recipient: r.email },
            {
              from: config.fromAddress,
              to: r.email,
              subject: safe.subject,
              text: `${safe.text}\n\n${next ? `${next}\n` : ''}Follow this incident: ${statusLink}`,
              html: `${safe.html}\n${next ? `<p>${next}</p>\n` : ''}<p><a href="${statusLink}">Follow this incident on our status page</a></p>`,
              messageId: messageIdFor(meta, r.email, config.messageIdDomain),
              headers: {
                ...metadataHeaders(meta),
                'List-Unsubscribe': `<${config.publicUrl}/v1/unsubscribe?email=${encodeURIComponent(r.email)}>`,
              },
            },
          );
          if (outcome === 'sent') sent++;
          else alreadySent++;
          heartbeat({ done: sent + alreadySent });
        }
      }
      await Promise.all(Array.from({ length: concurrency }, worker));
      return { recipients: recipients.length, sent, alreadySent };
    },

    /** An internal notice (escalation, reminder) to staff addresses. */
    async sendInternalNotice(n: InternalNotice): Promise<{ sent: number }> {
      let sent = 0;
      for (const to of n.to?.length ? n.to : config.escalationEmails) {
        const outcome = await sendOnce(
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
