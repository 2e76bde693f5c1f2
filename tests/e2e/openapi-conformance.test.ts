import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testEnv, uniqueName } from '../support/env';
import { keys, startHarness, type Harness } from '../support/harness';

/**
 * The OpenAPI document says what the API does: schemathesis (PyPI, installed by the stack into
 * the tools cache, SCHEMATHESIS_PATH) calls every operation of /openapi.json on the demo data,
 * with an admin key and with a viewer key, and checks each answer against the document: no 5xx,
 * a documented status, the documented content type and a body that matches the documented schema.
 * Path parameters name things that exist (a declared incident, demo customers, playbooks,
 * templates, components), so the operations get past 404 into their real answers, 409s included.
 */

const checks = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance'];
/**
 * What each role's run generates. The admin key reaches every operation's real answers: the
 * examples, fuzzing and the stateful phase in npm test; the full run adds coverage (every boundary
 * and negative case the schema defines, ~3,600 requests, whatever max-examples says), which takes
 * four minutes on two cores (tests/e2e/robustness.test.ts sends generated bad requests to every
 * operation in npm test). The API checks the key's roles before anything else, so a viewer's call to an
 * operation it may not use answers 403 whatever the input, and its reads answer as the admin's
 * do: its run calls every operation with the schema's examples and 3 fuzzed cases each.
 */
const full = process.env.HERALD_CONFORMANCE === 'full';
const runs = {
  // npm test: the examples, 3 fuzzed cases per operation and the stateful links (~1,000 cases);
  // HERALD_CONFORMANCE=full adds the coverage phase and 20 fuzzed cases per operation (~7,000).
  admin: full ? { phases: 'examples,coverage,fuzzing,stateful', maxExamples: 20 } : { phases: 'examples,fuzzing,stateful', maxExamples: 3 },
  viewer: { phases: 'examples,fuzzing', maxExamples: 3 },
};
const seed = 9;

let h: Harness;
let configFile: string;
let workDir: string;

/** Path parameters that name demo data, per path prefix (schemathesis' [[operations]] config). */
function config(incidentId: string): string {
  const pinned: [string, string, string][] = [
    ['^/v1/incidents/\\{id\\}', 'path.id', incidentId],
    ['^/v1/customers/\\{id\\}', 'path.id', 'acme'],
    ['^/v1/playbooks/\\{id\\}', 'path.id', 'outage-single'],
    ['^/v1/templates/\\{templateId\\}', 'path.templateId', 'outage-investigating-major'],
    ['^/v1/components/\\{id\\}', 'path.id', 'api'],
  ];
  const hooks = path.join(__dirname, '..', 'support', 'schemathesis_hooks.py');
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

beforeAll(async () => {
  h = await startHarness({ data: 'demo' });
  const incidentId = `INC-${uniqueName('st')}`;
  const declared = await h.request('POST', '/v1/incidents', {
    key: keys.responder,
    body: { id: incidentId, title: 'API errors in us-east', category: 'outage', severity: 'SEV2', components: ['api'], summary: 'Elevated error rates on the public API.' },
  });
  expect(declared.status).toBe(201);
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-st-'));
  configFile = path.join(workDir, 'schemathesis.toml');
  fs.writeFileSync(configFile, config(incidentId));
});

afterAll(async () => {
  await h?.close();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  output: string;
}

function schemathesis(key: string, { phases, maxExamples }: { phases: string; maxExamples: number }): Promise<Run> {
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
}

/** The summary's counts, e.g. "78 selected / 78 total" and "4573 generated, 4573 passed". */
function counts(output: string) {
  const operations = /Operations:\s+(\d+) selected \/ (\d+) total/.exec(output);
  const tested = /Tested: (\d+)/.exec(output);
  const cases = /Test cases:\s*\n\s*(\d+) generated, ([^\n]*)/.exec(output);
  return { operations: operations ? Number(operations[2]) : 0, tested: tested ? Number(tested[1]) : 0, generated: cases ? Number(cases[1]) : 0, outcome: cases?.[2] ?? '' };
}

describe('the OpenAPI document matches the API', () => {
  it('[M1.6] an incident whose worker is down answers 504 with the documented error body, not never', async () => {
    const alone = await startHarness({ data: 'demo', worker: false, requestTimeoutMs: 1500 });
    try {
      const id = `INC-${uniqueName('noworker')}`;
      const declared = await alone.request('POST', '/v1/incidents', {
        key: keys.responder,
        body: { id, title: 'Payments failing', category: 'outage', severity: 'SEV2', components: ['payments'], summary: 'Card payments fail.' },
      });
      expect(declared.status).toBe(201);
      const decision = await alone.request('POST', `/v1/incidents/${id}/decisions`, { key: keys.responder, body: { what: 'Roll back', why: 'Errors since the deploy' } });
      expect({ status: decision.status, error: decision.body?.error }).toEqual({ status: 504, error: 'timeout' });
      expect(decision.body.message).toMatch(/did not answer in time/);
      const doc = (await alone.request('GET', '/openapi.json')).body as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
      expect(doc.paths['/v1/incidents/{id}/decisions'].post.responses['504']).toEqual({
        description: expect.any(String),
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      });
    } finally {
      await alone.close();
    }
  });

  it('[M1.6] every operation answers as /openapi.json says, with an admin key and with a viewer key (schemathesis)', async () => {
    const roles = { admin: keys.admin, viewer: keys.viewer };
    const results = await Promise.all((['admin', 'viewer'] as const).map((role) => schemathesis(roles[role], runs[role])));
    const doc = (await h.request('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(doc.paths).reduce((n, p) => n + Object.keys(p).length, 0);
    const summaries = Object.keys(roles).map((role, i) => ({ role, ...results[i], ...counts(results[i].output) }));
    console.log(summaries.map((r) => `schemathesis (${r.role} key): ${r.tested} of ${r.operations} operations, ${r.generated} test cases: ${r.outcome}`).join('\n'));
    for (const r of summaries) {
      if (r.code !== 0) throw new Error(`schemathesis with the ${r.role} key exited ${r.code}:\n${r.output}`);
      expect({ role: r.role, tested: r.tested }).toEqual({ role: r.role, tested: operations });
      expect(r.generated).toBeGreaterThan(operations);
    }
  }, full ? 30 * 60_000 : 300_000);
});
