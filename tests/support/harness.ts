import './temporal-runtime';
import { Client } from '@temporalio/client';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp } from '../../api/app';
import { connectWorkflowService } from '../../api/temporal-connection';
import { demoApiKeys } from '../../config/api-keys';
import { connectStore, type Store } from '../../store/connect';
import { createHeraldWorker, createMailer, type RunningWorker } from '../../workers/worker';
import { pointDemoWebhooks, seedDemoData } from '../../store/demo-data';
import { startDemoReceiver, type DemoReceiver } from '../../stack/demo-receiver';
import { seedFixtures } from './fixtures';
import { Mailpit } from './mailpit';
import { testEnv, uniqueName } from './env';

/** The demo keys by what they are for: keys.responder is 'demo-responder-key', and so on. */
export const keys = Object.fromEntries(demoApiKeys.map((k) => [k.key.replace(/^demo-|-key$/g, ''), k.key])) as Record<
  'responder' | 'approver' | 'legal' | 'manager' | 'viewer' | 'admin' | 'executive',
  string
>;

let bundle: Promise<{ code: string }> | undefined;
/** The workflow code, bundled once per jest run by tests/support/global-setup.ts. */
export function workflowBundle() {
  bundle ??= fs.promises.readFile(workflowBundlePath(), 'utf8').then((code) => ({ code }));
  return bundle;
}

/** Where tests/support/global-setup.ts wrote the bundle, for worker processes (HERALD_WORKFLOW_BUNDLE). */
export function workflowBundlePath(): string {
  const file = process.env.HERALD_TEST_WORKFLOW_BUNDLE;
  if (!file) throw new Error('HERALD_TEST_WORKFLOW_BUNDLE is not set: run tests with jest.config.js (its globalSetup bundles the workflow code)');
  return file;
}

export interface Harness {
  baseUrl: string;
  domain: string;
  taskQueue: string;
  dbName: string;
  store: Store;
  client: Client;
  /** The harness's SMTP transport to Mailpit, for activities a test calls directly. */
  mailer: ReturnType<typeof createMailer>;
  mailpit: Mailpit;
  /** With `data: 'demo'`: the webhook receiver `npm start` runs, which the demo customers' endpoints point at. */
  demoHooks?: DemoReceiver;
  worker?: RunningWorker;
  /** The small test service model; empty when the harness runs on the demo data set. */
  fixtures: Awaited<ReturnType<typeof seedFixtures>>;
  request(method: string, path: string, opts?: { key?: string; body?: unknown }): Promise<{ status: number; body: any; text: string; headers: Headers }>;
  startWorker(): Promise<RunningWorker>;
  close(): Promise<void>;
}

/**
 * The harness of one test file: started before its tests, closed after them. Read it inside tests
 * and hooks only; before its beforeAll ran it throws.
 */
/** An answer as tests read it: the status, the body parsed when it is JSON, the text and the headers. */
export async function answerOf(res: Response): Promise<{ status: number; body: any; text: string; headers: Headers }> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text, headers: res.headers };
}

/** A call of Herald's API at baseUrl, with a key and a JSON body (a string is sent as it is). */
export async function apiRequest(baseUrl: string, method: string, path: string, { key, body }: { key?: string; body?: unknown } = {}) {
  return answerOf(await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  }));
}

export function harnessForFile(opts: Parameters<typeof startHarness>[0] = {}): Harness {
  let started: Harness | undefined;
  beforeAll(async () => {
    started = await startHarness(opts);
  });
  afterAll(async () => {
    await started?.close();
  });
  return new Proxy({} as Harness, {
    get(_, key) {
      if (!started) throw new Error(`the harness is read before its beforeAll ran (${String(key)})`);
      return Reflect.get(started, key);
    },
  });
}

export function workerConfig(publicUrl: string) {
  return {
    fromAddress: 'Herald Status <status@herald.test>',
    publicUrl,
    messageIdDomain: 'herald.test',
    escalationEmails: [] as string[],
  };
}

/**
 * Herald's API and (optionally) a worker, in this process, against the real dev server, FerretDB
 * and Mailpit; each harness has its own task queue, database and email domain.
 * With `data: 'demo'` the store holds exactly what `npm start` seeds (store/demo-data.ts); its
 * addresses are shared by every such harness, so read its mail with `mailpit.forIncident(id)`.
 */
export async function startHarness(opts: {
  worker?: boolean; data?: 'fixtures' | 'demo'; requestTimeoutMs?: number; mongoUri?: string;
  /** A private Temporal server instead of the suite's (faults/scenarios/temporal-restart.ts stops it). */
  temporalAddress?: string;
  /** The worker's relays instead of Mailpit (faults/scenarios/smtp-faults.ts): its relay, the fallback, their timeout. */
  workerSmtp?: { url: string; fallbackUrl?: string; timeoutMs?: number };
} = {}): Promise<Harness> {
  // A scenario that stops the store or Temporal (faults/scenarios/) gives its private one.
  const env = { ...testEnv(), ...(opts.mongoUri ? { mongoUri: opts.mongoUri } : {}), ...(opts.temporalAddress ? { temporalAddress: opts.temporalAddress } : {}) };
  const name = uniqueName('h');
  const taskQueue = `tq-${name}`;
  const dbName = `herald_${name.replace(/-/g, '_')}`;
  const domain = `${name}.test`;
  const store = await connectStore(env.mongoUri, dbName);
  const demoHooks = opts.data === 'demo' ? await startDemoReceiver() : undefined;
  const fixtures = demoHooks
    ? (await seedDemoData(store), await pointDemoWebhooks(store, demoHooks.url), { apiSubscribers: [], others: [] })
    : await seedFixtures(store, domain);
  // The API's own connection (api/main.ts), so a Temporal server that is down is answered as in production.
  const connection = await connectWorkflowService(env.temporalAddress);
  const client = new Client({ connection });
  const mailer = createMailer(env.smtpUrl);
  const app = createApp({ temporal: client, store, mailer, taskQueue, apiKeys: demoApiKeys, publicUrl: 'http://status.herald.test', requestTimeoutMs: opts.requestTimeoutMs });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const escalation = `escalation@${domain}`;

  const h: Harness = {
    baseUrl, domain, taskQueue, dbName, store, client, mailer, fixtures, demoHooks,
    mailpit: new Mailpit(env.mailpitApiUrl),
    request: (method, path, opts) => apiRequest(baseUrl, method, path, opts),
    async startWorker() {
      const w = await createHeraldWorker({
        temporalAddress: env.temporalAddress, taskQueue, mongoUri: env.mongoUri, dbName, smtpUrl: opts.workerSmtp?.url ?? env.smtpUrl,
        smtpFallbackUrl: opts.workerSmtp?.fallbackUrl, smtpTimeoutMs: opts.workerSmtp?.timeoutMs,
        config: { ...workerConfig('http://status.herald.test'), escalationEmails: [escalation] },
        workflowBundle: await workflowBundle(),
      });
      void w.run();
      h.worker = w;
      return w;
    },
    async close() {
      await h.worker?.shutdown();
      await demoHooks?.close();
      await new Promise((r) => server.close(r));
      mailer.close();
      await connection.close();
      await store.conn.dropDatabase().catch(() => undefined);
      await store.close();
    },
  };
  if (opts.worker !== false) await h.startWorker();
  return h;
}
