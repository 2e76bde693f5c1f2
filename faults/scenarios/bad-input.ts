import { keys, startHarness } from '../../tests/support/harness';
import { startWorkerChild } from '../../tests/support/worker-child';
import { schemathesisCounts, schemathesisOn } from '../../tests/support/schemathesis';
import { seconds, type FaultMode, type FaultResult } from '../support/result';

/** The long run: every phase, 40 generated cases per operation (over 10,000 in all); npm test's conformance run is the short one. */
const sizes = { quick: 3, full: 40 };

/**
 * Bad input at scale (issue 16): schemathesis sends every operation of /openapi.json its
 * examples, every boundary and negative case of the schema (coverage), fuzzed cases and stateful
 * sequences, with an admin key, on the demo data, and counts the answers that were server errors.
 * A fault is a generated case; a 5xx is a client error.
 */
export async function badInputScenario(mode: FaultMode): Promise<FaultResult> {
  // The worker in a process of its own, as `npm start` runs it: the long run's load stays on the API's process.
  const h = await startHarness({ data: 'demo', worker: false });
  const worker = await startWorkerChild({ taskQueue: h.taskQueue, dbName: h.dbName });
  const st = await schemathesisOn(h);
  const started = Date.now();
  try {
    const run = await st.run(keys.admin, { phases: 'examples,coverage,fuzzing,stateful', maxExamples: sizes[mode], checks: ['not_a_server_error'], seed: 16 });
    const c = schemathesisCounts(run.output);
    const serverErrors = (run.output.match(/Server error/g) ?? []).length;
    if (run.code !== 0 && serverErrors === 0) throw new Error(`schemathesis exited ${run.code}:\n${run.output.slice(-4000)}`);
    return {
      scenario: 'bad-input',
      faultsInjected: c.generated,
      inFlight: c.operations,
      lost: 0,
      duplicated: 0,
      clientErrors: serverErrors,
      recoverySeconds: 0,
      details: { operationsTested: c.tested, outcome: c.outcome, maxExamplesPerOperation: sizes[mode], wallSeconds: seconds(Date.now() - started), ...(serverErrors ? { output: run.output.slice(-8000) } : {}) },
    };
  } finally {
    st.close();
    await worker.stop();
    await h.close();
  }
}
