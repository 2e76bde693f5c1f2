import { ApplicationFailure, Context } from '@temporalio/activity';
import { digestContent } from '../domain/delivery/digests';
import { broadcastEmail, digestChannel, type BroadcastDelivery } from '../domain/delivery';
import type { ExternalContent, GateVerdict } from '../domain/gate';
import type { IncidentInput } from '../domain/incident';
import { inLocale, type LocalizedText, type MessageVersion } from '../domain/messages';
import type { OutboundEmail } from '../domain/delivery/providers';
import { foldIntoDigests } from '../domain/delivery/rate-limit';
import { heldVersions, pendingDigestEntries, type DigestEntryDoc } from '../store/digests';
import { findReceipt } from '../store/deliveries';
import { gateDispatchVerdict } from './gate';
import { approvalsMemo, archivedVerdict, archiveWriter, archivingSender, emailRecord, type ArchivedGateVerdict } from './archive';
import { claimLog, deliverOnce, receiptLog, type ClaimDoc, type ReceiptFields } from './delivery-log';
import { carriedLog } from './email-limit';
import type { ActivityDeps, StoreDeps } from './deps';
import { whileHeartbeating } from './heartbeat';
import { inLanes } from './lanes';
import type { FailoverSender } from './providers/failover';
import { emailStatusLinks } from './tracked-links';
import { unsubscribeLinks } from './unsubscribe-links';
import { suppressedAmong } from '../store/suppressions';

export interface DigestRequest {
  /** The incident as it stands now (title and severity head the digest). */
  incident: IncidentInput;
  /** The workflow's time: recipients whose window ended by then get their digest. */
  at: string;
  /** The playbook's `distribution.emailMinutesPerRecipient`. */
  rateLimitMinutes: number;
}

export interface DigestResult {
  /** Digests sent now, one per recipient. */
  sent: number;
  /** Digests an earlier attempt or run already delivered (or a provider confirmed); not sent again. */
  alreadySent: number;
  /** Digests in doubt after a crash, sent again with the same Message-ID (see EmailBatchResult.inDoubtResent). */
  inDoubtResent: number;
  /** Recipients whose held updates still wait for their window to end. */
  remaining: number;
  /** When the next of them is due (ISO): when the workflow should call again. */
  nextDueAt?: string;
}

const sendsInFlight = 16;

interface Digest {
  recipient: string;
  entries: DigestEntryDoc[];
  delivery: BroadcastDelivery;
  locale: string;
  verdict: ArchivedGateVerdict;
  customerId?: string;
}

/**
 * Digests of held updates (M3.4), exactly once per recipient and set of held updates: the
 * digest's key names the first update it folds, it is claimed before the provider sees it, and
 * the updates are marked done only once its receipt is durable, so a rerun finds the receipt
 * and sends nothing more.
 */
