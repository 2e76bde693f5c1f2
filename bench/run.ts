/**
 * `npm run bench [-- NAME]`: runs every benchmark or one, against the stack in the environment
 * (TEMPORAL_ADDRESS, MONGODB_URI, SMTP_URL, MAILPIT_API_URL), and writes bench/results/NAME.json
 * with the figures, the baseline, the ratio, the CPU count and the Node version.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { drillBench } from './drill';
import { fanoutBench } from './fanout';
import { firstMessageBench } from './first-message';
import { incidentHeapBench } from './incident-heap';
import { openIncidentsBench } from './open-incidents';
import { statusReadsBench } from './status-reads';

export interface BenchEnv {
  temporalAddress: string;
  mongoUri: string;
  smtpUrl: string;
  mailpitApiUrl: string;
}

const benches: Record<string, (env: BenchEnv) => Promise<Record<string, unknown>>> = {
  fanout: fanoutBench,
  'first-message': firstMessageBench,
  'open-incidents': openIncidentsBench,
  'incident-heap': incidentHeapBench,
  'status-reads': statusReadsBench,
  drill: drillBench,
};

async function main() {
  const need = (name: string) => process.env[name] ?? (() => { throw new Error(`${name} is not set: run "npm run bench"`); })();
  const env: BenchEnv = {
    temporalAddress: need('TEMPORAL_ADDRESS'), mongoUri: need('MONGODB_URI'), smtpUrl: need('SMTP_URL'), mailpitApiUrl: need('MAILPIT_API_URL'),
  };
  const wanted = process.argv[2];
  if (wanted && !benches[wanted]) throw new Error(`unknown benchmark "${wanted}"; known: ${Object.keys(benches).join(', ')}`);
  Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, console: {} } } });
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  for (const name of wanted ? [wanted] : Object.keys(benches)) {
    console.log(`bench ${name}…`);
    const figures = await benches[name](env);
    const result = { name, ...figures, cpus: os.cpus().length, node: process.version, at: new Date().toISOString() };
    fs.writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
