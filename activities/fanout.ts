import { ApplicationFailure, Context } from '@temporalio/activity';
import { emailRecipients, legalNoticeFor, type LegalNoticePolicy } from '../domain/audience';
import { withHeldUpdates } from '../domain/delivery/digests';
import {
  batchIdFor,
  broadcastEmail,
  broadcastIdFor,
  byAddress,
  planBatches,
  resumePoint,
  SettledPrefix,
  type BroadcastDelivery,
} from '../domain/delivery';
import type { IncidentInput } from '../domain/incident';
import { capped, shortRecurrenceMessage, type RecurringBroadcast } from '../domain/incident/recurrence';
import { adaptationId, emailsSince, recordAdaptations, toldAbout, type RecurrenceAdaptationDoc } from '../store/recurrence';
import { deliveryKey, inLocale, type LocalizedText, type MessageMetadata, type MessageVersion } from '../domain/messages';
import type { OutboundEmail } from '../domain/delivery/providers';
import type { DigestEntryDoc } from '../store/digests';
import type { BroadcastDoc, Models } from '../store/models';
import { gateDispatchVerdict } from './gate';
import { approvalsMemo, archivedVerdict, archivingSender, emailRecord, incidentFields, recipientListLimit, recipientSet, type ArchivedGateVerdict } from './archive';
import { archiveOne } from '../store/archive';
import { canonicalJson } from '../domain/audit/canonical-json';
import { loadAudience } from '../store/service-model';
import { findBatch, findBroadcast, writeBroadcastPlan } from '../store/broadcasts';
import { findReceipt, noteDeliveryFailure, receiptsByKey, receiptsOfVersion } from '../store/deliveries';
import { countEmailOutcomes, type EmailOutcomes } from '../domain/delivery/outcomes';
import { deliverOnce, type ClaimDoc, type ReceiptFields } from './delivery-log';
import { createDigestActivities } from './digests';
import { emailLimiter, type EmailRateLimit, type PlannedRecipient } from './email-limit';
import type { ActivityDeps, AudienceCollections, StoreDeps } from './deps';
import { whileHeartbeating } from './heartbeat';
import { inLanes } from './lanes';
import type { FailoverSender } from './providers/failover';
import { customerEmailPath } from './customer-email';
import { emailSegment, emailStatusLinks } from './tracked-links';
import { unsubscribeLinks } from './unsubscribe-links';

export type { EmailRateLimit } from './email-limit';

export interface BroadcastPlanRequest {
  incident: IncidentInput;
  message: MessageVersion;
  batchSize: number;
  /** The playbook's `distribution.legalNotice`: when it applies to the incident, email reaches every affected address. */
  legalNotice?: LegalNoticePolicy;
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
  /** The per-recipient email limit (M3.4); absent, every recipient is emailed now. */
  rateLimit?: EmailRateLimit;
  /** A recurring incident's adaptations (M7.5). */
  recurrence?: RecurringBroadcast;
}

/** What became of a set of email deliveries: each batch reports them, the broadcast adds them up. */
export interface EmailDeliveryCounts {
  sent: number;
  /** Receipts found from an earlier attempt or an earlier run. */
  alreadySent: number;
  /** In-doubt claims the provider confirmed by Message-ID, so not sent again. */
  verified: number;
  /**
   * In-doubt claims (an earlier attempt claimed them and died before a receipt) sent again with the
   * same Message-ID because no provider could be asked: the only deliveries that may be duplicates.
   */
  inDoubtResent: number;
  /** Refused for good by a provider (bad address, …); recorded, never retried. */
  failed: number;
  /** Sends that went to a later provider because an earlier one failed. */
  failedOver: number;
  byProvider: Record<string, number>;
}

export interface EmailBatchResult extends EmailDeliveryCounts {
  batchIndex: number;
  recipients: number;
  /** Where this attempt started, from the last attempt's heartbeat. */
  resumedFrom: number;
  /** Recipients emailed less than a window ago: no email now, the update waits for their digest (M3.4). */
  deferred: number;
  /** The latest window end among the deferred recipients (ISO): when sendDigests should run. */
  digestDueAt?: string;
  /** A recurring incident's minor update not emailed: the recipient reached the daily cap (M7.5). */
  capped?: number;
  /** Recipients who got the short message of a recurrence (M7.5). */
  shortened?: number;
}

