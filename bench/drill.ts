import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { scenarioLength } from '../domain/drills/script';
import { readDrillFile } from '../drill/file';
import { runDrill } from '../drill/run';
import { connectStore } from '../store/connect';
import { seedDemoData } from '../store/demo-data';
import { startMailpit } from '../stack/servers';
import { workflowsPath } from '../workers/worker';
import { round, summary } from './measure';
import type { BenchEnv } from './run';

/**
 * `drill` (X4): the six-hour shipped drill (drills/global-outage-vendor.yaml) run in instant mode
 * BENCH_DRILL_RUNS times (default 3), one after another, as `herald drill run` runs it: its own
 * time-skipping test server, sandbox database, API, worker and Mailpit, every inject played
 * through the REST API. Wall time per run, from the runner's start to its stored scorecard, and
 * the part of it spent before the incident was declared (the test server's start, the sandbox's
 * copy). The workflow bundle is built once beforehand, as a deployment's HERALD_WORKFLOW_BUNDLE is.
 */
export async function drillBench(env: BenchEnv): Promise<Record<string, unknown>> {
  const runs = Number(process.env.BENCH_DRILL_RUNS ?? 3);
  // The sandbox API's request lines are not the benchmark's output.
  process.env.HERALD_LOG_LEVEL ??= 'warn';
  const file = path.join(__dirname, '..', 'drills', 'global-outage-vendor.yaml');
  const read = readDrillFile(file);
  if (!read.ok) throw new Error(`${file}: ${JSON.stringify(read.issues)}`);
  const testServerPath = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (!testServerPath) throw new Error('TEMPORAL_TEST_SERVER_PATH is not set: run "npm run bench"');
  const started = Date.now();
  const dbName = `herald_bench_drill_${Date.now()}`;
  const home = await connectStore(env.mongoUri, dbName);
  await seedDemoData(home);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-bench-drill-'));
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, (await bundleWorkflowCode({ workflowsPath, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } as never })).code);
  const mailpit = process.env.MAILPIT_PATH ? await startMailpit({ binary: process.env.MAILPIT_PATH }) : undefined;
  const walls: number[] = [];
  const setups: number[] = [];
  const scores: number[] = [];
  let nudges = 0;
  let last: Awaited<ReturnType<typeof runDrill>> | undefined;
  try {
    for (let i = 0; i < runs; i++) {
      const t0 = Date.now();
      let declaredAt = t0;
      last = await runDrill({
        script: read.script, mode: { kind: 'instant' }, mongoUri: env.mongoUri, dbName, testServerPath, workflowBundlePath: bundlePath,
        ...(mailpit ? { sandboxSmtpUrl: mailpit.smtpUrl } : {}),
        log: (line) => {
          if (line.startsWith('declared ')) declaredAt = Date.now();
          // The clock moving past a workflow task the test server held (drill/clock.ts) costs half a minute: say so.
          if (line.includes('workflow task')) { nudges++; console.log(`  run ${i + 1}: ${line}`); }
        },
      });
      walls.push(last.wallMs);
      setups.push(declaredAt - t0);
      scores.push(last.scorecard.score.overall);
      console.log(`  run ${i + 1}: ${round(last.wallMs / 1000)} s wall for ${round(last.scenarioMs / 3_600_000, 2)} h of scenario, score ${last.scorecard.score.overall}`);
    }
  } finally {
    await mailpit?.stop();
    await home.conn.dropDatabase().catch(() => undefined);
    await home.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const wall = summary(walls);
  const scenarioHours = round(scenarioLength(read.script) / 3_600_000, 2);
  return {
    drill: read.script.name,
    scenarioHours,
    injects: read.script.injects.length,
    runs,
    unit: 'milliseconds of wall time per run, from the runner starting to its scorecard stored',
    wallMs: wall,
    setupMs: { ...summary(setups), what: 'before the declaration: the test server starting, the sandbox copied, API and worker up' },
    speedup: round((scenarioLength(read.script) / wall.p50), 0),
    speedupOf: 'scenario time / median wall time',
    goal: 'a six-hour scenario in under a minute (X4)',
    met: wall.max < 60_000,
    scores,
    nudges,
    nudgesAre: 'workflow tasks the test server held for 30 s until the clock moved past their timeout (drill/clock.ts), over all runs',
    messages: last?.scorecard.messages,
    method: 'runDrill in this process, instant mode on the time-skipping test server (TEMPORAL_TEST_SERVER_PATH); a private Mailpit (MAILPIT_PATH) as the sandbox SMTP; the demo service model as the configuration; workflow bundle prebuilt',
    seconds: round((Date.now() - started) / 1000),
  };
}
