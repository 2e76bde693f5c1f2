import { broadcastIdFor } from '../domain/delivery';
import type { PublicationFacts } from '../domain/delivery/progress';
import type { Models } from './models';
import { collectionOf } from './mongo';

/**
 * What the store knows about the fan-out of an incident's versions, for the progress reads. Every
 * read is an `_id` range (the broadcast headers, the channel log and the receipts are keyed by
 * incident and version) or the audit trail's incident index, so a poll stays cheap mid-broadcast.
 */

type ProgressModels = Pick<Models, 'Broadcast' | 'ChannelDelivery' | 'DeliveryReceipt' | 'AuditRecord'>;

/** Keys that start with `prefix`: a range on the `_id` index. */
const startingWith = (prefix: string) => ({ $gte: prefix, $lt: `${prefix}\uffff` });

async function receiptCounts(models: ProgressModels, incidentId: string, version: number): Promise<PublicationFacts['emailReceipts']> {
  const receipts = collectionOf(models.DeliveryReceipt);
  const _id = startingWith(`${broadcastIdFor(incidentId, version, 'email')}|`);
  const [all, failed] = await Promise.all([receipts.countDocuments({ _id }), receipts.countDocuments({ _id, outcome: 'failed' })]);
  return { sent: all - failed, failed };
}

/**
 * The publication facts of each version of the incident that has any (a planned broadcast, a
 * channel's delivery or its audit records), oldest first; `version` limits it to that one.
 */
export async function publicationFacts(models: ProgressModels, incidentId: string, version?: number): Promise<PublicationFacts[]> {
  const scope = version === undefined ? `${incidentId}|v` : `${broadcastIdFor(incidentId, version, 'email')}`;
  const rowScope = version === undefined ? `${incidentId}#v` : `${incidentId}#v${version}#`;
  const [plans, rows, records] = await Promise.all([
    collectionOf(models.Broadcast).find({ _id: version === undefined ? startingWith(scope) : scope }, { projection: { version: 1, channel: 1, recipients: 1, plannedAt: 1 } }).toArray(),
    collectionOf(models.ChannelDelivery).find({ _id: startingWith(rowScope) }, { projection: { _id: 0, version: 1, channel: 1, deliveredAt: 1, count: 1, failed: 1, inDoubtResent: 1 } }).toArray(),
    models.AuditRecord.find(
      { incidentId, step: { $in: ['published', 'channels-delivered'] }, ...(version === undefined ? {} : { 'details.version': version }) },
      { _id: 0, step: 1, at: 1, details: 1 },
    ).lean<{ step: string; at: string; details: { version?: number; channel?: string } }[]>(),
  ]);
  const emailPlans = plans.filter((p) => p.channel === 'email');
  const versions = new Set<number>([
    ...emailPlans.map((p) => p.version),
    ...rows.map((r) => r.version),
    ...records.map((r) => r.details.version).filter((v): v is number => typeof v === 'number'),
  ]);
  const recordAt = (v: number, step: string, channel?: string) =>
    records.find((r) => r.step === step && r.details.version === v && (channel === undefined || r.details.channel === channel))?.at;
  return Promise.all(
    [...versions].sort((a, b) => a - b).map(async (v): Promise<PublicationFacts> => {
      const plan = emailPlans.find((p) => p.version === v);
      return {
        version: v,
        ...(plan ? { emailPlan: { recipients: plan.recipients, plannedAt: plan.plannedAt } } : {}),
        emailReceipts: plan ? await receiptCounts(models, incidentId, v) : { sent: 0, failed: 0 },
        ...(recordAt(v, 'published', 'email') ? { emailDoneAt: recordAt(v, 'published', 'email') } : {}),
        channelRows: rows.filter((r) => r.version === v),
        ...(recordAt(v, 'channels-delivered') ? { finishedAt: recordAt(v, 'channels-delivered') } : {}),
      };
    }),
  );
}
