import os from 'node:os';
import type { BroadcastOutcome } from '../../workflows/broadcast';
import { deadWorkerOf } from '../../workers/dead-workers';
import { uniqueName } from '../support/env';
import { incidentFixture, messageFixture, seedAudience, startFanoutHarness } from '../support/fanout';
import { startSmtpSink, type SmtpSink } from '../support/receivers';
import { waitFor } from '../support/wait';
import { startWorkerChild, type WorkerChild } from '../support/worker-child';

/**
 * A worker that starts where another of its task queue died retries the dead worker's attempts at
 * once (workers/dead-workers.ts) instead of leaving them to their heartbeat timeout. The batches
 * here heartbeat with a timeout of ten minutes, so the broadcast finishes within the test only if
 * the replacement released them; the history says which failure ended the first attempt.
 */
let h: Awaited<ReturnType<typeof startFanoutHarness>>;
let sink: SmtpSink;
const children: WorkerChild[] = [];
beforeAll(async () => {
  [h, sink] = await Promise.all([startFanoutHarness(), startSmtpSink({ keepMessageIds: true })]);
});
afterAll(async () => {
  for (const c of children) if (c.process.exitCode === null && c.process.signalCode === null) await c.kill();
  await Promise.all([h?.close(), sink?.close()]);
});

describe('the attempts of a dead worker', () => {
  it('[X2] are recognised by the pid@host identity of a process of this host that no longer runs, never this process or another host', () => {
    const alive = (pid: number) => pid === 100;
    expect(deadWorkerOf('200@vm', 'vm', 1, alive)).toBe(true);
    expect(deadWorkerOf('100@vm', 'vm', 1, alive)).toBe(false);
    expect(deadWorkerOf('1@vm', 'vm', 1, alive)).toBe(false);
    expect(deadWorkerOf('200@other', 'vm', 1, alive)).toBe(false);
    expect(deadWorkerOf('my-worker', 'vm', 1, alive)).toBe(false);
    expect(deadWorkerOf(`${process.pid}@${os.hostname()}`, os.hostname(), 1, (pid) => pid === process.pid)).toBe(false);
  });

  it('[X2, M7.3] a broadcast whose worker is SIGKILLed mid-batch finishes on the replacement that starts after it, long before its ten-minute heartbeat timeout: the first attempts failed as WorkerGone, every recipient reached', async () => {
    const recipients = 200;
    const emails = await seedAudience(h.store, h.domain, recipients, 'api');
    const incident = incidentFixture(['api']);
    const taskQueue = `tq-${uniqueName('dw')}`;
    const spawn = async () => {
      const c = await startWorkerChild({ taskQueue, dbName: h.dbName, env: { SMTP_URL: sink.url } });
      children.push(c);
      return c;
    };
    const first = await spawn();
    const handle = await h.client.workflow.start('broadcastWorkflow', {
      taskQueue, workflowId: `broadcast-${incident.id}`,
      args: [{ incident, message: messageFixture(1), batchSize: 100, maxInFlight: 2, batchHeartbeatTimeout: '10 minutes' }],
    });
    await waitFor(async () => sink.accepted(), (n) => n >= 20, '20 messages at the sink', { intervalMs: 20 });
    await first.kill();
    await spawn();

    const outcome = (await handle.result()) as BroadcastOutcome;
    expect(outcome).toMatchObject({ recipients, failed: 0 });
    expect(emails.filter((e) => !sink.counts.has(e))).toEqual([]);
    const events = (await handle.fetchHistory()).events ?? [];
    const retried = events.filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1).map((e) => e.activityTaskStartedEventAttributes!.lastFailure);
    expect(retried.length).toBeGreaterThan(0);
    for (const failure of retried) expect({ type: failure?.applicationFailureInfo?.type, timeout: failure?.timeoutFailureInfo?.timeoutType }).toEqual({ type: 'WorkerGone', timeout: undefined });
  });
});
