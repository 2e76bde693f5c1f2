import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { testEnv } from './env';
import { workflowBundlePath } from './harness';

export interface WorkerChild {
  process: ChildProcess;
  /** SIGKILL: no graceful shutdown, as in a crash. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

function withDatabase(uri: string, dbName: string): string {
  const u = new URL(uri);
  u.pathname = `/${dbName}`;
  return u.toString();
}

/** Herald's real worker entry point (workers/main.ts) in a child process, so a test can kill it. */
export async function startWorkerChild(opts: { taskQueue: string; dbName: string; escalationEmails?: string; temporalAddress?: string; env?: Record<string, string> }): Promise<WorkerChild> {
  const env = testEnv();
  const root = path.resolve(__dirname, '../..');
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: opts.temporalAddress ?? env.temporalAddress,
      HERALD_TASK_QUEUE: opts.taskQueue,
      MONGODB_URI: withDatabase(env.mongoUri, opts.dbName),
      SMTP_URL: env.smtpUrl,
      HERALD_PUBLIC_URL: 'http://status.herald.test',
      HERALD_ESCALATION_EMAILS: opts.escalationEmails ?? 'escalation@herald.test',
      // The run's prebuilt workflow bundle (tests/support/global-setup.ts): the child starts in seconds, not after bundling.
      HERALD_WORKFLOW_BUNDLE: workflowBundlePath(),
      // The start line ('herald worker polling') is an info line; the suite's own level is warn.
      HERALD_LOG_LEVEL: 'info',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // HERALD_WORKER_LOG=FILE keeps the child's whole output, for a long run that needs diagnosing.
  const log = process.env.HERALD_WORKER_LOG;
  if (log) for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (d: Buffer) => fs.appendFileSync(log, d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 60_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes('herald worker polling')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}:\n${output}`));
    });
  });
  return {
    process: child,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
