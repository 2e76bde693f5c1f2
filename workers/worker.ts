import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import net from 'node:net';
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { createActivities } from '../activities';
import type { ActivityConfig } from '../activities/deps';
import { failoverChain } from '../activities/providers/failover';
import { failoverTransport, smtpPoolConnections, smtpProvider } from '../activities/providers/smtp';
import { connectStore, type Store } from '../store/connect';
import { activityLogging } from '../observability/activity-log';
import { registerLogSecrets } from '../observability/log';
import { processSecrets } from '../observability/secrets';

export const workflowsPath = require.resolve('../workflows');

export interface HeraldWorkerOptions {
  temporalAddress: string;
  namespace?: string;
  taskQueue: string;
  mongoUri: string;
  dbName?: string;
  smtpUrl: string;
  /** A second relay customer email fails over to (SMTP_FALLBACK_URL). */
  smtpFallbackUrl?: string;
  /** How long an SMTP connection may stay silent before a send fails (HERALD_SMTP_TIMEOUT_SECONDS). */
  smtpTimeoutMs?: number;
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

/**
 * Plain-SMTP connections with Nagle's algorithm off: the fan-out gives a connection its next
 * message only once the last is settled, and with Nagle on, each message's final small write
 * would wait for the relay's delayed ACK (about 40 ms a message). SMTPS connects as nodemailer does.
 */
function noDelaySocket(options: { host?: string; port?: number; secure?: boolean }, callback: (err: null, socket: { connection: net.Socket } | false) => void) {
  if (options.secure || !options.host || !options.port) return callback(null, false);
  const socket = net.connect(options.port, options.host);
  socket.setNoDelay(true);
  // A relay that cannot be reached: nodemailer connects again itself and reports the failure its own way.
  socket.once('error', () => callback(null, false));
  socket.once('connect', () => {
    socket.removeAllListeners('error');
    callback(null, { connection: socket });
  });
}

/**
 * The worker's SMTP pool. The URL is taken apart here: given `url`, nodemailer builds its
 * transport from the URL alone and drops every other option, the pool included.
 */
export function createMailer(smtpUrl: string, { timeoutMs = 30_000 }: { timeoutMs?: number } = {}) {
  const u = new URL(smtpUrl);
  // `maxRequeues` is nodemailer's (smtp-pool), missing from its type declarations.
  const options: SMTPPool.Options & { maxRequeues: number } = {
    host: u.hostname,
    ...(u.port ? { port: Number(u.port) } : {}),
    secure: u.protocol === 'smtps:',
    ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
    pool: true, maxConnections: smtpPoolConnections, maxMessages: Infinity, getSocket: noDelaySocket,
    // A message whose connection drops fails at once rather than being requeued by the pool (for
    // ever, by default): Herald retries it, under its claim, knowing it may be in doubt.
    maxRequeues: 0,
    // A relay that stalls (no greeting, no answer to the message) fails the send within this
    // time, and the fan-out retries it, instead of holding the connection for nodemailer's 10 minutes.
    connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs,
  };
  return nodemailer.createTransport(options);
}

export async function createHeraldWorker(opts: HeraldWorkerOptions): Promise<RunningWorker> {
  registerLogSecrets([...processSecrets({ SMTP_URL: opts.smtpUrl, SMTP_FALLBACK_URL: opts.smtpFallbackUrl, MONGODB_URI: opts.mongoUri }), opts.config.linkSecret, opts.config.unsubscribeSecret]);
  const store = await connectStore(opts.mongoUri, opts.dbName);
  const mailer = createMailer(opts.smtpUrl, { timeoutMs: opts.smtpTimeoutMs });
  const fallback = opts.smtpFallbackUrl ? createMailer(opts.smtpFallbackUrl, { timeoutMs: opts.smtpTimeoutMs }) : undefined;
  // Customer email goes to the relay, and to the fallback relay while the first fails for now.
  const email = fallback ? failoverChain([smtpProvider({ transport: mailer }), smtpProvider({ name: 'smtp-fallback', transport: fallback })]) : undefined;
  // The worker's own mail (notices to staff, briefings) fails over too: it goes out before customer email.
  const connection = await NativeConnection.connect({ address: opts.temporalAddress });
  const worker = await Worker.create({
    connection,
    namespace: opts.namespace ?? 'default',
    taskQueue: opts.taskQueue,
    ...(opts.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
    // A worker that dies leaves its workflows' next tasks on its own sticky queue: after this long
    // another worker takes them from the task queue (it replays the history). The SDK's 10 s made a
    // killed worker's broadcast wait that long before it went on (faults: worker-kills).
    stickyQueueScheduleToStartTimeout: '3 seconds',
    // Heartbeats reach Temporal at most this far apart (the SDK's default is 0.8 of the heartbeat
    // timeout, 2.4 s for an email batch): a killed worker's batch times out within its heartbeat
    // timeout of the kill, not up to 2.4 s later, and the replacement resumes it sooner (faults: worker-kills).
    maxHeartbeatThrottleInterval: '1 second',
    ...(opts.debugMode ? { debugMode: true } : {}),
    activities: createActivities({ store, mailer: fallback ? failoverTransport([mailer, fallback]) : mailer, config: opts.config, ...(email ? { email } : {}) }),
    // Each activity logs with its incident, workflow and message version bound (observability/activity-log.ts).
    interceptors: { activity: [activityLogging] },
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
      fallback?.close();
      await connection.close();
      await store.close();
    },
  };
}
