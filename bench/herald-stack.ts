import { Client, Connection } from '@temporalio/client';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../api/app';
import { demoApiKeys } from '../config/api-keys';
import { builtinTemplates } from '../domain/messages/templates';
import { connectStore, type Store } from '../store/connect';
import type { CustomerDoc } from '../store/models';
import { demoComponents } from '../store/demo-data';
import { createHeraldWorker, createMailer, type RunningWorker } from '../workers/worker';
import type { BenchEnv } from './run';

export interface HeraldStack {
  client: Client;
  store: Store;
  worker: RunningWorker;
  taskQueue: string;
  /** The in-process API, when asked for. */
  baseUrl?: string;
  close(): Promise<void>;
}

const publicUrl = 'https://status.bench.herald.example';

/**
 * Herald as it runs in production, in this process: a worker (and optionally the API) on a
 * task queue and database of the benchmark's own, mail to `smtpUrl`. The database holds the demo
 * service model, the built-in templates and the customers given, and is dropped on close.
 */
export async function startHeraldStack(
  env: BenchEnv,
  opts: { name: string; smtpUrl: string; customers: CustomerDoc[]; api: boolean; debugMode?: boolean },
): Promise<HeraldStack> {
  const taskQueue = `bench-${opts.name}`;
  const dbName = `herald_bench_${opts.name.replace(/[^a-zA-Z0-9]/g, '_')}`;
  const store = await connectStore(env.mongoUri, dbName);
  await store.models.Component.insertMany(demoComponents);
  await store.models.Template.insertMany(builtinTemplates);
  if (opts.customers.length) await store.models.Customer.insertMany(opts.customers);
  const worker = await createHeraldWorker({
    temporalAddress: env.temporalAddress, taskQueue, mongoUri: env.mongoUri, dbName, smtpUrl: opts.smtpUrl, debugMode: opts.debugMode,
    config: { fromAddress: 'Herald Status <status@bench.herald.example>', publicUrl, messageIdDomain: 'bench.herald.example', escalationEmails: [] },
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: env.temporalAddress });
  const client = new Client({ connection });
  let server: Server | undefined;
  let baseUrl: string | undefined;
  const mailer = createMailer(opts.smtpUrl);
  if (opts.api) {
    const app = createApp({ temporal: client, store, mailer, taskQueue, apiKeys: demoApiKeys, publicUrl });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  return {
    client, store, worker, taskQueue, baseUrl,
    async close() {
      if (server) await new Promise((resolve) => server.close(resolve));
      mailer.close();
      await worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
      await store.conn.dropDatabase().catch(() => undefined);
      await store.close();
    },
  };
}
