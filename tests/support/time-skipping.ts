import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createActivities } from '../../activities';
import type { IncidentInput, Severity } from '../../domain/incident';
import { connectStore, type Store } from '../../store/connect';
import { testEnv, uniqueName } from './env';
import { seedFixtures } from './fixtures';
import { workerConfig, workflowBundle } from './harness';
import { Mailpit } from './mailpit';

export const minute = 60_000;

/**
 * One time-skipping test server per test file, with its own database and email domain; workers
 * run the real activities against FerretDB and Mailpit.
 */
export interface TimeSkippingSuite {
  env: TestWorkflowEnvironment;
  store: Store;
  domain: string;
  mailpit: Mailpit;
  fixtures: Awaited<ReturnType<typeof seedFixtures>>;
  withWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T>;
  incident(severity: Severity, extra?: Partial<IncidentInput>): Promise<IncidentInput>;
  close(): Promise<void>;
}

/**
 * Starts the Java test server. Its start can lose a race for the port it was handed, or time out
 * under CPU load; that is the machine, not Herald, so it is tried again (three times at most).
 */
async function startTestServer(): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: testEnv().testServerPath() } },
      });
    } catch (err) {
      if (attempt >= 3) throw err;
      console.warn(`time-skipping test server did not start (attempt ${attempt}): ${String(err)}; trying again`);
    }
  }
}

export async function startTimeSkippingSuite(): Promise<TimeSkippingSuite> {
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
    async incident(severity, extra = {}) {
      return {
        id: uniqueName('INC'),
        title: `Search is down (${severity}) ${uniqueName('t')}`,
        category: 'outage',
        severity,
        components: ['api'],
        summary: 'Search requests fail.',
        declaredBy: 'test',
        detectedAt: new Date(await env.currentTimeMs()).toISOString(),
        ...extra,
      };
    },
    async close() {
      mailer.close();
      await store.conn.dropDatabase().catch(() => undefined);
      await store.close();
      await env.teardown();
    },
  };
}

/** Polls a read (a Query, usually) until the predicate holds; a read that fails is tried again. */
export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await read();
      if (ok(v)) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`condition never held; last: ${last instanceof Error ? last.message : JSON.stringify(last)?.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function missed(state: { deadlines: { kind: string; state: string; dueAt: string; firedAt?: string; owner?: string; backup?: string }[] }, kind: string) {
  return state.deadlines.filter((d) => d.kind === kind && d.state === 'missed').map((d) => ({ ...d, firedAt: d.firedAt ?? '' }));
}
