import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

export interface ManagedProcess {
  name: string;
  /** Where stdout and stderr go; undefined when they are inherited. */
  logFile?: string;
  /** Settles when the process is gone, whether stopped or crashed. */
  exited: Promise<Exit>;
  hasExited(): boolean;
  /** True once stop() was called: an exit after that is expected. */
  isStopping(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
let parentHooksInstalled = false;

// Children must not outlive us, however we end.
function installParentHooks(): void {
  if (parentHooksInstalled) return;
  parentHooksInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGTERM');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      // When someone else (the CLI) listens too, they shut down gracefully and exit themselves.
      if (process.listenerCount(signal) === 1) process.exit(128 + os.constants.signals[signal]);
    });
  }
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Append output to this file; without it the child shares our terminal. */
  logFile?: string;
}

export function spawnManaged(name: string, command: string, args: string[], options: SpawnOptions = {}): ManagedProcess {
  installParentHooks();
  const fd = options.logFile ? fs.openSync(options.logFile, 'a') : undefined;
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: fd === undefined ? ['ignore', 'inherit', 'inherit'] : ['ignore', fd, fd],
    detached: false,
  });
  if (fd !== undefined) fs.closeSync(fd);
  live.add(child);

  let done = false;
  let stopping = false;
  const exited = new Promise<Exit>((resolve) => {
    child.once('error', (error) => {
      done = true;
      live.delete(child);
      resolve({ code: null, signal: null, error });
    });
    child.once('exit', (code, signal) => {
      done = true;
      live.delete(child);
      resolve({ code, signal });
    });
  });

  return {
    name,
    logFile: options.logFile,
    exited,
    hasExited: () => done,
    isStopping: () => stopping,
    async stop(graceMs = 5000) {
      stopping = true;
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function describeExit(exit: Exit): string {
  if (exit.error) return exit.error.message;
  return exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/** The last lines of a log file, for error messages. */
function logTail(file: string | undefined, lines = 25): string {
  if (!file) return '';
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it resolves, failing early if the process dies. On failure the process is
 * stopped and the error names its log file.
 */
export async function waitUntilReady(proc: ManagedProcess, probe: () => Promise<unknown>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (proc.hasExited()) {
      const exit = await proc.exited;
      throw startupError(proc, `${describeExit(exit)} before it was ready`);
    }
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
      await sleep(200);
    }
  }
  await proc.stop();
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw startupError(proc, `not ready after ${timeoutMs / 1000}s (${reason})`);
}

function startupError(proc: ManagedProcess, what: string): Error {
  const tail = logTail(proc.logFile);
  const where = proc.logFile ? `\nlog: ${proc.logFile}` : '';
  return new Error(`${proc.name} ${what}${where}${tail ? `\n${tail}` : ''}`);
}
