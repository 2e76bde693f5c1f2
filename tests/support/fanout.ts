import './temporal-runtime';
import { Client, Connection } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createFanoutActivities, type FanoutProviders } from '../../activities/fanout';
import { broadcastEmail } from '../../domain/delivery';
import type { IncidentInput } from '../../domain/incident';
import type { MessageVersion } from '../../domain/messages';
import { connectStore, type Store } from '../../store/connect';
import { createMailer } from '../../workers/worker';
import { testEnv, uniqueName } from './env';
import { startHarness, workerConfig, workflowBundle, type Harness } from './harness';
import type { Mailpit } from './mailpit';

/**
 * The email fan-out activities of one test file, on a harness of its own (no worker): started
 * before its tests, closed after them; `run` calls an activity as the worker does, in an activity
 * context, keeping its types.
 */
export function fanoutForFile() {
  const env = new MockActivityEnvironment();
  let started: { h: Harness; fanout: ReturnType<typeof createFanoutActivities> } | undefined;
  beforeAll(async () => {
    const h = await startHarness({ worker: false });
    started = { h, fanout: createFanoutActivities({ store: h.store, mailer: h.mailer, config: workerConfig('http://status.herald.test') }) };
  });
  afterAll(async () => {
    await started?.h.close();
  });
  const get = () => {
    if (!started) throw new Error('the fan-out harness is read before its beforeAll ran');
    return started;
  };
  return {
    get h(): Harness {
      return get().h;
    },
    get fanout(): ReturnType<typeof createFanoutActivities> {
      return get().fanout;
    },
    run: <A, R>(activity: (arg: A) => Promise<R>, arg: A) => env.run(activity, arg) as Promise<R>,
  };
}

/** `count` recipients under `domain`, three addresses per customer, all subscribed to `component`. */
export async function seedAudience(store: Store, domain: string, count: number, component = 'api'): Promise<string[]> {
  const emails = Array.from({ length: count }, (_, i) => `r${String(i).padStart(6, '0')}@${domain}`);
  const customers = [];
  for (let i = 0; i < count; i += 3) {
    customers.push({
      customerId: `${domain}-c${i}`, name: `Customer ${i}`, tier: 'standard' as const, locale: 'en',
      emails: emails.slice(i, i + 3), subscriptions: [component],
    });
  }
  for (let i = 0; i < customers.length; i += 1000) await store.models.Customer.insertMany(customers.slice(i, i + 1000));
  return emails;
}

export function incidentFixture(components = ['api']): IncidentInput {
  return {
    id: uniqueName('INC'), title: 'Checkout API errors', category: 'outage', severity: 'SEV2', components,
    summary: 'Some requests fail.', declaredBy: 'test', detectedAt: new Date().toISOString(),
  };
}

export function messageFixture(version = 1): MessageVersion {
  return {
    version, hash: `hash-${version}`, phase: 'investigating', subject: `[SEV2] Service disruption v${version}`,
    text: 'Some of our services are unavailable.', html: '<p>Some of our services are unavailable.</p>',
    templateId: 'outage-investigating-major', createdAt: new Date().toISOString(), author: 'test',
  };
}

/**
 * What an attempt that crashed mid-send leaves behind: the deliveries to `recipients` claimed
 * (status 'sending', claimed at `claimedAt`) and never recorded. Answers the emails it was sending.
 */
export async function leaveClaims(store: Store, incident: IncidentInput, message: MessageVersion, recipients: string[], claimedAt: Date) {
  const meta = { incidentId: incident.id, severity: incident.severity, category: incident.category, version: message.version };
  const claimed = recipients.map((e) => broadcastEmail(meta, message, e, workerConfig('http://status.herald.test')));
  for (const d of claimed) {
    await store.models.Delivery.collection.insertOne({
      _id: d.key as never, key: d.key, incidentId: incident.id, version: message.version, channel: 'email', recipient: d.email.to, status: 'sending', messageId: d.email.messageId, attempts: 1,
      claimedAt,
    });
  }
  return claimed;
}

/** A database, a Temporal client and (optionally) an in-process worker with a chosen provider chain. */
export async function startFanoutHarness() {
  const env = testEnv();
  const name = uniqueName('fo');
  const dbName = `herald_${name.replace(/-/g, '_')}`;
  const store = await connectStore(env.mongoUri, dbName);
  const connection = await Connection.connect({ address: env.temporalAddress });
  const client = new Client({ connection });
  const mailer = createMailer(env.smtpUrl);
  const workers: { worker: Worker; running: Promise<void>; connection: NativeConnection }[] = [];
  return {
    env, dbName, store, client, mailer,
    domain: `${name}.test`,
    /** Starts a worker on a fresh task queue; the fan-out uses `providers` when given. */
    async startWorker(providers?: FanoutProviders): Promise<string> {
      const taskQueue = `tq-${uniqueName('fo')}`;
      const deps = { store, mailer, config: workerConfig('http://status.herald.test') };
      const workerConnection = await NativeConnection.connect({ address: env.temporalAddress });
      const worker = await Worker.create({
        connection: workerConnection,
        taskQueue,
        workflowBundle: await workflowBundle(),
        activities: { ...createActivities(deps), ...createFanoutActivities(deps, providers) },
      });
      workers.push({ worker, running: worker.run(), connection: workerConnection });
      return taskQueue;
    },
    async close() {
      for (const w of workers) w.worker.shutdown();
      await Promise.all(workers.map((w) => w.running.catch(() => undefined)));
      await Promise.all(workers.map((w) => w.connection.close()));
      mailer.close();
      await connection.close();
      await store.conn.dropDatabase().catch(() => undefined);
      await store.close();
    },
  };
}

/** How many messages each address under `domain` received at Mailpit. */
export async function receivedPerRecipient(mailpit: Mailpit, domain: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const m of await mailpit.toDomain(domain)) {
    for (const t of m.To) {
      const a = t.Address.toLowerCase();
      if (a.endsWith(`@${domain}`)) counts.set(a, (counts.get(a) ?? 0) + 1);
    }
  }
  return counts;
}

export function exactlyOnceReport(expected: string[], counts: Map<string, number>) {
  const missing = expected.filter((e) => !counts.has(e.toLowerCase()));
  const duplicated = [...counts].filter(([, n]) => n > 1).map(([a, n]) => `${a}×${n}`);
  const unexpected = [...counts.keys()].filter((a) => !expected.some((e) => e.toLowerCase() === a));
  return { missing, duplicated, unexpected };
}
