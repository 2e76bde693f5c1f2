import { ApplicationFailure, Context } from '@temporalio/activity';
import { emailRecipients } from '../domain/audience';
import {
  batchIdFor,
  broadcastEmail,
  broadcastIdFor,
  byAddress,
  decideAmbiguousClaim,
  planBatches,
  resumePoint,
  SettledPrefix,
} from '../domain/fanout';
import type { IncidentInput } from '../domain/incident';
import type { MessageMetadata, MessageVersion } from '../domain/message';
import { ProviderError, type OutboundEmail } from '../domain/providers';
import type { DeliveryReceiptDoc } from '../store/models';
import { gateDispatch } from '../store/near-misses';
import type { ActivityDeps } from './index';
import { failoverChain, type FailoverSender } from './providers/failover';
import { smtpProvider } from './providers/smtp';

export interface BroadcastPlanRequest {
  incident: IncidentInput;
  message: MessageVersion;
  batchSize: number;
}

export interface BroadcastPlan {
  broadcastId: string;
  recipients: number;
  batchSize: number;
  batches: number;
}

export interface EmailBatchRequest {
  incident: IncidentInput;
  message: MessageVersion;
  batchIndex: number;
  batchSize: number;
}

export interface EmailBatchResult {
  batchIndex: number;
  recipients: number;
  /** Where this attempt started, from the last attempt's heartbeat. */
  resumedFrom: number;
  sent: number;
  /** Receipts found from an earlier attempt or an earlier run. */
  alreadySent: number;
  /** Ambiguous claims the provider confirmed by Message-ID, so not sent again. */
  verified: number;
  /** Refused for good by a provider (bad address, …); recorded, never retried. */
  failed: number;
  /** Sends that went to a later provider because an earlier one failed. */
  failedOver: number;
  byProvider: Record<string, number>;
}

export interface FanoutProviders {
  email: FailoverSender<OutboundEmail>;
}

/** Deliveries claimed per database write; the next window is claimed while this one sends. */
const claimWindow = 100;
/** Sends in flight per batch; the SMTP pool queues what exceeds its connections. */
const sendsInFlight = 16;

function writeErrorsOf(err: unknown): { index: number; code?: number }[] | undefined {
  const e = err as { code?: number; writeErrors?: unknown };
  if (e?.writeErrors === undefined) return undefined;
  return ([] as { index: number; code?: number }[]).concat(e.writeErrors as never);
}

/** The one driver call fan-out writes with: inserts only, see DeliveryReceiptDoc for why. */
interface InsertTarget {
  insertMany(docs: never[], options: { ordered: boolean }): Promise<unknown>;
}

/** Inserts what is new, and answers which positions already existed under the unique key. */
async function insertNew(collection: InsertTarget, docs: object[]): Promise<Set<number>> {
  if (docs.length === 0) return new Set();
  try {
    await collection.insertMany(docs as never[], { ordered: false });
    return new Set();
  } catch (err) {
    const writeErrors = writeErrorsOf(err);
    if (!writeErrors || writeErrors.some((w) => w.code !== 11000)) throw err;
    return new Set(writeErrors.map((w) => w.index));
  }
}

/**
 * Receipts are written the moment a provider accepts. Receipts that arrive while a write is in
 * flight go together in the next one (group commit), so under load the database sees a few
 * writes per batch of acceptances instead of one per message, and when idle a receipt goes alone.
 */
function receiptLog(collection: InsertTarget) {
  let pending: { doc: DeliveryReceiptDoc; done: (err?: unknown) => void }[] = [];
  let writing = false;
  async function drain() {
    writing = true;
    while (pending.length > 0) {
      const group = pending;
      pending = [];
      try {
        await insertNew(collection, group.map((g) => g.doc));
        for (const g of group) g.done();
      } catch (err) {
        for (const g of group) g.done(err);
      }
    }
    writing = false;
  }
  return (doc: DeliveryReceiptDoc) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ doc, done: (err) => (err ? reject(err as Error) : resolve()) });
      if (!writing) void drain();
    });
}

