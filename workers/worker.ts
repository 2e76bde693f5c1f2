import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createActivities, type ActivityConfig } from '../activities';
import { smtpPoolConnections } from '../activities/providers/smtp';
import { connectStore, type Store } from '../store/connect';

export const workflowsPath = require.resolve('../workflows');

export interface HeraldWorkerOptions {
  temporalAddress: string;
  namespace?: string;
  taskQueue: string;
  mongoUri: string;
  dbName?: string;
  smtpUrl: string;
  config: ActivityConfig;
  /** A prebuilt bundle, so tests bundle workflow code once per file. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  maxCachedWorkflows?: number;
  /** Runs workflows on this thread (the SDK's debug mode): only the heap benchmark uses it, to weigh them. */
  debugMode?: boolean;
}

export interface RunningWorker {
  worker: Worker;
  store: Store;
  /** Runs until shutdown is requested. */
  run(): Promise<void>;
  shutdown(): Promise<void>;
}

export function createMailer(smtpUrl: string) {
  return nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: smtpPoolConnections, maxMessages: Infinity } as never);
}

export async function createHeraldWorker(opts: HeraldWorkerOptions): Promise<RunningWorker> {
  const store = await connectStore(opts.mongoUri, opts.dbName);
  const mailer = createMailer(opts.smtpUrl);
  const connection = await NativeConnection.connect({ address: opts.temporalAddress });
  const worker = await Worker.create({
    connection,
    namespace: opts.namespace ?? 'default',
    taskQueue: opts.taskQueue,
    ...(opts.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
    ...(opts.debugMode ? { debugMode: true } : {}),
    activities: createActivities({ store, mailer, config: opts.config }),
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath }),
  });
  let running: Promise<void> | undefined;
  return {
    worker,
    store,
    run() {
      running ??= worker.run();
      return running;
    },
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running?.catch(() => undefined);
      mailer.close();
      await connection.close();
      await store.close();
    },
  };
}