export function createDigestActivities(
  { store, config }: StoreDeps<'ArchiveRecord' | 'AuditRecord' | 'Delivery' | 'DeliveryReceipt' | 'DigestEntry' | 'HeldVersion' | 'NearMiss' | 'Suppression'> & Pick<ActivityDeps, 'config'>,
  email: FailoverSender<OutboundEmail>,
) {
  const { models } = store;
  const recordReceipt = receiptLog(models);
  const claim = claimLog(models);
  const markCarried = carriedLog(models);
  const archive = archiveWriter(models);
  const approvals = approvalsMemo(models);

  return {
    /** Sends one digest to every recipient whose window ended by `at`, carrying all their held updates. */
    async sendDigests({ incident, at, rateLimitMinutes }: DigestRequest): Promise<DigestResult> {
      const ctx = Context.current();
      const result: DigestResult = { sent: 0, alreadySent: 0, inDoubtResent: 0, remaining: 0 };
      // This runs once per window.
      const pending = await pendingDigestEntries(models, incident.id);
      if (pending.length === 0) return result;
      const byRecipient = new Map<string, DigestEntryDoc[]>();
      const lastSentAt: Record<string, string> = {};
      for (const e of pending) {
        const key = e.recipient.toLowerCase();
        byRecipient.set(key, [...(byRecipient.get(key) ?? []), e]);
        const last = new Date(e.lastEmailAt).toISOString();
        if (!lastSentAt[key] || last > lastSentAt[key]) lastSentAt[key] = last;
      }
      const plan = foldIntoDigests(
        pending.map((e) => ({ recipient: e.recipient, incidentId: e.incidentId, version: e.version, at: e.approvedAt, statusChange: false, subject: e.subject })),
        lastSentAt,
        at,
        rateLimitMinutes,
      );
      result.remaining = plan.held.length;
      result.nextDueAt = plan.nextDigestAt;
      if (plan.sendNow.length === 0) return result;

      const dueAll = plan.sendNow.map((d) => byRecipient.get(d.recipient.toLowerCase())!.sort((a, b) => a.version - b.version));
      // An address that unsubscribed since its updates were held gets no digest (M3.3), unless a
      // legal notice is among them; its held updates are closed so no timer waits for them.
      const suppressed = await suppressedAmong(models, dueAll.map((entries) => entries[0].recipient));
      const dropped = dueAll.filter((entries) => suppressed.has(entries[0].recipient.toLowerCase()) && !entries.some((e) => e.override));
      if (dropped.length) await markCarried({ ids: dropped.flatMap((entries) => entries.map((e) => e._id)), carriedBy: 'suppressed', at: new Date() });
      const due = dueAll.filter((entries) => !dropped.includes(entries));
      if (due.length === 0) return result;
      const latestVersions = [...new Set(due.map((entries) => entries.at(-1)!.version))];
      const quoted = await heldVersions(models, incident.id, latestVersions);
      const messages = new Map<number, MessageVersion>(quoted.map((q) => [q.version, q.message]));

      // Each distinct digest text passes the gate once, before anyone gets a digest.
      const gates = new Map<string, Promise<GateVerdict<LocalizedText & ExternalContent>>>();
      const statusLink = emailStatusLinks(config, incident.id);
      const digests = await Promise.all(
        due.map(async (entries): Promise<Digest> => {
          const latest = entries.at(-1)!;
          const message = messages.get(latest.version);
          if (!message) throw ApplicationFailure.nonRetryable(`version ${latest.version} of ${incident.id} was held but not stored`, 'HeldVersionMissing');
          const localized = inLocale(message, latest.locale);
          const updates = entries.map((e) => ({ version: e.version, subject: e.subject, at: e.approvedAt }));
          const textKey = JSON.stringify([localized.locale, updates.map((u) => [u.version, u.subject])]);
          let gate = gates.get(textKey);
          if (!gate) {
            const { subject, text, html } = digestContent(incident, localized, updates);
            gate = gateDispatchVerdict(models, { incidentId: incident.id, version: latest.version, channel: 'email' }, { subject, text, html });
            gates.set(textKey, gate);
          }
          const meta = { incidentId: incident.id, severity: incident.severity, category: incident.category, version: latest.version };
          const verdict = await gate;
          const delivery = broadcastEmail(meta, verdict.content, latest.recipient, config, {
            statusLink: statusLink(latest.segment, latest.version), locale: localized.locale, digestOf: updates.map((u) => u.version),
            unsubscribeUrl: unsubscribeLinks(config, incident.id, latest.version)(latest.recipient, latest.customerId),
          });
          return { recipient: latest.recipient, entries, delivery, locale: localized.locale, verdict: archivedVerdict(verdict), customerId: latest.customerId };
        }),
      );

      const unsettled = await whileHeartbeating(ctx, () => undefined, () =>
        inLanes(digests.length, sendsInFlight, async (i) => {
          const { entries, delivery, locale, verdict, customerId } = digests[i];
          const folded = entries.map((e) => e.version);
          const record = (fields: ReceiptFields) =>
            recordReceipt({
              _id: delivery.key, incidentId: incident.id, version: folded[0], channel: digestChannel,
              recipient: delivery.email.to, messageId: delivery.email.messageId, folded, at: new Date(), windowAt: new Date(at), ...fields,
            });
          const claimDoc = {
            key: delivery.key, incidentId: incident.id, version: entries[0].version, channel: digestChannel, recipient: delivery.email.to,
            status: 'sending', messageId: delivery.email.messageId, attempts: ctx.info.attempt,
          } satisfies ClaimDoc;
          // The digest is archived as the provider took it (M5.1), under the latest version it carries.
          const sender = archivingSender(email, async (m, receipt) => {
            const binding = { gate: verdict, ...(await approvals(incident.id, entries.at(-1)!.version)) };
            await archive(emailRecord({ incident, version: entries.at(-1)!.version, locale, key: delivery.key, channel: digestChannel, binding, ...(customerId ? { customerId } : {}) }, m, receipt));
          });
          const outcome = await deliverOnce({ sender, delivery, claim: () => claim(claimDoc), findReceipt: (key) => findReceipt(models, key), record });
          if (outcome.kind === 'unsettled') return false;
          let carried = entries;
          if (outcome.kind === 'recorded') {
            // An earlier run's digest: exactly the updates it carried are done; newer ones wait for the next.
            const was = new Set(outcome.receipt.folded ?? folded);
            carried = entries.filter((e) => was.has(e.version));
            if (outcome.receipt.outcome !== 'failed') result.alreadySent++;
          } else if (outcome.kind === 'verified') {
            result.alreadySent++;
          } else if (outcome.kind === 'sent') {
            result.sent++;
          } else if (outcome.kind === 'in-doubt-resent') {
            result.inDoubtResent++;
          }
          await markCarried({ ids: carried.map((e) => e._id), carriedBy: delivery.key, at: new Date() });
          return true;
        }, { signal: ctx.cancellationSignal }),
      );
      if (unsettled > 0) throw ApplicationFailure.retryable(`${unsettled} digests failed on every provider`, 'ProvidersUnavailable');
      return result;
    },
  };
}
