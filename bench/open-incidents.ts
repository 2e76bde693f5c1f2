import { Client, Connection } from '@temporalio/client';
import { workflowIdFor, type IncidentInput } from '../domain/incident';
import { incidentStateQuery, recordDecisionUpdate } from '../workflows/messages';
import { startBaselineWorker } from './baseline-worker';
import { startHeraldStack } from './herald-stack';
import { inPool, round, sampleRss, sleep, summary, terminateAll } from './measure';
import { noteUpdate } from './noop-workflow';
import type { BenchEnv } from './run';
import { startRemoteSink } from './sink-client';

/**
 * `open-incidents`: N incidents (BENCH_OPEN_INCIDENTS, default 1,000) open at once on one worker
 * in this process, each a SEV3 outage on "api" that has published its first message and waits
 * on its cadence timers. Then U Updates (BENCH_OPEN_INCIDENTS_UPDATES, default 200), one at a
 * time, each recording a decision on a random incident: round-trip p50/p99. The process's RSS
 * (worker, client and this driver together) is sampled every 100 ms for the peak. The database
 * has no customers, so only internal notices reach the (discarding) SMTP sink.
 * Incidents are opened in waves (BENCH_OPEN_INCIDENTS_WAVE, default 25), each published before the next.
 * Baseline, after Herald's incidents are gone: as many workflows of bench/noop-workflow.ts that
 * only wait on a timer and answer an Update, on a worker of their own, the same Updates.
 */
const declareInFlight = 16;
/** A wave not open after this long is stuck, not slow. */
const waveTimeoutMs = 5 * 60_000;

export function incident(id: string): IncidentInput {
  return {
    id, title: 'Public API errors', category: 'outage', severity: 'SEV3', components: ['api'],
    summary: 'Some API requests fail.', declaredBy: 'bench', detectedAt: new Date().toISOString(),
  };
}

/** Polls until `isReady` holds for every workflow, asking only about those not yet ready. */
async function waitUntil(ids: string[], isReady: (id: string) => Promise<boolean>, deadline: number): Promise<void> {
  let pending = ids;
  while (pending.length) {
    const still: string[] = [];
    await inPool(pending, declareInFlight, async (id) => {
      if (!(await isReady(id).catch(() => false))) still.push(id);
    });
    pending = still;
    if (!pending.length) break;
    if (Date.now() > deadline) throw new Error(`${pending.length} workflows not ready after ${waveTimeoutMs} ms`);
    await sleep(250);
  }
}

/**
 * Starts the workflows a wave at a time, each wave ready before the next: FerretDB on SQLite
 * turns a thousand simultaneous declarations into minutes of "database is locked" retries, and
 * what is measured is the steady state with all of them open, not a declaration storm.
 */
export async function openInWaves(ids: string[], wave: number, start: (id: string, i: number) => Promise<void>, isReady: (id: string) => Promise<boolean>) {
  const began = Date.now();
  for (let from = 0; from < ids.length; from += wave) {
    const batch = ids.slice(from, from + wave);
    await inPool(batch, declareInFlight, (id, i) => start(id, from + i));
    await waitUntil(batch, isReady, Date.now() + waveTimeoutMs);
    if ((from + wave) % 200 === 0) console.log(`open-incidents: ${from + wave}/${ids.length} open after ${Math.round((Date.now() - began) / 1000)} s`);
  }
}

async function roundTrips(ids: string[], updates: number, update: (id: string, i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < updates; i++) {
    const id = ids[Math.floor(Math.random() * ids.length)];
    const t0 = performance.now();
    await update(id, i);
    times.push(performance.now() - t0);
  }
  return times;
}

const mib = () => round(process.memoryUsage().rss / 2 ** 20);

