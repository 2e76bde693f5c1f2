import { WorkflowIdReusePolicy } from '@temporalio/client';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChainedAuditRecord } from '../../domain/audit';
import { minute } from '../../domain/incident/deadlines';
import { workflowIdFor, type IncidentInput } from '../../domain/incident';
import { startTemporal, type TemporalServer } from '../../stack/servers';
import type { incidentWorkflow } from '../../workflows/incident';
import { searchAttributesFor } from '../../workflows/search-attributes';
import { auditTrail } from '../../tests/support/clock';
import { uniqueName } from '../../tests/support/env';
import { keys, startHarness, type Harness } from '../../tests/support/harness';
import { waitForState } from '../../tests/support/incidents';
import { waitFor, workflowIdle } from '../../tests/support/wait';
import { startWorkerChild, type WorkerChild } from '../../tests/support/worker-child';
import { seconds, type FaultMode, type FaultResult } from '../support/result';

/**
 * setupMs: from the first declaration to the server going down (every incident waiting for
 * approval by then, nothing in flight). downMs: how long the server stays down. pendingDuring: step deadlines due while it is down (one
 * incident each); pendingAfter: due a few seconds after it is back (they must fire on time).
 */
const sizes = {
  quick: { setupMs: 25_000, downMs: 4_000, pendingDuring: 2, pendingAfter: 1 },
  full: { setupMs: 25_000, downMs: 45_000, pendingDuring: 6, pendingAfter: 2 },
};
const requestTimeoutMs = 10_000;
const hangAfterMs = requestTimeoutMs + 5_000;

/** SEV2 outages: the PR approver signs (outage-single), the approval step is due 27 min and the first external message 30 min from detection. */
const approvalStepMinutes = 27;
const firstMessageMinutes = 30;

const declaration = (title: string) => ({ title, category: 'outage' as const, severity: 'SEV2' as const, components: ['api'], summary: 'API requests fail for some customers.' });

/**
 * An incident detected `detectedAgoMs` ago, as the API starts it (an alert raised before anyone
 * declared it): the playbook's deadlines then fall due within the scenario's seconds, not minutes.
 */
async function declareDetected(h: Harness, title: string, detectedAt: number): Promise<string> {
  const id = uniqueName('INC-TREST');
  const input: IncidentInput = { ...declaration(title), id, declaredBy: 'responder@herald.test', detectedAt: new Date(detectedAt).toISOString() };
  await h.client.workflow.start<typeof incidentWorkflow>('incidentWorkflow', {
    taskQueue: h.taskQueue, workflowId: workflowIdFor(id), args: [input],
    typedSearchAttributes: searchAttributesFor({ ...input, status: 'drafting', drill: false }),
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  });
  return id;
}

/**
 * Where a deadline's lateness went, from the incident's history: the server firing its timer, and
 * the worker starting the workflow task that acted on it (seconds after the due time).
 */
async function timerSteps(h: Harness, id: string, dueAt: number): Promise<{ timerFiredLateSeconds?: number; taskStartedLateSeconds?: number }> {
  const events = (await h.client.workflow.getHandle(workflowIdFor(id)).fetchHistory()).events ?? [];
  const time = (e: (typeof events)[number]) => Number(e.eventTime!.seconds) * 1000 + Math.round((e.eventTime!.nanos ?? 0) / 1e6);
  const fired = events.find((e) => e.timerFiredEventAttributes && time(e) >= dueAt - 1000);
  if (!fired) return {};
  const started = events.find((e) => e.workflowTaskStartedEventAttributes && Number(e.eventId) > Number(fired.eventId));
  return { timerFiredLateSeconds: seconds(time(fired) - dueAt), ...(started ? { taskStartedLateSeconds: seconds(time(started) - dueAt) } : {}) };
}

interface Attempt { at: number; status: number | 'hang'; retryAfter: string | null; ms: number; error?: string; message?: string }

/**
 * An approver signing while Temporal is down, as a client that honours Retry-After: each 503 or
 * 504 must carry it, and the client waits that long and tries again, until an answer that is not
 * "come back later" (200, or a clear 409 that the sign-off already landed).
 */
