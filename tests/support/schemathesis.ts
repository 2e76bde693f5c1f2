import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testEnv, uniqueName } from './env';
import { keys, type Harness } from './harness';

/**
 * schemathesis (PyPI, installed by the stack into the tools cache, SCHEMATHESIS_PATH) against a
 * harness on the demo data: path parameters pinned to things that exist (a declared incident, demo
 * customers, playbooks, templates, components), so operations get past 404 into their real answers.
 * Used by tests/e2e/openapi-conformance.test.ts (npm test) and faults/bad-input.fault.ts (the long run).
 */

export const conformanceChecks = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance'];

export interface SchemathesisRun {
  code: number | null;
  output: string;
}

export interface SchemathesisOptions {
  phases: string;
  maxExamples: number;
  checks?: string[];
  seed?: number;
}

/** Path parameters that name demo data, per path prefix (schemathesis' [[operations]] config). */
function config(incidentId: string): string {
  const pinned: [string, string, string][] = [
    ['^/v1/incidents/\\{id\\}', 'path.id', incidentId],
    ['^/v1/customers/\\{id\\}', 'path.id', 'acme'],
    ['^/v1/playbooks/\\{id\\}', 'path.id', 'outage-single'],
    ['^/v1/templates/\\{templateId\\}', 'path.templateId', 'outage-investigating-major'],
    ['^/v1/components/\\{id\\}', 'path.id', 'api'],
  ];
  const hooks = path.join(__dirname, 'schemathesis_hooks.py');
  return [
    `hooks = ${JSON.stringify(hooks)}`,
    '',
    // No calls with methods the document does not list (~500 of them): it promises nothing about
    // those, and tests/e2e/robustness.test.ts sends wrong methods to every path (never a 5xx).
    '[phases.coverage]',
    'unexpected-methods = []',
    '',
    ...pinned.map(([regex, param, value]) => `[[operations]]\ninclude-path-regex = ${JSON.stringify(regex)}\nparameters = { ${JSON.stringify(param)} = ${JSON.stringify(value)} }\n`),
  ].join('\n');
}

/** A schemathesis setup on a harness: declares the incident its incident paths name and writes the config. */
export async function schemathesisOn(h: Harness) {
  const incidentId = `INC-${uniqueName('st')}`;
  const declared = await h.request('POST', '/v1/incidents', {
    key: keys.responder,
    body: { id: incidentId, title: 'API errors in us-east', category: 'outage', severity: 'SEV2', components: ['api'], summary: 'Elevated error rates on the public API.' },
  });
  if (declared.status !== 201) throw new Error(`declaring the schemathesis incident answered ${declared.status}`);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-st-'));
  const configFile = path.join(workDir, 'schemathesis.toml');
  fs.writeFileSync(configFile, config(incidentId));
  return {
    run(key: string, { phases, maxExamples, checks = conformanceChecks, seed = 9 }: SchemathesisOptions): Promise<SchemathesisRun> {
      const args = [
        '--config-file', configFile, 'run', `${h.baseUrl}/openapi.json`,
        // Without a filter schemathesis leaves out the operation that serves the document itself.
        '--include-path-regex', '.',
        '--checks', checks.join(','),
        '--phases', phases,
        '--max-examples', String(maxExamples),
        '--seed', String(seed),
        // No example database: every run generates the same cases from the seed alone.
        '--generation-database', 'none',
        // One worker: hypothesis' threads trip a CPython 3.11 ast bug; the two roles run as two processes.
        '--workers', '1',
        '--request-timeout', '30',
        '--no-color',
        '-H', `Authorization: Bearer ${key}`,
      ];
      return new Promise((resolve, reject) => {
        const child = spawn(testEnv().schemathesisPath(), args, { cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (c: Buffer) => (output += c.toString()));
        child.stderr.on('data', (c: Buffer) => (output += c.toString()));
        child.once('error', reject);
        child.once('close', (code) => resolve({ code, output }));
      });
    },
    close() {
      fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** The summary's counts, e.g. "78 selected / 78 total" and "4573 generated, 4573 passed". */
export function schemathesisCounts(output: string) {
  const operations = /Operations:\s+(\d+) selected \/ (\d+) total/.exec(output);
  const tested = /Tested: (\d+)/.exec(output);
  const cases = /Test cases:\s*\n\s*(\d+) generated, ([^\n]*)/.exec(output);
  return { operations: operations ? Number(operations[2]) : 0, tested: tested ? Number(tested[1]) : 0, generated: cases ? Number(cases[1]) : 0, outcome: cases?.[2] ?? '' };
}
