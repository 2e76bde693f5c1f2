import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { runDrill } from '../../drill/run';
import { validateDrill, type DrillScript } from '../../domain/drills/script';
import { testEnv } from '../support/env';
import { harnessForFile, workflowBundlePath } from '../support/harness';

const h = harnessForFile({ data: 'demo', worker: false });
const load = (file: string): DrillScript => {
  const v = validateDrill(YAML.parse(fs.readFileSync(path.join(__dirname, '../../drills', file), 'utf8')));
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return v.script;
};

describe('drills', () => {
  it('[M6.6, X4] runs a scripted drill in instant mode', async () => {
    const env = testEnv();
    const run = await runDrill({
      script: load('performance-degradation-recurs.yaml'), mode: { kind: 'instant' }, mongoUri: env.mongoUri, dbName: h.dbName,
      sandboxSmtpUrl: env.smtpUrl, testServerPath: env.testServerPath(), workflowBundlePath: workflowBundlePath(), log: (l) => console.log(l),
    });
    console.log(JSON.stringify({ cov: run.scorecard.coverage, msgs: run.scorecard.messages, mail: run.mail.length, injects: run.injects, pub: run.scorecard.cadence }), run.wallMs);
    expect(run.scorecard.score.overall).toBeGreaterThan(0);
  });
});
