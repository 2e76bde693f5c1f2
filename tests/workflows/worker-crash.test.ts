import '../support/temporal-runtime';
import { Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createActivities } from '../../activities';
import { workflowIdFor } from '../../domain/incident';
import type { incidentWorkflow } from '../../workflows/incident';
import { incidentStateQuery } from '../../workflows/messages';
import { testEnv, uniqueName } from '../support/env';
import { workerConfig, workflowBundle } from '../support/harness';
import { startWorkerChild } from '../support/worker-child';
import { minute, missed, timeSkippingSuite } from '../support/time-skipping';
import { waitFor } from '../support/wait';

const mailer = nodemailer.createTransport({ url: testEnv().smtpUrl, pool: true } as never);
/** Workers this file started, shut down in afterAll too: a timed-out test must not leave one holding the connection. */
const workers = new Set<Worker>();
let child: Awaited<ReturnType<typeof startWorkerChild>> | undefined;
afterAll(async () => {
  if (child && child.process.exitCode === null && child.process.signalCode === null) await child.kill();
  for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
  mailer.close();
});
// After the cleanup above: its afterAll runs later, once no worker holds the connection.
const t = timeSkippingSuite();

async function newWorker(taskQueue: string) {
  const worker = await Worker.create({
    connection: t.env.nativeConnection,
    taskQueue,
    maxCachedWorkflows: 0,
    workflowBundle: await workflowBundle(),
    activities: createActivities({ store: t.store, mailer, config: workerConfig('http://status.herald.test') }),
  });
  workers.add(worker);
  const running = worker.run();
  return { worker, running };
}

describe('deadlines across a worker restart', () => {
  it('[X1] a deadline pending while the worker process is killed fires at its time under a new worker', async () => {
    const taskQueue = uniqueName('tq');
    // The real worker entry point in its own process, killed with SIGKILL; no sticky queue, since
    // the test server would wait (in frozen time) for the dead worker's one.
    const first = (child = await startWorkerChild({ taskQueue, dbName: t.store.conn.name, temporalAddress: t.env.address, env: { HERALD_WORKFLOW_CACHE_SIZE: '0' } }));
    const input = await t.incident('SEV2');
    const detected = Date.parse(input.detectedAt);
    const handle = await t.env.client.workflow.start<typeof incidentWorkflow>('incidentWorkflow', { taskQueue, workflowId: workflowIdFor(input.id), args: [input] });
    await waitFor(() => handle.query(incidentStateQuery), (s) => s.status === 'awaiting-approval');
    // Killed with nothing in flight: no activity and no workflow task. The test server does not skip
    // time while a workflow task is out, and the dead worker's would never time out in frozen time.
    await waitFor(async () => {
      if ((await handle.describe()).raw.pendingActivities?.length) return false;
      const events = (await handle.fetchHistory()).events ?? [];
      const lastCompleted = events.map((e) => !!e.workflowTaskCompletedEventAttributes).lastIndexOf(true);
      return lastCompleted >= 0 && !events.slice(lastCompleted).some((e) => e.workflowTaskScheduledEventAttributes);
    }, (idle) => idle, 'the incident idle before the kill');
    await first.kill();
    expect(first.process.signalCode).toBe('SIGKILL');

    // A new worker with nothing in memory; the timer lives in the server, not in any process.
    const second = await newWorker(taskQueue);
    try {
      await t.env.sleep('31 minutes');
      const due = detected + 30 * minute;
      const events = (await handle.fetchHistory()).events ?? [];
      const fired = events.filter((e) => e.timerFiredEventAttributes).map((e) => Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6));
      expect(fired.some((at) => Math.abs(at - due) < 1000)).toBe(true);
      const state = await waitFor(() => handle.query(incidentStateQuery), (s) => s.published.length === 1);
      const [m] = missed(state, 'step:first-external-message');
      expect(m.dueAt).toBe(new Date(due).toISOString());
      expect(state.published[0].holdingStatement).toBe(true);
    } finally {
      await handle.terminate('test over').catch(() => undefined);
      second.worker.shutdown();
      await second.running;
    }
  }, 300_000); // a child process that bundles the workflow code, and a server that skips time: minutes under load
});