export interface FanoutProviders {
  email: FailoverSender<OutboundEmail>;
}

/** Recipients planned (rate limit decided, email built) at a time; the next window is planned while this one sends. */
const claimWindow = 100;
/** Sends in flight per batch; the SMTP pool queues what exceeds its connections. */
const sendsInFlight = 16;

/** What one position of a batch does, decided when its claim window is planned. */
type Slot =
  | { held: true; dueAt: Date }
  | { held: false; capped: true }
  | { held: false; delivery: BroadcastDelivery; carries: DigestEntryDoc[] };

/**
 * A recurring incident's adaptations of one batch (M7.5): which recipients were emailed about an
 * earlier occurrence (they get the short message), and which already had their daily cap of
 * email (a minor update skips them). Decided per claim window, with one read each.
 */
function recurringAdapter(models: Pick<Models, 'DeliveryReceipt' | 'RecurrenceAdaptation'>, incident: IncidentInput, message: MessageVersion, r: RecurringBroadcast, statusChange: boolean) {
  const minorUpdate = message.version > 1 && !statusChange;
  const byId = new Map(r.priorIncidents.map((p) => [p.id, p]));
  const short = new Set<string>();
  return {
    async decide(recipients: PlannedRecipient[], now: Date) {
      const emails = recipients.map((x) => x.email);
      const capping = minorUpdate && r.dailyCap > 0;
      const [told, today, sentBefore] = await Promise.all([
        r.shortMessage ? toldAbout(models, r.priorIncidents.map((p) => p.id), emails) : Promise.resolve(new Map<string, string>()),
        capping ? emailsSince(models, emails, new Date(now.getTime() - 86_400_000), { incidentId: incident.id, version: message.version }) : Promise.resolve(new Map<string, number>()),
        // An earlier attempt already sent this version to some: a retry never caps them afterwards.
        capping ? receiptsByKey(models, emails.map((e) => deliveryKey(incident.id, message.version, 'email', e))) : Promise.resolve([]),
      ]);
      const sent = new Set(sentBefore.filter((x) => x.outcome === 'sent').map((x) => x.recipient));
      return recipients.map((x) => {
        const prior = told.get(x.email);
        const isCapped = !sent.has(x.email) && capped(today.get(x.email) ?? 0, r.dailyCap, minorUpdate);
        if (prior && !isCapped) short.add(x.email);
        return { capped: isCapped, ...(prior ? { toldAbout: byId.get(prior)! } : {}) };
      });
    },
    shortened: (email: string) => short.has(email),
    record: (docs: RecurrenceAdaptationDoc[]) => recordAdaptations(models, docs),
  };
}

/** Every locale of a version through the one gate, once per batch: a version publishes in all of them or in none. */
async function gateEveryLocale(
  models: Pick<Models, 'NearMiss'>,
  incidentId: string,
  message: MessageVersion,
): Promise<Map<string, LocalizedText & { verdict: ArchivedGateVerdict }>> {
  const locales = [message.locale ?? 'en', ...Object.keys(message.translations ?? {})];
  const gated = await Promise.all(
    locales.map(async (locale) => {
      const { subject, text, html } = inLocale(message, locale);
      const v = await gateDispatchVerdict(models, { incidentId, version: message.version, channel: 'email' }, { subject, text, html });
      return [locale, { ...v.content, verdict: archivedVerdict(v) }] as const;
    }),
  );
  return new Map(gated);
}

/** What email fan-out reads and writes: the audience, the plan, claims and receipts, held updates and the gate's near misses. */
type FanoutCollections = AudienceCollections | 'ArchiveRecord' | 'AuditRecord' | 'Broadcast' | 'BroadcastBatch' | 'Delivery' | 'DeliveryReceipt' | 'DigestEntry' | 'HeldVersion' | 'NearMiss' | 'RecurrenceAdaptation';

