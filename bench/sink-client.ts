import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The parent's handle on bench/smtp-sink-process.ts. */
export interface RemoteSink {
  url: string;
  counts(): Promise<{ counts: Map<string, number>; accepted: number }>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

function next<T>(child: ChildProcess, pick: (msg: Record<string, unknown>) => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const on = (msg: Record<string, unknown>) => {
      const v = pick(msg);
      if (v === undefined) return;
      child.off('message', on);
      resolve(v);
    };
    child.on('message', on);
  });
}

export async function startRemoteSink(): Promise<RemoteSink> {
  const child = fork(path.join(__dirname, 'smtp-sink-process.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await next(child, (m) => m.url as string | undefined);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    async counts() {
      const reply = next(child, (m) => (m.counts ? (m as { counts: [string, number][]; accepted: number }) : undefined));
      child.send({ cmd: 'counts' });
      const { counts, accepted } = await reply;
      return { counts: new Map(counts), accepted };
    },
    async reset() {
      const reply = next(child, (m) => m.reset as true | undefined);
      child.send({ cmd: 'reset' });
      await reply;
    },
    async close() {
      child.disconnect();
      await exited;
    },
  };
}

/** Duplicates and missing recipients, counted at the sink. */
export function tally(expected: string[], counts: Map<string, number>) {
  let duplicates = 0;
  let missing = 0;
  for (const e of expected) {
    const n = counts.get(e.toLowerCase()) ?? 0;
    if (n === 0) missing++;
    else duplicates += n - 1;
  }
  return { duplicates, missing };
}
