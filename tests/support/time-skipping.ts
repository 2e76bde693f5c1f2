import './temporal-runtime';
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import nodemailer from 'nodemailer';
import { createActivities } from '../../activities';
import { workflowIdFor, type IncidentInput, type Severity } from '../../domain/incident';
import type { incidentWorkflow } from '../../workflows/incident';
import { searchAttributeKeys } from '../../workflows/search-attributes';
import { incidentStateQuery, type IncidentView } from '../../workflows/messages';
import { connectStore, type Store } from '../../store/connect';
import { testEnv, uniqueName } from './env';
import { seedFixtures } from './fixtures';
import { workerConfig, workflowBundle } from './harness';
import { Mailpit } from './mailpit';
import { waitFor } from './wait';

export const minute = 60_000;

/**
 * One time-skipping test server per test file, with its own database and email domain; workers
 * run the real activities against FerretDB and Mailpit.
 */
interface StartedSuite {
  env: TestWorkflowEnvironment;
  store: Store;
  domain: string;
  mailpit: Mailpit;
  fixtures: Awaited<ReturnType<typeof seedFixtures>>;
  withWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A file's time-skipping suite: what the server, store and Mailpit hold, and the incidents it starts. */
export interface TimeSkippingSuite extends Omit<StartedSuite, 'close'> {
  /** An incident declared now on the server's clock, with a title no other test uses. */
  incident(severity: Severity, extra?: Partial<IncidentInput>): Promise<IncidentInput>;
  /** Starts an incident's workflow; it is terminated when the test ends, whatever happened. */
  start(taskQueue: string, input: IncidentInput): Promise<WorkflowHandleWithFirstExecutionRunId<typeof incidentWorkflow>>;
  /** Declares and starts an incident, then waits until its state satisfies `until`. */
  declare(taskQueue: string, severity: Severity, until: (s: IncidentView) => boolean, extra?: Partial<IncidentInput>): Promise<{
    input: IncidentInput;
    handle: WorkflowHandleWithFirstExecutionRunId<typeof incidentWorkflow>;
    state: IncidentView;
    detected: number;
  }>;
}

export const isPublished = (s: IncidentView) => s.status === 'published';

/**
 * Starts the Java test server. Its start can lose a race for the port it was handed, or time out
 * under CPU load; that is the machine, not Herald, so it is tried again (eight times at most, over about two minutes).
 */
async function startTestServer(): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      const env = await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: testEnv().testServerPath() } },
      });
      // The test server refuses search attributes it was not told of, as a real server does.
      const searchAttributes = Object.fromEntries(Object.values(searchAttributeKeys).map((k) => [k.name, encodeSearchAttributeIndexedValueType(k.type)!]));
      await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace ?? 'default', searchAttributes })
        .catch(async (err: unknown) => { await env.teardown(); throw err; });
      return env;
    } catch (err) {
      // The SDK gives the JVM 5 s to listen; while lint and typecheck share the 2 cores at the
      // start of `npm test` it can need more, so later attempts wait for the load to pass.
      if (attempt >= 8) throw err;
      console.warn(`time-skipping test server did not start (attempt ${attempt}): ${String(err)}; trying again`);
      await new Promise((r) => setTimeout(r, attempt * 4000));
    }
  }
}

async function startSuite(): Promise<StartedSuite> {
  const env = await startTestServer();
  const name = uniqueName('wf');
  const domain = `${name}.test`;
  const store = await connectStore(testEnv().mongoUri, `herald_${name.replace(/-/g, '_')}`);
  const fixtures = await seedFixtures(store, domain);
  const mailer = nodemailer.createTransport({ url: testEnv().smtpUrl, pool: true } as never);
  return {
    env, store, domain, fixtures,
    mailpit: new Mailpit(testEnv().mailpitApiUrl),
    async withWorker(fn) {
      const taskQueue = uniqueName('tq');
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: await workflowBundle(),
        activities: createActivities({
          store, mailer,
          config: { ...workerConfig('http://status.herald.test'), escalationEmails: [`escalation@${domain}`] },
        }),
      });
      return worker.runUntil(fn(taskQueue));
    },
    async close() {
      mailer.close();
      await store.conn.dropDatabase().catch(() => undefined);
      await store.close();
      await env.teardown();
    },
  };
}

/**
 * The one setup of a time-skipping test file: call it at the top of the file. It starts the suite
 * before the file's tests and closes it after them; after each test it terminates the incidents
 * that test started, so a failed test cannot leave timers behind that stall the shared
 * time-skipping clock for the next one.
 */
export function timeSkippingSuite(): TimeSkippingSuite {
  let started: StartedSuite | undefined;
  const inFlight = new Set<WorkflowHandle>();
  const terminateAll = async () => {
    await Promise.all([...inFlight].map((h) => h.terminate('test over').catch(() => undefined)));
    inFlight.clear();
  };
  beforeAll(async () => {
    started = await startSuite();
  }, 120_000);
  afterEach(terminateAll);
  afterAll(async () => {
    await terminateAll();
    await started?.close();
  });
  const s = () => {
    if (!started) throw new Error('the time-skipping suite is used before its beforeAll ran');
    return started;
  };
  const suite: TimeSkippingSuite = {
    get env() { return s().env; },
    get store() { return s().store; },
    get domain() { return s().domain; },
    get mailpit() { return s().mailpit; },
    get fixtures() { return s().fixtures; },
    withWorker: (fn) => s().withWorker(fn),
    async incident(severity, extra = {}) {
      return {
        id: uniqueName('INC'),
        title: `Search is down (${severity}) ${uniqueName('t')}`,
        category: 'outage',
        severity,
        components: ['api'],
        summary: 'Search requests fail.',
        declaredBy: 'test',
        detectedAt: new Date(await s().env.currentTimeMs()).toISOString(),
        ...extra,
      };
    },
    async start(taskQueue, input) {
      const handle = await s().env.client.workflow.start<typeof incidentWorkflow>('incidentWorkflow', { taskQueue, workflowId: workflowIdFor(input.id), args: [input] });
      inFlight.add(handle);
      return handle;
    },
    async declare(taskQueue, severity, until, extra = {}) {
      const input = await suite.incident(severity, extra);
      const handle = await suite.start(taskQueue, input);
      const state = await waitFor(() => handle.query(incidentStateQuery), until, `incident ${input.id} in the expected state`);
      return { input, handle, state, detected: Date.parse(input.detectedAt) };
    },
  };
  return suite;
}

export function missed(state: { deadlines: { kind: string; state: string; dueAt: string; firedAt?: string; owner?: string; backup?: string }[] }, kind: string) {
  return state.deadlines.filter((d) => d.kind === kind && d.state === 'missed').map((d) => ({ ...d, firedAt: d.firedAt ?? '' }));
}
