import { Client, Connection } from '@temporalio/client';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { workflowIdFor } from '../domain/incident';
import { incidentStateQuery } from '../workflows/messages';
import { startBaselineWorker } from './baseline-worker';
import { startHeraldStack } from './herald-stack';
import { round, sleep, terminateAll } from './measure';
import { incident, openInWaves } from './open-incidents';
import type { BenchEnv } from './run';
import { startRemoteSink } from './sink-client';

/**
 * `incident-heap`: what one open incident keeps in memory. The peak RSS of `open-incidents`
 * includes garbage not yet collected and the heap's headroom; this weighs what stays. Workflows
 * run on this thread (the SDK's debug mode) so that a full garbage collection reaches them; the
 * figure is the growth of the V8 heap in use (and of RSS) after a collection, from 10 open
 * incidents to 10 + N (BENCH_HEAP_INCIDENTS, default 300), divided by N. Baseline, in the same
 * process afterwards: the `open-incidents` baseline workflow (a timer and an Update handler),
 * weighed the same way.
 */
export async function incidentHeapBench(env: BenchEnv) {
  const count = Number(process.env.BENCH_HEAP_INCIDENTS ?? 300);
  const warm = 10;
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const settle = async () => {
    await sleep(1500);
    gc();
    gc();
    const m = process.memoryUsage();
    return { heapUsed: m.heapUsed, rss: m.rss };
  };
  const runId = `${process.pid}-${Date.now().toString(36)}`;
  const sink = await startRemoteSink();
  const connection = await Connection.connect({ address: env.temporalAddress });
  const client = new Client({ connection });
  const open: string[] = [];

  /** Opens `ids` after the warm-up ones and weighs the difference. */
  async function weigh(warmIds: string[], ids: string[], start: (id: string) => Promise<void>, ready: (id: string) => Promise<boolean>) {
    await openInWaves(warmIds, 10, start, ready);
    const before = await settle();
    await openInWaves(ids, 25, start, ready);
    const after = await settle();
    return {
      heapPerIncidentKiB: round((after.heapUsed - before.heapUsed) / ids.length / 1024),
      rssPerIncidentKiB: round((after.rss - before.rss) / ids.length / 1024),
      heapUsedMiB: { before: round(before.heapUsed / 2 ** 20), after: round(after.heapUsed / 2 ** 20) },
    };
  }

  try {
    const stack = await startHeraldStack(env, { name: `heap-${runId}`, smtpUrl: sink.url, customers: [], api: false, debugMode: true });
    let herald;
    try {
      const name = (i: number) => `BENCH-HEAP-${runId}-${i}`;
      const byWorkflow = new Map(Array.from({ length: warm + count }, (_, i) => [workflowIdFor(name(i)), name(i)]));
      const ids = [...byWorkflow.keys()];
      herald = await weigh(
        ids.slice(0, warm),
        ids.slice(warm),
        async (workflowId) => {
          await client.workflow.start('incidentWorkflow', { taskQueue: stack.taskQueue, workflowId, args: [incident(byWorkflow.get(workflowId)!)] });
          open.push(workflowId);
        },
        async (id) => (await client.workflow.getHandle(id).query(incidentStateQuery)).status === 'published',
      );
      await terminateAll(client, open, 'bench done');
      open.length = 0;
    } finally {
      await stack.close();
    }

    const queue = `bench-heap-noop-${runId}`;
    const worker = await startBaselineWorker(env.temporalAddress, queue, { debugMode: true });
    let baseline;
    try {
      const ids = Array.from({ length: warm + count }, (_, i) => `bench-heap-noop-${runId}-${i}`);
      baseline = await weigh(
        ids.slice(0, warm),
        ids.slice(warm),
        async (workflowId) => {
          await client.workflow.start('openBaselineWorkflow', { taskQueue: queue, workflowId, args: [] });
          open.push(workflowId);
        },
        async (id) => (await client.workflow.getHandle(id).describe()).historyLength >= 5,
      );
      await terminateAll(client, open, 'bench done');
      open.length = 0;
    } finally {
      await worker.shutdown();
    }

    return {
      incidents: count,
      unit: 'KiB retained per open workflow: growth after a full garbage collection, divided by the number opened',
      herald: { what: 'incidentWorkflow, SEV3 outage on "api", first message published, cadence timers pending; workflows on the main thread (debug mode)', ...herald },
      baseline: { what: 'bench/noop-workflow.ts openBaselineWorkflow (60-minute timer, Update handler), same worker mode, run after Herald in the same process', ...baseline },
      ratio: round(herald.heapPerIncidentKiB / baseline.heapPerIncidentKiB, 2),
      ratioOf: 'Herald heap per incident / baseline heap per workflow',
    };
  } finally {
    if (open.length) await terminateAll(client, open, 'bench done').catch(() => undefined);
    await connection.close();
    await sink.close();
  }
}