export function createFanoutActivities(deps: StoreDeps<FanoutCollections> & Pick<ActivityDeps, 'mailer' | 'config' | 'email'>, providers?: FanoutProviders) {
  const { store, config } = deps;
  const { models } = store;
  const path = customerEmailPath(deps);
  const { recordReceipt, claim, archive } = path;
  const email = providers?.email ?? path.email;
  const approvals = approvalsMemo(models);

  return {
    /**
     * Freezes the email audience of one message version: resolved once by loadAudience (the
     * audience every channel and `GET /v1/audience` use), sorted by address, stored in batches;
     * each recipient a legal notice reaches against preferences or suppression says so. A plan already written is
     * returned as it is, so a retried plan never reorders recipients under running batches.
     */
    async planBroadcast(req: BroadcastPlanRequest): Promise<BroadcastPlan> {
      const { incident, message, batchSize } = req;
      const broadcastId = broadcastIdFor(incident.id, message.version, 'email');
      const existing = await findBroadcast(models, broadcastId);
      if (existing) {
        if (existing.batchSize !== batchSize) {
          throw ApplicationFailure.nonRetryable(`broadcast ${broadcastId} was planned with batches of ${existing.batchSize}`, 'BatchSizeMismatch');
        }
        return { broadcastId, recipients: existing.recipients, batchSize, batches: existing.batches };
      }
      // The one audience computation (M1.4): the dependency graph, preferences, severity floor and
      // suppression list, with the playbook's legal notice where it applies.
      const legalNotice = legalNoticeFor({ legalNotice: req.legalNotice }, incident);
      const { audience } = await loadAudience(models, incident, legalNotice ? { legalNotice } : {});
      const recipients = emailRecipients(audience).sort(byAddress);
      const batches = planBatches(recipients.length, batchSize);
      const chunks = batches.map((b) => ({
        _id: batchIdFor(broadcastId, b.batchIndex),
        broadcastId,
        batchIndex: b.batchIndex,
        recipients: recipients
          .slice(b.start, b.end)
          .map((r) => ({ email: r.email, customerId: r.customerId, locale: r.locale, tier: r.tier, ...(r.override ? { override: r.override } : {}) })),
      }));
      const header: BroadcastDoc = {
        _id: broadcastId, incidentId: incident.id, version: message.version, channel: 'email',
        recipients: recipients.length, batchSize, batches: batches.length, plannedAt: new Date(),
        ...(legalNotice ? { legalNotice: { ...legalNotice, overridden: recipients.filter((r) => r.override).length } } : {}),
      };
      // The recipient set of the version's email (M5.1), frozen with the plan: the list, or its digest and the audience query when huge.
      const query = { audience: 'affected customers whose preferences allow email', components: incident.components, severity: incident.severity, ...(legalNotice ? { legalNotice: legalNotice.regime } : {}) };
      const small = recipients.length <= recipientListLimit;
      await archiveOne(models, {
        key: `publication:${broadcastId}`, kind: 'publication', ...incidentFields(incident), version: message.version, channel: 'email', locale: message.locale ?? 'en',
        ...(small ? { customerIds: recipients.flatMap((r) => (r.customerId ? [r.customerId] : [])), body: Buffer.from(canonicalJson(recipients.map((r) => ({ email: r.email, customerId: r.customerId, locale: r.locale })))), contentType: 'application/json' } : {}),
        detail: { ...recipientSet(recipients.map((r) => r.email), query), ...(await approvals(incident.id, message.version)), batches: batches.length },
      });
      await writeBroadcastPlan(models, header, chunks);
      return { broadcastId, recipients: recipients.length, batchSize, batches: batches.length };
    },

    /**
     * Sends one batch of a planned broadcast, each recipient at most once and none skipped:
     * every delivery is claimed under its key just before the provider sees it, its receipt is
     * written on acceptance before the connection carries another message, and the heartbeat
     * carries the settled prefix so a retry resumes there. A claim left by an earlier attempt
     * without a receipt is in doubt; see decideAmbiguousClaim.
     * Each recipient reads the version in their locale (M2.5) with a tracked status-page link
     * (M2.6); under a rate limit (M3.4) a recipient emailed less than a window ago gets nothing
     * now and the update is held for their digest.
     */
    async sendEmailBatch({ incident, message, batchIndex, batchSize, rateLimit, recurrence }: EmailBatchRequest): Promise<EmailBatchResult> {
      const ctx = Context.current();
      const broadcastId = broadcastIdFor(incident.id, message.version, 'email');
      const chunk = await findBatch(models, broadcastId, batchIndex);
      if (!chunk) throw ApplicationFailure.nonRetryable(`batch ${batchIndex} of ${broadcastId} is not planned`, 'BatchNotPlanned');
      const recipients: PlannedRecipient[] = chunk.recipients;
      if (recipients.length > batchSize) {
        throw ApplicationFailure.nonRetryable(`batch ${batchIndex} of ${broadcastId} holds more than ${batchSize}`, 'BatchSizeMismatch');
      }
      const meta: MessageMetadata = {
        incidentId: incident.id, severity: incident.severity, category: incident.category, version: message.version,
      };
      const result: EmailBatchResult = {
        batchIndex, recipients: recipients.length, resumedFrom: 0,
        sent: 0, alreadySent: 0, verified: 0, inDoubtResent: 0, failed: 0, failedOver: 0, byProvider: {}, deferred: 0,
      };
      const resumedFrom = resumePoint(ctx.info.heartbeatDetails, recipients.length);
      result.resumedFrom = resumedFrom;

      // The one path out (M5.5): every locale of the version is gated once per batch, before any
      // recipient sees it. Links and held-update lists are added after the gate, which therefore
      // never mistakes a tracking token for a secret.
      const gated = await gateEveryLocale(models, incident.id, message);
      const readerText = (r: PlannedRecipient) => {
        const locale = inLocale(message, r.locale).locale;
        return { locale, content: gated.get(locale)! };
      };
      const statusLink = emailStatusLinks(config, incident.id);
      const unsubscribe = unsubscribeLinks(config, incident.id, message.version);
      const limiter = await emailLimiter(models, incident, message, rateLimit);
      const recurring = recurrence ? recurringAdapter(models, incident, message, recurrence, !!rateLimit?.statusChange) : undefined;

      const windows = new Map<number, Promise<{ slots: Slot[]; from: number; claims: Map<number, ClaimDoc> }>>();
      const planned = (w: number) => {
        let p = windows.get(w);
        if (!p) {
          const from = Math.max(resumedFrom, w * claimWindow);
          p = (async () => {
            const group = recipients.slice(from, (w + 1) * claimWindow);
            const now = rateLimit?.at ? new Date(rateLimit.at) : new Date();
            const [decisions, adapted] = await Promise.all([
              limiter ? limiter.decide(group, now) : undefined,
              recurring?.decide(group, now),
            ]);
            const slots = group.map((r, i): Slot => {
              const d = decisions?.[i];
              if (d?.held) return { held: true, dueAt: d.dueAt };
              const a = adapted?.[i];
              if (a?.capped) return { held: false, capped: true };
              const reader = readerText(r);
              const { locale } = reader;
              const content = a?.toldAbout ? shortRecurrenceMessage(reader.content, a.toldAbout, emailStatusLinks(config, a.toldAbout.id)(emailSegment(r.tier), 1), locale) : reader.content;
              const carries = d?.carries ?? [];
              const body = withHeldUpdates(content, carries.map((e) => ({ version: e.version, subject: e.subject, at: e.approvedAt })));
              const delivery = broadcastEmail(meta, body, r.email, config, {
                statusLink: statusLink(emailSegment(r.tier), message.version), locale, unsubscribeUrl: unsubscribe(r.email, r.customerId),
              });
              return { held: false, delivery, carries };
            });
            if (recurring && adapted) {
              await recurring.record(group.flatMap((r, i): RecurrenceAdaptationDoc[] => {
                const a = adapted[i];
                const d = decisions?.[i];
                const kind = d?.held ? (recurrence!.digestMinutes > 0 ? 'digest' : undefined) : a.capped ? 'daily-cap' : a.toldAbout ? 'short-message' : undefined;
                if (!kind) return [];
                return [{
                  _id: adaptationId(incident.id, message.version, r.email), incidentId: incident.id, version: message.version, recipient: r.email,
                  ...(r.customerId ? { customerId: r.customerId } : {}), kind, ...(kind === 'short-message' ? { priorIncident: a.toldAbout!.id } : {}), at: new Date(),
                }];
              }));
            }
            if (limiter && decisions) {
              await limiter.hold(
                group.flatMap((r, i) => {
                  const d = decisions[i];
                  if (!d.held || d.alreadyHeld) return [];
                  return [{ recipient: r, segment: emailSegment(r.tier), subject: readerText(r).content.subject, lastEmailAt: d.lastEmailAt, dueAt: d.dueAt }];
                }),
              );
            }
            const claims = slots.flatMap((s, i) =>
              s.held || 'capped' in s
                ? []
                : [{
                    position: from + i,
                    doc: {
                      key: s.delivery.key, incidentId: incident.id, version: message.version, channel: 'email', recipient: s.delivery.email.to,
                      status: 'sending', messageId: s.delivery.email.messageId, attempts: ctx.info.attempt,
                      ...(group[i].override ? { override: group[i].override } : {}),
                    } satisfies ClaimDoc,
                  }],
            );
            // Each claim is written only when its send starts (see deliver), so the deliveries in
            // doubt at a crash are the sends then in flight.
            return { slots, from, claims: new Map(claims.map((c) => [c.position, c.doc])) };
          })();
          windows.set(w, p);
        }
        return p;
      };

      const group = (position: number) => recipients[position];
      let latestDue = -Infinity;
      async function deliver(position: number): Promise<boolean> {
        const window = Math.floor(position / claimWindow);
        const plan = await planned(window);
        if (position % claimWindow === 0 || position === resumedFrom) void planned(window + 1).catch(() => undefined);
        const slot = plan.slots[position - plan.from];
        if (slot.held) {
          result.deferred++;
          latestDue = Math.max(latestDue, slot.dueAt.getTime());
          return true;
        }
        if ('capped' in slot) {
          result.capped = (result.capped ?? 0) + 1;
          return true;
        }
        if (recurring?.shortened(slot.delivery.email.to)) result.shortened = (result.shortened ?? 0) + 1;
        const { delivery } = slot;
        const record = (fields: ReceiptFields) =>
          recordReceipt({
            _id: delivery.key, incidentId: incident.id, version: message.version, channel: 'email',
            recipient: delivery.email.to, messageId: delivery.email.messageId, at: new Date(),
            ...(rateLimit?.at ? { windowAt: new Date(rateLimit.at) } : {}), ...fields,
          });
        // The email is archived as the provider took it, before its receipt (M5.1).
        const sender = archivingSender(email, async (m, receipt) => {
          const { locale, content } = readerText(group(position));
          const binding = { gate: content.verdict, ...(await approvals(incident.id, message.version)) };
          await archive(emailRecord({ incident, version: message.version, locale, key: delivery.key, customerId: group(position).customerId, binding }, m, receipt));
        });
        const outcome = await deliverOnce({
          sender, delivery, claim: () => claim(plan.claims.get(position)!), findReceipt: (key) => findReceipt(models, key), record,
          noteFailure: (failure) => noteDeliveryFailure(models, delivery.key, failure),
        });
        switch (outcome.kind) {
          case 'unsettled':
            return false;
          case 'failed':
            result.failed++;
            return true;
          case 'recorded':
            if (outcome.receipt.outcome === 'failed') {
              result.failed++;
              return true;
            }
            result.alreadySent++;
            break;
          case 'verified':
            result.verified++;
            break;
          case 'sent':
          case 'in-doubt-resent':
            if (outcome.kind === 'sent') result.sent++;
            else result.inDoubtResent++;
            result.byProvider[outcome.provider] = (result.byProvider[outcome.provider] ?? 0) + 1;
            if (outcome.failedOver) result.failedOver++;
            break;
        }
        if (limiter) await limiter.carried(slot.carries, delivery.key);
        return true;
      }

      const progress = new SettledPrefix(resumedFrom);
      const unsettled = await whileHeartbeating(ctx, () => ({ next: progress.next }), () =>
        inLanes(recipients.length, sendsInFlight, async (p) => {
          const settled = await deliver(p);
          if (settled) progress.settle(p);
          return settled;
        }, { from: resumedFrom, signal: ctx.cancellationSignal }),
      );
      if (unsettled > 0) {
        // The next attempt resumes at the first unsettled recipient and finds its claim in doubt.
        throw ApplicationFailure.retryable(`${unsettled} deliveries of batch ${batchIndex} failed on every provider`, 'ProvidersUnavailable');
      }
      if (result.deferred > 0) result.digestDueAt = new Date(latestDue).toISOString();
      return result;
    },

    /**
     * What became of every email delivery of one version, read from its receipts (the delivery
     * log), whichever attempt settled them: the account the audit's email record carries.
     */
    async emailOutcomes({ incidentId, version }: { incidentId: string; version: number }): Promise<EmailOutcomes> {
      return countEmailOutcomes(await receiptsOfVersion(models, incidentId, version, 'email'));
    },

    ...createDigestActivities(deps, email),
  };
}

export type FanoutActivities = ReturnType<typeof createFanoutActivities>;
