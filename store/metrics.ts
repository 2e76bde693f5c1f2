import type { ApprovalAuditView, ChannelLogTotal, FirstMessageView, Grouped, NearMissView } from '../domain/metrics';
import { approvalSteps } from '../domain/metrics';
import type { Models } from './models';
import { collectionOf } from './mongo';

/** What GET /metrics reads from the store at scrape time (the figures are domain/metrics.ts's). */
export interface MetricsSnapshot {
  /** Every incident not yet resolved: its severity and whether it is a drill. */
  open: { severity: string; drill?: boolean }[];
  /** Incidents ever declared, by severity (drills left out). */
  declared: Record<string, number>;
  receipts: Grouped[];
  claims: Grouped[];
  channelLog: ChannelLogTotal[];
  /** Recipients every email broadcast was planned for. */
  broadcastRecipients: number;
  nearMisses: NearMissView[];
  webhookAttempts: { ok: number; failed: number };
  webhookEndpointsDisabled: number;
  /** The incidents detected since the window's start, and the audit records their approval latency reads. */
  recent: FirstMessageView[];
  approvalRecords: ApprovalAuditView[];
}

type MetricsCollections = Pick<Models, 'IncidentSummary' | 'DeliveryReceipt' | 'Delivery' | 'ChannelDelivery' | 'Broadcast' | 'NearMiss' | 'WebhookAttempt' | 'WebhookEndpoint' | 'AuditRecord'>;

/** Counts by two fields, as {channel, outcome, n}: one $group, which FerretDB runs as MongoDB does. */
async function grouped(model: MetricsCollections['DeliveryReceipt'] | MetricsCollections['Delivery'], outcomeField: 'outcome' | 'status'): Promise<Grouped[]> {
  const rows = await collectionOf(model as MetricsCollections['DeliveryReceipt'])
    .aggregate<{ _id: { channel: string; outcome: string }; n: number }>([{ $group: { _id: { channel: '$channel', outcome: `$${outcomeField}` }, n: { $sum: 1 } } }])
    .toArray();
  return rows.map((r) => ({ channel: String(r._id.channel), outcome: String(r._id.outcome), n: r.n }));
}

/**
 * One read of everything the metrics report. Totals are read over the whole store, so they only
 * grow and `rate()` works on them; the time-to-first-message and approval-latency distributions
 * are read over the incidents detected since `windowStart` (their audit records by the incident
 * index), so a scrape stays cheap however many incidents the store keeps.
 */
export async function readMetricsSnapshot(models: MetricsCollections, windowStart: string): Promise<MetricsSnapshot> {
  const summaries = collectionOf(models.IncidentSummary);
  const [open, declaredRows, receipts, claims, logRows, broadcastRows, nearMisses, attemptsOk, attemptsFailed, disabled, recent] = await Promise.all([
    summaries.find({ status: { $ne: 'resolved' } }, { projection: { _id: 0, severity: 1, drill: 1 } }).toArray(),
    summaries.aggregate<{ _id: string; n: number }>([{ $match: { drill: false } }, { $group: { _id: '$severity', n: { $sum: 1 } } }]).toArray(),
    grouped(models.DeliveryReceipt, 'outcome'),
    grouped(models.Delivery, 'status'),
    collectionOf(models.ChannelDelivery)
      .aggregate<{ _id: string; count: number; failed: number }>([{ $group: { _id: '$channel', count: { $sum: '$count' }, failed: { $sum: '$failed' } } }])
      .toArray(),
    collectionOf(models.Broadcast).aggregate<{ _id: null; n: number }>([{ $group: { _id: null, n: { $sum: '$recipients' } } }]).toArray(),
    collectionOf(models.NearMiss).find({}, { projection: { _id: 0, kind: 1, 'details.channel': 1, 'details.findings': 1 } }).toArray(),
    collectionOf(models.WebhookAttempt).countDocuments({ ok: true }),
    collectionOf(models.WebhookAttempt).countDocuments({ ok: false }),
    collectionOf(models.WebhookEndpoint).countDocuments({ disabled: true }),
    summaries.find({ detectedAt: { $gte: windowStart } }, { projection: { _id: 1, severity: 1, detectedAt: 1, firstExternalMessageAt: 1, drill: 1 } }).toArray(),
  ]);
  const recentIds = recent.filter((r) => !r.drill).map((r) => r._id);
  const approvalRecords = recentIds.length
    ? await collectionOf(models.AuditRecord)
      .find({ incidentId: { $in: recentIds }, step: { $in: [...approvalSteps] } }, { projection: { _id: 0, incidentId: 1, seq: 1, step: 1, at: 1, details: 1 } })
      .toArray()
    : [];
  return {
    open,
    declared: Object.fromEntries(declaredRows.map((r) => [String(r._id), r.n])),
    receipts,
    claims,
    channelLog: logRows.map((r) => ({ channel: String(r._id), count: r.count ?? 0, failed: r.failed ?? 0 })),
    broadcastRecipients: broadcastRows[0]?.n ?? 0,
    nearMisses: nearMisses as NearMissView[],
    webhookAttempts: { ok: attemptsOk, failed: attemptsFailed },
    webhookEndpointsDisabled: disabled,
    recent,
    approvalRecords,
  };
}
