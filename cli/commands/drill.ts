/**
 * `herald drill run FILE [--speed N | --instant] [--json]` (M6.6, X4): runs a drill script on
 * Herald's real workflow code and activities in a sandbox (drill/run.ts) and prints its
 * scorecard; `--json` prints the scorecard as JSON on stdout and nothing else. Unlike the other
 * commands it talks to no Herald API: it starts its own, on the time-skipping test server
 * (TEMPORAL_TEST_SERVER_PATH), reads the configuration from Herald's store (MONGODB_URI) into
 * the sandbox and keeps the run there, beside the earlier runs of the same drill (the trend).
 * Mail goes to HERALD_DRILL_SMTP_URL, else to a private Mailpit started from MAILPIT_PATH for the
 * run, else nowhere (built and recorded only). The HTML report is written to --report.
 *
 * `herald drill replay INCIDENT_ID [--out FILE]`: a resolved incident as a drill script, from the
 * API (`GET /v1/incidents/:id/drill-script`, manager key), as YAML (or JSON for a .json file).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { call, CliError, exitCodes, table } from '../api';
import { enc, globals, positiveNumber } from '../program';
import { parseExportLines } from '../../stack/env-file';

interface RunOptions { speed?: number; instant?: boolean; report?: string }

/**
 * The servers a drill needs, from the environment, else from the stack `npm start` runs (it leaves
 * its environment in data/stack.env while it is up), so a drill runs beside it with nothing set.
 */
function stackEnv(): Record<string, string> {
  const file = path.join(__dirname, '..', '..', 'data', 'stack.env');
  return existsSync(file) ? parseExportLines(readFileSync(file, 'utf8')) : {};
}

function need(name: string, what: string): string {
  const value = process.env[name];
  if (!value) throw new CliError(`herald: ${name} is not set: ${what}`, exitCodes.usage);
  return value;
}

