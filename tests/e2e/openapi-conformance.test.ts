import { workflowIdFor } from '../../domain/incident';
import { uniqueName } from '../support/env';
import { keys, startHarness, type Harness } from '../support/harness';
import { schemathesisCounts, schemathesisOn } from '../support/schemathesis';

/**
 * The OpenAPI document says what the API does: schemathesis (tests/support/schemathesis.ts) calls
 * every operation of /openapi.json on the demo data, with an admin key and with a viewer key, and
 * checks each answer against the document: no 5xx, a documented status, the documented content
 * type and a body that matches the documented schema. Path parameters name things that exist, so
 * the operations get past 404 into their real answers, 409s included. The long run (10,000+
 * cases) is the fault scenario bad-input (`npm run faults bad-input`).
 */

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

let h: Harness;
let st: Awaited<ReturnType<typeof schemathesisOn>>;

beforeAll(async () => {
  h = await startHarness({ data: 'demo' });
  st = await schemathesisOn(h);
});

afterAll(async () => {
  await h?.close();
  st?.close();
});

describe('the OpenAPI document matches the API', () => {
  it('[M1.6] an incident whose worker is down answers 504 with the documented error body, not never', async () => {
    const alone = await startHarness({ data: 'demo', worker: false, requestTimeoutMs: 1500 });
    const declaredIds: string[] = [];
    try {
      const id = `INC-${uniqueName('noworker')}`;
      declaredIds.push(id);
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
      // The incident ends before the connection closes, so no call the API cut off at its deadline is still out on it.
      await Promise.all(declaredIds.map((id) => alone.client.workflow.getHandle(workflowIdFor(id)).terminate('test over').catch(() => undefined)));
      await alone.close();
    }
  });

  it('[M1.6] every operation answers as /openapi.json says, with an admin key and with a viewer key (schemathesis)', async () => {
    const roles = { admin: keys.admin, viewer: keys.viewer };
    const results = await Promise.all((['admin', 'viewer'] as const).map((role) => st.run(roles[role], runs[role])));
    const doc = (await h.request('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(doc.paths).reduce((n, p) => n + Object.keys(p).length, 0);
    const summaries = Object.keys(roles).map((role, i) => ({ role, ...results[i], ...schemathesisCounts(results[i].output) }));
    console.log(summaries.map((r) => `schemathesis (${r.role} key): ${r.tested} of ${r.operations} operations, ${r.generated} test cases: ${r.outcome}`).join('\n'));
    for (const r of summaries) {
      if (r.code !== 0) throw new Error(`schemathesis with the ${r.role} key exited ${r.code}:\n${r.output}`);
      expect({ role: r.role, tested: r.tested }).toEqual({ role: r.role, tested: operations });
      expect(r.generated).toBeGreaterThan(operations);
    }
  }, full ? 30 * 60_000 : 300_000);
});
