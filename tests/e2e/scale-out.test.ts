import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { demoCustomers, pointDemoWebhooks, seedDemoData } from '../../store/demo-data';
import { connectStore, type Store } from '../../store/connect';
import { startDemoReceiver, type DemoReceiver } from '../../stack/demo-receiver';
import { freePort } from '../../stack/ports';
import { testEnv, uniqueName } from '../support/env';
import { apiRequest, keys, type Harness } from '../support/harness';
import { emailBroadcastDone, signAll, waitForState } from '../support/incidents';
import { Mailpit, type MailpitMessage } from '../support/mailpit';
import { waitFor } from '../support/wait';
import { startWorkerChild, type WorkerChild } from '../support/worker-child';

/**
 * Herald scaled out as production runs it: two API processes (api/main.ts) and two workers
 * (workers/main.ts) on one task queue, one database, every process configured by its
 * environment alone. One API and one worker are SIGKILLed in the middle of an incident; the
 * other pair carries it to resolution, and every customer hears each version exactly once.
 */
const env = testEnv();
const name = uniqueName('scale');
const taskQueue = `tq-${name}`;
const dbName = `herald_${name.replace(/-/g, '_')}`;
const mailpit = new Mailpit(env.mailpitApiUrl);
const customerAddresses = new Set(demoCustomers.flatMap((c) => c.emails ?? []).map((e) => e.toLowerCase()));

interface ApiChild { url: string; process: ChildProcess; kill(): void }

function withDatabase(uri: string): string {
  const u = new URL(uri);
  u.pathname = `/${dbName}`;
  return u.toString();
}

async function startApi(): Promise<ApiChild> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
    cwd: path.resolve(__dirname, '../..'),
    env: {
      ...process.env, TEMPORAL_ADDRESS: env.temporalAddress, HERALD_TASK_QUEUE: taskQueue, MONGODB_URI: withDatabase(env.mongoUri),
      SMTP_URL: env.smtpUrl, HERALD_PORT: String(port), HERALD_PUBLIC_URL: url,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  await waitFor(
    async () => (child.exitCode !== null ? 'exited' : fetch(`${url}/healthz`).then((r) => r.status, () => 0)),
    (s) => s === 200 || s === 'exited', `the API on ${url}`, { timeoutMs: 60_000 },
  ).then((s) => {
    if (s === 'exited') throw new Error(`the API exited:\n${output}`);
  });
  return { url, process: child, kill: () => child.kill('SIGKILL') };
}

/** The test's view of Herald: whichever API process is alive answers its requests. */
function through(api: () => ApiChild, store: Store): Harness {
  return {
    store, mailpit,
    request: (method: string, p: string, opts?: { key?: string; body?: unknown }) => apiRequest(api().url, method, p, opts),
  } as unknown as Harness;
}

let store: Store;
let hooks: DemoReceiver;
const apis: ApiChild[] = [];
const workers: WorkerChild[] = [];
beforeAll(async () => {
  store = await connectStore(env.mongoUri, dbName);
  hooks = await startDemoReceiver();
  await seedDemoData(store);
  await pointDemoWebhooks(store, hooks.url);
  const started = await Promise.all([startApi(), startApi(), startWorkerChild({ taskQueue, dbName }), startWorkerChild({ taskQueue, dbName })]);
  apis.push(started[0] as ApiChild, started[1] as ApiChild);
  workers.push(started[2] as WorkerChild, started[3] as WorkerChild);
}, 120_000);
afterAll(async () => {
  for (const a of apis) if (a.process.exitCode === null && a.process.signalCode === null) a.process.kill('SIGTERM');
  for (const w of workers) if (w.process.exitCode === null && w.process.signalCode === null) await w.kill();
  await hooks?.close();
  await store?.conn.dropDatabase().catch(() => undefined);
  await store?.close();
});

const ofVersion = (msgs: MailpitMessage[], id: string, version: number) =>
  msgs.filter((m) => m.MessageID.includes(`${id}.v${version}.`) && customerAddresses.has(m.To[0].Address.toLowerCase()));

describe('Herald scaled out: two API processes, two workers', () => {
  it('[X2, M3.3] one API and one worker SIGKILLed mid-incident: the survivors carry it to resolution, every customer gets each version once', async () => {
    let live = apis[0];
    const h = through(() => live, store);

    const declared = await h.request('POST', '/v1/incidents', {
      key: keys.responder,
      body: { title: `Card payments fail (${name})`, category: 'outage', severity: 'SEV2', components: ['payments'], summary: 'Card payments are declined.' },
    });
    expect(declared.status).toBe(201);
    const id = declared.body.incidentId as string;
    const audience = await h.request('GET', `/v1/audience?incident=${id}`, { key: keys.responder });
    expect(audience.status).toBe(200);
    const expected = (audience.body.customers as { emails: string[] }[]).flatMap((c) => c.emails).map((e) => e.toLowerCase()).sort();
    expect(expected.length).toBeGreaterThan(1);

    // The first API dies; every later request reaches the second, which shares nothing with it but the stack.
    apis[0].kill();
    live = apis[1];
    await signAll(h, id, 1);

    // The first worker dies as soon as the broadcast is in flight (whichever worker holds it).
    await mailpit.waitForIncident(id, (m) => ofVersion(m, id, 1).length >= 1);
    await workers[0].kill();

    await emailBroadcastDone(h, id, 1);
    const resolved = await h.request('POST', `/v1/incidents/${id}/resolve`, { key: keys.responder, body: { summary: 'Card payments work again.' } });
    expect(resolved.status).toBe(202);
    const state = await waitForState(h, id, (s) => s.status === 'awaiting-approval' && s.currentDraft?.phase === 'resolved', 'the resolution awaiting approval');
    await signAll(h, id, state.currentDraft.version);
    await waitForState(h, id, (s) => s.status === 'resolved', `${id} resolved`);
    await emailBroadcastDone(h, id, state.currentDraft.version);

    // Every customer on the audience got each version; a second copy only as a recorded in-doubt resend under the same Message-ID.
    const mail = await mailpit.forIncident(id);
    const inDoubt = await store.models.DeliveryReceipt.countDocuments({ incidentId: id, outcome: 'in-doubt-resent' });
    for (const version of [1, state.currentDraft.version]) {
      const copies = ofVersion(mail, id, version);
      const byAddress = new Map<string, Set<string>>();
      for (const m of copies) {
        const a = m.To[0].Address.toLowerCase();
        byAddress.set(a, (byAddress.get(a) ?? new Set()).add(m.MessageID));
      }
      expect([...byAddress.keys()].sort()).toEqual(expected);
      expect([...byAddress.values()].every((ids) => ids.size === 1)).toBe(true);
      expect(copies.length - expected.length).toBeLessThanOrEqual(inDoubt);
    }

    // Each webhook event reached each subscribed customer under one webhook-id (a receiver deduplicates retries on it).
    const webhookCustomers = demoCustomers.filter((c) => c.webhooks?.length).map((c) => c.customerId);
    const events = webhookCustomers.flatMap((c) => hooks.received(c)).filter((r) => JSON.stringify(r.payload).includes(id));
    const ids = events.map((e) => e.webhookId);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);

    // The killed API is gone for good; the survivor still answers, and the status page shows the resolution.
    expect(apis[0].process.signalCode ?? apis[0].process.exitCode).not.toBeNull();
    const page = await fetch(`${apis[1].url}/status/incidents/${id}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Card payments work again.');
  });
});