export function createFanoutActivities({ store, mailer, config }: ActivityDeps, providers?: FanoutProviders) {
  const { Customer, Delivery, DeliveryReceipt, Broadcast, BroadcastBatch } = store.models;
  const email = providers?.email ?? failoverChain([smtpProvider({ transport: mailer })]);
  const recordReceipt = receiptLog(DeliveryReceipt.collection);

  return {
    /**
     * Freezes the audience of one message version: resolved once from the customers subscribed to
     * the affected components, sorted by address, stored in batches. A plan already written is
     * returned as it is, so a retried plan never reorders recipients under running batches.
     */
    async planBroadcast({ incident, message, batchSize }: BroadcastPlanRequest): Promise<BroadcastPlan> {
      const broadcastId = broadcastIdFor(incident.id, message.version, 'email');
      const existing = await Broadcast.collection.findOne({ _id: broadcastId as never });
      if (existing) {
        if (existing.batchSize !== batchSize) {
          throw ApplicationFailure.nonRetryable(`broadcast ${broadcastId} was planned with batches of ${existing.batchSize}`, 'BatchSizeMismatch');
        }
        return { broadcastId, recipients: existing.recipients, batchSize, batches: existing.batches };
      }
      const subscribers = await Customer.find({ subscriptions: { $in: incident.components } })
        .select({ customerId: 1, name: 1, locale: 1, emails: 1, subscriptions: 1 })
        .lean();
      const recipients = emailRecipients(
        subscribers.map((c) => ({ ...c, emails: c.emails ?? [] })),
        incident.components,
      ).sort(byAddress);
      const batches = planBatches(recipients.length, batchSize);
      // Nothing has been sent from this plan yet (batches start only once it returns), so the
      // leftovers of an attempt that died before writing the header can be replaced.
      await BroadcastBatch.collection.deleteMany({ broadcastId });
      const chunks = batches.map((b) => ({
        _id: batchIdFor(broadcastId, b.batchIndex),
        broadcastId,
        batchIndex: b.batchIndex,
        recipients: recipients.slice(b.start, b.end).map((r) => ({ email: r.email, customerId: r.customerId, locale: r.locale })),
      }));
      for (let i = 0; i < chunks.length; i += 50) await BroadcastBatch.collection.insertMany(chunks.slice(i, i + 50) as never[]);
      const header = {
        _id: broadcastId, incidentId: incident.id, version: message.version, channel: 'email',
        recipients: recipients.length, batchSize, batches: batches.length, plannedAt: new Date(),
      };
      await insertNew(Broadcast.collection, [header]);
      return { broadcastId, recipients: recipients.length, batchSize, batches: batches.length };
    },

    /**
     * Sends one batch of a planned broadcast, each recipient at most once and none skipped:
     * every delivery is claimed under its key before the provider sees it, a receipt is written
     * on acceptance, and the heartbeat carries the settled prefix so a retry resumes there. A
     * claim left by an earlier attempt without a receipt is ambiguous; see decideAmbiguousClaim.
     */
    async sendEmailBatch({ incident, message, batchIndex, batchSize }: EmailBatchRequest): Promise<EmailBatchResult> {
      const ctx = Context.current();
      const broadcastId = broadcastIdFor(incident.id, message.version, 'email');
      const chunk = await BroadcastBatch.collection.findOne({ _id: batchIdFor(broadcastId, batchIndex) as never });
      if (!chunk) throw ApplicationFailure.nonRetryable(`batch ${batchIndex} of ${broadcastId} is not planned`, 'BatchNotPlanned');
      const recipients = chunk.recipients as { email: string }[];
      if (recipients.length > batchSize) {
        throw ApplicationFailure.nonRetryable(`batch ${batchIndex} of ${broadcastId} holds more than ${batchSize}`, 'BatchSizeMismatch');
      }
      const meta: MessageMetadata = {
        incidentId: incident.id, severity: incident.severity, category: incident.category, version: message.version,
      };
      const result: EmailBatchResult = {
        batchIndex, recipients: recipients.length, resumedFrom: 0,
        sent: 0, alreadySent: 0, verified: 0, failed: 0, failedOver: 0, byProvider: {},
      };
      const resumedFrom = resumePoint(ctx.info.heartbeatDetails, recipients.length);
      result.resumedFrom = resumedFrom;
      const progress = new SettledPrefix(resumedFrom);
      const beat = () => ctx.heartbeat({ next: progress.next });
      const beating = setInterval(beat, Math.max(100, Math.min(1000, (ctx.info.heartbeatTimeoutMs ?? 4000) / 4)));

      // The one path out (M5.5): the version is gated once per batch, before any recipient sees it.
      const safe = await gateDispatch(store.models, { incidentId: incident.id, version: message.version, channel: 'email' }, {
        subject: message.subject, text: message.text, html: message.html,
      });
      const deliveries = recipients.map((r) => broadcastEmail(meta, safe, r.email, config));
      const claims = new Map<number, Promise<Set<number>>>();
      const claimed = (w: number) => {
        let c = claims.get(w);
        if (!c) {
          const from = Math.max(resumedFrom, w * claimWindow);
          const docs = deliveries.slice(from, (w + 1) * claimWindow).map((d) => ({
            key: d.key, incidentId: incident.id, version: message.version, channel: 'email', recipient: d.email.to,
            status: 'sending', messageId: d.email.messageId, attempts: ctx.info.attempt,
          }));
          c = insertNew(Delivery.collection, docs).then((dups) => new Set([...dups].map((i) => i + from)));
          claims.set(w, c);
        }
        return c;
      };
      const receipt = (position: number, fields: Partial<DeliveryReceiptDoc> & Pick<DeliveryReceiptDoc, 'outcome'>) =>
        recordReceipt({
          _id: deliveries[position].key, incidentId: incident.id, version: message.version, channel: 'email',
          recipient: deliveries[position].email.to, messageId: deliveries[position].email.messageId, at: new Date(), ...fields,
        });

      async function deliver(position: number): Promise<boolean> {
        const { key, email: mail } = deliveries[position];
        const window = Math.floor(position / claimWindow);
        const earlierClaim = (await claimed(window)).has(position);
        if (position % claimWindow === 0 || position === resumedFrom) void claimed(window + 1).catch(() => undefined);
        if (earlierClaim) {
          const existing = await DeliveryReceipt.collection.findOne({ _id: key as never });
          if (existing) {
            if (existing.outcome === 'failed') result.failed++;
            else result.alreadySent++;
            return true;
          }
          const answers = await email.lookup(mail);
          if (decideAmbiguousClaim(answers.map((a) => a.answer)) === 'record-as-sent') {
            await receipt(position, { outcome: 'sent', provider: answers.find((a) => a.answer === 'found')!.provider, verified: true });
            result.verified++;
            return true;
          }
        }
        let accepted: Awaited<ReturnType<typeof email.send>>;
        try {
          accepted = await email.send(mail);
        } catch (err) {
          if (!(err instanceof ProviderError) || err.kind !== 'permanent') return false;
          await receipt(position, { outcome: 'failed', provider: err.provider, error: err.message });
          result.failed++;
          return true;
        }
        await receipt(position, { outcome: 'sent', provider: accepted.provider, providerMessageId: accepted.providerMessageId });
        result.sent++;
        result.byProvider[accepted.provider] = (result.byProvider[accepted.provider] ?? 0) + 1;
        if (accepted.failedOver.length > 0) result.failedOver++;
        return true;
      }

      // On the first error or a cancellation every lane stops before its next send, and the
      // activity returns only when none is still sending: a retry never races this attempt.
      let cursor = resumedFrom;
      let unsettled = 0;
      let failure: unknown;
      await Promise.all(
        Array.from({ length: sendsInFlight }, async () => {
          for (let p = cursor++; p < deliveries.length && failure === undefined; p = cursor++) {
            if (ctx.cancellationSignal.aborted) {
              failure = ctx.cancellationSignal.reason;
              break;
            }
            try {
              if (await deliver(p)) progress.settle(p);
              else unsettled++;
            } catch (err) {
              failure ??= err;
            }
          }
        }),
      );
      clearInterval(beating);
      beat();
      if (failure !== undefined) throw failure;
      if (unsettled > 0) {
        // The next attempt resumes at the first unsettled recipient and finds its claim ambiguous.
        throw ApplicationFailure.retryable(`${unsettled} deliveries of batch ${batchIndex} failed on every provider`, 'ProvidersUnavailable');
      }
      return result;
    },
  };
}

export type FanoutActivities = ReturnType<typeof createFanoutActivities>;