async function approveUntilAnswered(h: Harness, id: string, body: unknown, giveUpAt: number): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  while (Date.now() < giveUpAt) {
    const started = Date.now();
    const res = await fetch(`${h.baseUrl}/v1/incidents/${id}/approvals`, {
      method: 'POST', headers: { authorization: `Bearer ${keys.approver}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
      signal: AbortSignal.timeout(hangAfterMs),
    }).catch((e: unknown) => e as Error);
    if (res instanceof Error) {
      attempts.push({ at: started, status: 'hang', retryAfter: null, ms: Date.now() - started, error: res.message });
      continue;
    }
    const answer = (await res.json().catch(() => ({}))) as { message?: string };
    const retryAfter = res.headers.get('retry-after');
    attempts.push({ at: started, status: res.status, retryAfter, ms: Date.now() - started, message: answer.message });
    if ((res.status === 503 || res.status === 504) && retryAfter) {
      await new Promise((r) => setTimeout(r, Number(retryAfter) * 1000));
      continue;
    }
    return attempts;
  }
  return attempts;
}

/** An answer a client cannot act on: 5xx without Retry-After, or a 5xx other than 503/504, or a hang. */
const unusable = (a: Attempt) => a.status === 'hang' || (a.status >= 500 && !((a.status === 503 || a.status === 504) && a.retryAfter));

/**
 * Temporal restart: a private dev server (its SQLite file kept), Herald's API and a real worker
 * process against it. SEV2 incidents wait for approval with step deadlines due while the server is
 * down and just after it is back, one whose missed first-message deadline publishes the holding
 * statement, and an approver signs another while the server is down. The server starts again on
 * the same port and file: every deadline fires (its lateness measured from the audit trail), the
 * approval lands or is refused clearly, each customer gets each message once, and the worker that
 * lived through the outage does the work (no restart). Recovery: from the server back to the first
 * audit record written after it.
 */
export async function temporalRestartScenario(mode: FaultMode): Promise<FaultResult> {
  const size = sizes[mode];
  const binary = process.env.TEMPORAL_CLI_PATH;
  if (!binary) throw new Error('TEMPORAL_CLI_PATH is not set: run with npm test or npm run faults (they start the stack)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-temporal-restart-'));
  const dbFile = path.join(dir, 'temporal.db');
  let temporal: TemporalServer = await startTemporal({ binary, dbFile, ui: false, logDir: dir });
  const port = Number(temporal.address.split(':').pop());
  const h = await startHarness({ worker: false, temporalAddress: temporal.address, requestTimeoutMs });
  let worker: WorkerChild | undefined;
  try {
    worker = await startWorkerChild({ taskQueue: h.taskQueue, dbName: h.dbName, temporalAddress: temporal.address });
    const workerPid = worker.process.pid;
    // The timeline, from the moment the server goes down (planned a few seconds ahead).
    const { setupMs } = size;
    const downAt = Date.now() + setupMs;
    const during = Array.from({ length: size.pendingDuring }, (_, i) => downAt + Math.round(((i + 1) * size.downMs) / (size.pendingDuring + 1)));
    const after = Array.from({ length: size.pendingAfter }, (_, i) => downAt + size.downMs + 3_000 + i * 2_000);
    const stepDeadlines: { id: string; dueAt: number; when: 'during' | 'after' }[] = [];
    for (const [when, dues] of [['during', during], ['after', after]] as const) {
      for (const dueAt of dues) {
        stepDeadlines.push({ id: await declareDetected(h, `Approval deadline ${when} the outage`, dueAt - approvalStepMinutes * minute), dueAt, when });
      }
    }
    // Its first external message is due mid-outage: the missed deadline publishes the holding statement.
    const holdingDueAt = downAt + Math.round(size.downMs / 2);
    const holding = await declareDetected(h, 'Holding statement due during the outage', holdingDueAt - firstMessageMinutes * minute);
    // Declared now: its deadlines are far off; its approver signs while the server is down.
    const approvalIncident = await declareDetected(h, 'Approval sent during the outage', Date.now());
    const all = [...stepDeadlines.map((d) => d.id), holding, approvalIncident];
    for (const id of [...stepDeadlines.map((d) => d.id), approvalIncident]) await waitForState(h, id, (s) => s.status === 'awaiting-approval');
    await Promise.all(all.map((id) => workflowIdle(h.client.workflow.getHandle(workflowIdFor(id)))));
    const draft = (await waitForState(h, approvalIncident, (s) => s.status === 'awaiting-approval')).currentDraft;
    if (Date.now() > downAt) throw new Error(`the incidents took ${seconds(Date.now() - downAt + setupMs)} s to settle, longer than the ${setupMs / 1000} s planned before the outage`);
    await new Promise((r) => setTimeout(r, downAt - Date.now()));

    await temporal.stop();
    const stoppedAt = Date.now();
    // The approver signs while the server is down, and keeps trying after each Retry-After.
    const approval = approveUntilAnswered(h, approvalIncident, { version: draft.version, hash: draft.hash, as: 'pr' }, stoppedAt + size.downMs + 120_000);
    const read = await h.request('GET', `/v1/incidents/${approvalIncident}`, { key: keys.viewer }).then((r) => ({ status: r.status, retryAfter: r.headers.get('retry-after') }));
    await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + size.downMs - Date.now())));
    temporal = await startTemporal({ binary, dbFile, ui: false, logDir: dir, port });
    const backAt = Date.now();
    const attempts = await approval;
    const workerDied = worker.process.exitCode !== null || worker.process.signalCode !== null;

    // Every deadline fires: its audit record, written when the workflow woke for it.
    const firings: { id: string; dueAt: number; firedAt?: number; when: string }[] = [];
    const waitMs = 120_000;
    for (const d of stepDeadlines) {
      const trail = await waitFor(() => auditTrail(h.store, d.id), (a) => a.some((r) => r.step === 'deadline-missed' && r.details.step === 'approval'), `the approval deadline of ${d.id}`, { timeoutMs: waitMs }).catch(() => undefined);
      const record = trail?.find((r) => r.step === 'deadline-missed' && r.details.step === 'approval');
      firings.push({ id: d.id, dueAt: d.dueAt, when: d.when, firedAt: record ? Date.parse(record.at) : undefined });
    }
    const holdingTrail = await waitFor(() => auditTrail(h.store, holding), (a) => a.some((r) => r.step === 'published' && r.details.channel === 'email'), 'the holding statement by email', { timeoutMs: waitMs }).catch(() => undefined);
    const missed = holdingTrail?.find((r) => r.step === 'deadline-missed' && r.details.step === 'first-external-message');
    firings.push({ id: holding, dueAt: holdingDueAt, when: 'during', firedAt: missed ? Date.parse(missed.at) : undefined });
    const landed = attempts.at(-1)?.status === 200;
    if (landed) await waitFor(() => auditTrail(h.store, approvalIncident), (a) => a.some((r) => r.step === 'published' && r.details.channel === 'email'), 'the approved version by email', { timeoutMs: waitMs }).catch(() => undefined);
    await Promise.all(all.map((id) => workflowIdle(h.client.workflow.getHandle(workflowIdFor(id))).catch(() => undefined)));

    // The first work done after the server came back: the earliest audit record written after it.
    const trails = await Promise.all(all.map((id) => auditTrail(h.store, id)));
    const afterBack = trails.flat().map((r: ChainedAuditRecord) => Date.parse(r.at)).filter((t) => t >= backAt).sort((a, b) => a - b);
    const recoverySeconds = afterBack.length ? seconds(afterBack[0] - backAt) : NaN;

    // Each customer gets each published message once (a resend in doubt keeps its Message-ID and is recorded).
    const emailed = [holding, ...(landed ? [approvalIncident] : [])];
    let emailsLost = 0;
    let emailsDuplicated = 0;
    for (const id of emailed) {
      const mails = (await h.mailpit.forIncident(id)).filter((m) => h.fixtures.apiSubscribers.includes(m.To[0]?.Address));
      const resent = await h.store.models.DeliveryReceipt.countDocuments({ incidentId: id, outcome: 'in-doubt-resent' });
      let sameIdCopies = 0;
      for (const to of h.fixtures.apiSubscribers) {
        const got = mails.filter((m) => m.To[0].Address === to);
        const messageIds = new Set(got.map((m) => m.MessageID)).size;
        if (!got.length) emailsLost++;
        // A second Message-ID is a second message: never allowed.
        emailsDuplicated += Math.max(0, messageIds - 1);
        sameIdCopies += got.length - messageIds;
      }
      emailsDuplicated += Math.max(0, sameIdCopies - resent);
    }
    // Every notice to staff once: the approvers' requests and the backups told of a missed deadline.
    const notices = await h.store.models.AuditRecord.countDocuments({ incidentId: { $in: all }, step: 'deadline-missed' });
    const deadlinesLost = firings.filter((f) => f.firedAt === undefined).length;
    const approvalClear = landed || (attempts.at(-1) !== undefined && attempts.at(-1)!.status !== 'hang' && (attempts.at(-1)!.status as number) < 500);
    const clientErrors = attempts.filter(unusable).length + (approvalClear ? 0 : 1) + (read.status >= 500 && !read.retryAfter ? 1 : 0);
    const lateness = [];
    for (const f of firings) lateness.push({ incident: f.id, when: f.when, dueAt: new Date(f.dueAt).toISOString(), lateSeconds: f.firedAt === undefined ? null : seconds(f.firedAt - f.dueAt), ...(await timerSteps(h, f.id, f.dueAt)) });
    return {
      scenario: 'temporal-restart', faultsInjected: 1, inFlight: firings.length + 1, lost: deadlinesLost + emailsLost, duplicated: emailsDuplicated,
      clientErrors, recoverySeconds,
      details: {
        downSeconds: seconds(backAt - stoppedAt), deadlines: firings.length, deadlinesLost, lateness,
        maxLateSeconds: Math.max(...lateness.map((l) => l.lateSeconds ?? Infinity)),
        approval: { landed, attempts: attempts.map((a) => ({ status: a.status, retryAfter: a.retryAfter, ms: a.ms, afterStopSeconds: seconds(a.at - stoppedAt), message: a.message })) },
        readDuringOutage: read, emails: emailed.length * h.fixtures.apiSubscribers.length, emailsLost, emailsDuplicated, deadlineMissedRecords: notices,
        workerDied, workerPid, workerPidAfter: worker.process.pid,
      },
    };
  } finally {
    await worker?.stop();
    await h.close();
    await temporal.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
