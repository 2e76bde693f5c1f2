import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testEnv } from './env';
import { workflowBundle } from './harness';

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

let bundleFile: Promise<string> | undefined;
/**
 * The workflow code bundled once per test file and written where every worker child reads it
 * (HERALD_WORKFLOW_BUNDLE, as a deployment hands it over): a child then starts in seconds
 * instead of bundling for tens of them on a loaded machine.
 */
function prebuiltBundle(): Promise<string> {
  bundleFile ??= workflowBundle().then(({ code }) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-bundle-'));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'workflows.js');
    fs.writeFileSync(file, code);
    return file;
  });
  return bundleFile;
}

/** Herald's real worker entry point (workers/main.ts) in a child process, so a test can kill it. */
export async function startWorkerChild(opts: { taskQueue: string; dbName: string; escalationEmails?: string; temporalAddress?: string; env?: Record<string, string> }): Promise<WorkerChild> {
  const env = testEnv();
  const bundlePath = await prebuiltBundle();
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
      HERALD_WORKFLOW_BUNDLE: bundlePath,
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
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