export async function openIncidentsBench(env: BenchEnv) {
  const count = Number(process.env.BENCH_OPEN_INCIDENTS ?? 1000);
  const updates = Number(process.env.BENCH_OPEN_INCIDENTS_UPDATES ?? 200);
  const wave = Number(process.env.BENCH_OPEN_INCIDENTS_WAVE ?? 25);
  const runId = `${process.pid}-${Date.now().toString(36)}`;
  const sink = await startRemoteSink();
  // One client for both sides, apart from the workers it drives.
  const connection = await Connection.connect({ address: env.temporalAddress });
  const client = new Client({ connection });
  const open: string[] = [];
  try {
    // Herald: the incident workflow, on one worker.
    const stack = await startHeraldStack(env, { name: `open-${runId}`, smtpUrl: sink.url, customers: [], api: false });
    const herald = await (async () => {
      try {
        const rssAtStart = mib();
        const rss = sampleRss();
        const ids = Array.from({ length: count }, (_, i) => workflowIdFor(`BENCH-OPEN-${runId}-${i}`));
        const declareStart = Date.now();
        await openInWaves(
          ids,
          wave,
          async (workflowId, i) => {
            await client.workflow.start('incidentWorkflow', { taskQueue: stack.taskQueue, workflowId, args: [incident(`BENCH-OPEN-${runId}-${i}`)] });
            open.push(workflowId);
          },
          async (id) => (await client.workflow.getHandle(id).query(incidentStateQuery)).status === 'published',
        );
        const openSeconds = (Date.now() - declareStart) / 1000;
        console.log(`open-incidents: ${count} Herald incidents published in ${openSeconds.toFixed(1)} s`);
        const rssOpen = mib();
        const times = await roundTrips(ids, updates, (id, i) =>
          client.workflow.getHandle(id).executeUpdate(recordDecisionUpdate, { args: [{ what: `Bench decision ${i}`, why: 'measuring the Update round trip', by: 'bench' }] }),
        );
        const peak = rss.stop();
        await terminateAll(client, ids, 'bench done');
        open.length = 0;
        return {
          updateRoundTrip: summary(times),
          peakRssMiB: peak,
          rssAtStartMiB: rssAtStart,
          rssAllOpenMiB: rssOpen,
          peakGrowthMiB: round(peak - rssAtStart),
          secondsToOpenAll: round(openSeconds),
          maxCachedWorkflows: stack.worker.worker.options.maxCachedWorkflows,
        };
      } finally {
        await stack.close();
      }
    })();

    // Baseline: a bare workflow with a timer and an Update handler, on its own worker.
    const baselineQueue = `bench-open-noop-${runId}`;
    const worker = await startBaselineWorker(env.temporalAddress, baselineQueue);
    const baseline = await (async () => {
      try {
        const rssAtStart = mib();
        const rss = sampleRss();
        const ids = Array.from({ length: count }, (_, i) => `bench-open-noop-${runId}-${i}`);
        // Open means its first task ran and its timer is set (history: started, task x3, timer).
        await openInWaves(
          ids,
          wave,
          async (workflowId) => {
            await client.workflow.start('openBaselineWorkflow', { taskQueue: baselineQueue, workflowId, args: [] });
            open.push(workflowId);
          },
          async (id) => (await client.workflow.getHandle(id).describe()).historyLength >= 5,
        );
        const times = await roundTrips(ids, updates, (id, i) => client.workflow.getHandle(id).executeUpdate(noteUpdate, { args: [`note ${i}`] }));
        const peak = rss.stop();
        await terminateAll(client, ids, 'bench done');
        open.length = 0;
        return {
          what: 'bench/noop-workflow.ts openBaselineWorkflow: waits on a 60-minute timer, answers an Update by recording it; own bundle, worker and task queue; run after Herald in the same process',
          updateRoundTrip: summary(times),
          peakRssMiB: peak,
          rssAtStartMiB: rssAtStart,
          peakGrowthMiB: round(peak - rssAtStart),
          maxCachedWorkflows: worker.worker.options.maxCachedWorkflows,
        };
      } finally {
        await worker.shutdown();
      }
    })();

    return {
      openIncidents: count,
      updates,
      openedInWavesOf: wave,
      unit: 'milliseconds per Update round trip (executeUpdate to its result), one at a time, random incident; memory in MiB',
      herald: {
        what: 'incidentWorkflow, SEV3 outage on "api", first message published, cadence timers pending; recordDecision Update',
        ...herald,
      },
      baseline,
      ratio: round(herald.updateRoundTrip.p99 / baseline.updateRoundTrip.p99, 2),
      ratioOf: 'Herald Update p99 / baseline Update p99',
      memory: 'process.memoryUsage().rss of this process, sampled every 100 ms: the worker runs in-process, with the Temporal client and the benchmark driver',
    };
  } finally {
    if (open.length) await terminateAll(client, open, 'bench done').catch(() => undefined);
    await connection.close();
    await sink.close();
  }
}