export function registerDrillCommands(program: Command): void {
  const drill = program.command('drill').description('Communication fire drills in accelerated time, scored (M6.6, X4)');
  drill.command('run <file>')
    .description("Run a drill script (drills/*.yaml) in a sandbox on the real workflow code and print its scorecard; --json prints the scorecard's JSON")
    .option('--instant', 'jump from inject to inject, every timer on the way firing at its scenario time (the default)')
    .option('--speed <n>', 'scenario time runs N times faster than the wall; live participants act meanwhile', positiveNumber)
    .option('--report <file>', 'where the HTML report goes (default: herald-drills/RUN.html in the temp directory)')
    .action(async function (this: Command, file: string, o: RunOptions) {
      const json = this.optsWithGlobals<{ json?: boolean }>().json;
      if (o.speed !== undefined && o.instant) throw new CliError('herald: --speed and --instant exclude each other', exitCodes.usage);
      // The sandbox API's request lines are not the drill's output; the runner's own lines go to stderr.
      process.env.HERALD_LOG_LEVEL ??= 'silent';
      const { readDrillFile } = await import('../../drill/file');
      const read = readDrillFile(file);
      if (!read.ok) {
        const lines = read.issues.map((i) => `${file}: ${i.path}: ${i.message}`);
        throw new CliError(json ? JSON.stringify({ file, valid: false, issues: read.issues }, null, 2) : lines.join('\n'), exitCodes.invalid);
      }
      for (const [key, value] of Object.entries(stackEnv())) process.env[key] ??= value;
      const testServerPath = need('TEMPORAL_TEST_SERVER_PATH', 'the time-skipping test server the stack builds (run `npm start` beside it, or set the variables `node scripts/herald.mjs stack` prints)');
      const [{ runDrill }, { loadEnv }, { startMailpit }, { drillReportPage }, { DefaultLogger, Runtime }] = await Promise.all([
        import('../../drill/run'), import('../../config/env'), import('../../stack/servers'), import('../../views/drill-report'), import('@temporalio/worker'),
      ]);
      Runtime.install({
        logger: new DefaultLogger('WARN', (e) => process.stderr.write(`${e.level} ${e.message}\n`)),
        telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, console: {} } },
      });
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const mailpit = !process.env.HERALD_DRILL_SMTP_URL && process.env.MAILPIT_PATH ? await startMailpit({ binary: process.env.MAILPIT_PATH }) : undefined;
      const smtpUrl = process.env.HERALD_DRILL_SMTP_URL ?? mailpit?.smtpUrl;
      log(smtpUrl ? `sandbox mail: ${smtpUrl}${mailpit ? ` (a Mailpit for this run, ${mailpit.apiUrl})` : ''}` : 'sandbox mail: none (messages are built and recorded, sent nowhere)');
      try {
        const env = loadEnv();
        const result = await runDrill({
          script: read.script, mode: o.speed !== undefined ? { kind: 'speed', speed: o.speed } : { kind: 'instant' },
          mongoUri: env.MONGODB_URI, testServerPath, ...(smtpUrl ? { sandboxSmtpUrl: smtpUrl } : {}),
          ...(env.HERALD_WORKFLOW_BUNDLE ? { workflowBundlePath: env.HERALD_WORKFLOW_BUNDLE } : {}), log,
        });
        const report = path.resolve(o.report ?? path.join(os.tmpdir(), 'herald-drills', `${result.runId}.html`));
        mkdirSync(path.dirname(report), { recursive: true });
        writeFileSync(report, drillReportPage({
          runId: result.runId, title: read.script.title, mode: result.mode, wallMs: result.wallMs, finishedAt: new Date(), scorecard: result.scorecard,
          trend: result.trend, injects: result.injects, mail: result.mail, webhooks: result.webhooks.length,
        }));
        const s = result.scorecard;
        if (json) {
          console.log(JSON.stringify({ ...s, run: { id: result.runId, mode: result.mode, wallMs: result.wallMs, scenarioMs: result.scenarioMs, report }, trend: result.trend, injects: result.injects }, null, 2));
          return;
        }
        console.log([
          `${read.script.title} (${s.drill}): ${s.score.overall}/100`,
          `run ${result.runId}, ${result.mode}: ${s.scenarioMinutes} min of scenario in ${(result.wallMs / 1000).toFixed(1)} s`,
          '',
          table(['PART', 'WEIGHT', 'VALUE'], s.score.parts.map((p) => [p.part, String(p.weight), String(p.value)])),
          '',
          `first external message: ${s.firstMessage.minutes === null ? 'none' : `${s.firstMessage.minutes} min`} (deadline ${s.firstMessage.deadlineMinutes ?? '–'} min, ${s.firstMessage.met ? 'met' : 'missed'})`,
          `messages: ${s.messages.emails} customer emails, ${s.messages.webhooks} webhooks, ${s.messages.statusPage} status-page versions, ${s.messages.internal} internal notices`,
          `coverage: ${s.coverage.reached} of ${s.coverage.total} customers${s.coverage.missing.length ? `; not reached: ${s.coverage.missing.join(', ')}` : ''}`,
          `trend: ${result.trend.map((t) => t.overall).join(' → ')}`,
          `report: ${report}`,
        ].join('\n'));
      } finally {
        await mailpit?.stop();
      }
    });
  // Replay (M6.6, X4): a resolved incident as a drill script, through the API (manager key).
  drill.command('replay <incident>')
    .description('Turn a resolved incident into a drill script (its declaration and the injects that happened, at their times): YAML to --out or stdout; --json prints the API\'s answer')
    .option('--out <file>', 'write the script there (.json for JSON, YAML otherwise)')
    .action(async function (this: Command, incident: string, o: { out?: string }) {
      const g = globals(this);
      const answer = await call<{ incidentId: string; script: unknown; skipped: { seq: number; step: string; why: string }[] }>(g, 'GET', `/v1/incidents/${enc(incident)}/drill-script`);
      const { stringify } = await import('yaml');
      const text = o.out && path.extname(o.out).toLowerCase() === '.json' ? `${JSON.stringify(answer.script, null, 2)}\n` : stringify(answer.script);
      for (const s of answer.skipped) process.stderr.write(`not replayed: audit record ${s.seq} (${s.step}): ${s.why}\n`);
      if (o.out) {
        mkdirSync(path.dirname(path.resolve(o.out)), { recursive: true });
        writeFileSync(o.out, text);
      }
      if (g.json) console.log(JSON.stringify(answer, null, 2));
      else if (!o.out) process.stdout.write(text);
      else console.log(`${o.out}: ${(answer.script as { injects: unknown[] }).injects.length} injects; run it with herald drill run ${o.out}`);
    });
}
