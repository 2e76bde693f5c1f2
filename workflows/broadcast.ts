import { continueAsNew, proxyActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { HeraldActivities } from '../activities';
import type { BroadcastPlan, EmailBatchResult, EmailDeliveryCounts } from '../activities/fanout';
import type { IncidentInput } from '../domain/incident';
import type { RecurringBroadcast } from '../domain/incident/recurrence';
import type { MessageVersion } from '../domain/messages';

export interface BroadcastRequest {
  incident: IncidentInput;
  message: MessageVersion;
  /** Recipients per batch activity (default 500). */
  batchSize?: number;
  /** Batch activities running at once (default 4). */
  maxInFlight?: number;
  /** How soon a batch whose worker died is retried elsewhere (default batchHeartbeatTimeout, 5 seconds). */
  batchHeartbeatTimeout?: ActivityOptions['heartbeatTimeout'];
  /** Per-recipient email limit (M3.4): updates inside the window fold into a digest unless the status changed. */
  rateLimit?: { minutes: number; statusChange: boolean; at?: string };
  /** A recurring incident's adaptations (M7.5): short messages, the daily cap. */
  recurrence?: RecurringBroadcast;
  /** The playbook's `distribution.legalNotice` (M1.4): where it applies, email reaches every affected address. */
  legalNotice?: { regime: string; tags?: string[] };
  /** Carried across continue-as-new; callers leave it out. */
  progress?: { plan: BroadcastPlan; nextBatch: number; totals: BroadcastOutcome };
}

export interface BroadcastOutcome extends EmailDeliveryCounts {
  broadcastId: string;
  recipients: number;
  batches: number;
  /** Batch attempts that resumed from an earlier attempt's heartbeat. */
  resumedBatches: number;
  /** Recipients settled by attempts that died before reporting (skipped by the resume point). */
  settledByEarlierAttempts: number;
  /** Recipients whose update waits for a digest (rate limit), and when the last window ends. */
  deferred?: number;
  digestDueAt?: string;
}

/**
 * How long a batch may go without a heartbeat before Temporal retries it on another worker. A
 * batch heartbeats every 750 ms and the worker sends a heartbeat at least every second
 * (activities/heartbeat.ts, workers/worker.ts), so 3 s is several missed beats. With 30 s a killed
 * worker's batches stopped the broadcast for half a minute although a replacement polled within
 * seconds; with 5 s the retry came 4.4 to 6.1 s after the kill, often after the replacement was
 * polling, and with the cold start of its first batch the gap reached 8.5 s (faults/worker-kills).
 * A batch whose worker only stalls that long is retried while it still runs: the claims and the
 * in-doubt rule keep that to a recorded resend under the same Message-ID. An option of the
 * scheduled activity, not a command: histories recorded with other values replay unchanged.
 */
export const batchHeartbeatTimeout = '3 seconds';

/**
 * The retries of a heartbeating activity (email batches, channel dispatch, digests), with no
 * attempt limit: the first comes soon, so one whose worker died resumes as soon as its heartbeat
 * times out (faults: worker-kills).
 */
export const heartbeatingRetry = { initialInterval: '200 milliseconds', maximumInterval: '30 seconds' } as const;

/** The totals of a broadcast before any batch reported. */
export function emptyOutcome(plan: BroadcastPlan): BroadcastOutcome {
  return {
    broadcastId: plan.broadcastId, recipients: plan.recipients, batches: plan.batches,
    sent: 0, alreadySent: 0, verified: 0, inDoubtResent: 0, failed: 0, failedOver: 0, resumedBatches: 0, settledByEarlierAttempts: 0, byProvider: {},
  };
}

export function add(totals: BroadcastOutcome, r: EmailBatchResult): void {
  totals.sent += r.sent;
  totals.alreadySent += r.alreadySent;
  totals.verified += r.verified;
  totals.inDoubtResent += r.inDoubtResent;
  totals.failed += r.failed;
  totals.failedOver += r.failedOver;
  if (r.resumedFrom > 0) totals.resumedBatches++;
  totals.settledByEarlierAttempts += r.resumedFrom;
  for (const [name, n] of Object.entries(r.byProvider)) totals.byProvider[name] = (totals.byProvider[name] ?? 0) + n;
  if (r.deferred) {
    totals.deferred = (totals.deferred ?? 0) + r.deferred;
    if (r.digestDueAt && (!totals.digestDueAt || r.digestDueAt > totals.digestDueAt)) totals.digestDueAt = r.digestDueAt;
  }
}

/**
 * One approved message version to its whole email audience (M7.3, X2), run by the incident
 * workflow as a child. The audience is frozen by one planning activity; then each batch is one
 * activity, a few at a time, so history grows by a handful of events per batch and never per
 * recipient. Exactly-once per recipient is the activities' job (claims and receipts by key);
 * this workflow only guarantees every batch runs to completion.
 */
export async function broadcastWorkflow(req: BroadcastRequest): Promise<BroadcastOutcome> {
  const batchSize = req.batchSize ?? 500;
  const maxInFlight = Math.max(1, req.maxInFlight ?? 4);
  const { planBroadcast } = proxyActivities<HeraldActivities>({
    startToCloseTimeout: '10 minutes',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  });
  const { sendEmailBatch } = proxyActivities<HeraldActivities>({
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: req.batchHeartbeatTimeout ?? batchHeartbeatTimeout,
    // A batch that cannot finish is retried until it does, never skipped.
    retry: heartbeatingRetry,
  });

  const plan = req.progress?.plan ?? (await planBroadcast({ incident: req.incident, message: req.message, batchSize, ...(req.legalNotice ? { legalNotice: req.legalNotice } : {}) }));
  const totals: BroadcastOutcome = req.progress?.totals ?? emptyOutcome(plan);

  let next = req.progress?.nextBatch ?? 0;
  // Very large audiences hand over to a fresh run before history grows large; lanes finish the
  // batch they are running first.
  const handOver = () => workflowInfo().continueAsNewSuggested;
  await Promise.all(
    Array.from({ length: maxInFlight }, async () => {
      while (next < plan.batches && !handOver()) {
        const batchIndex = next++;
        add(totals, await sendEmailBatch({ incident: req.incident, message: req.message, batchIndex, batchSize, ...(req.rateLimit ? { rateLimit: req.rateLimit } : {}), ...(req.recurrence ? { recurrence: req.recurrence } : {}) }));
      }
    }),
  );
  if (next < plan.batches) {
    return continueAsNew<typeof broadcastWorkflow>({ ...req, progress: { plan, nextBatch: next, totals } });
  }
  return totals;
}
