import { fork } from 'node:child_process';
import path from 'node:path';

/** The parent's handle on bench/timed-sink-process.ts: when was mail to an address accepted? */
export interface TimedSink {
  url: string;
  /** The first acceptance (epoch ms) of a message to `address` at or after `since`. */
  acceptedAfter(address: string, since: number, timeoutMs: number): Promise<number>;
  close(): Promise<void>;
}

export async function startTimedSink(): Promise<TimedSink> {
  const child = fork(path.join(__dirname, 'timed-sink-process.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const seen = new Map<string, number[]>();
  const waiters = new Set<{ address: string; since: number; resolve: (at: number) => void }>();
  const url = await new Promise<string>((resolve) => {
    child.on('message', (msg: { url?: string; accepted?: string[]; at?: number }) => {
      if (msg.url) resolve(msg.url);
      if (!msg.accepted || msg.at === undefined) return;
      for (const address of msg.accepted) {
        const times = seen.get(address) ?? [];
        times.push(msg.at);
        // Only recent acceptances matter: the bench waits for the mail it just caused.
        seen.set(address, times.slice(-8));
      }
      for (const w of waiters) {
        if (msg.accepted.includes(w.address) && msg.at >= w.since) {
          waiters.delete(w);
          w.resolve(msg.at);
        }
      }
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    acceptedAfter(address, since, timeoutMs) {
      const key = address.toLowerCase();
      const already = (seen.get(key) ?? []).find((t) => t >= since);
      if (already !== undefined) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no mail to ${address} accepted within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = { address: key, since, resolve: (at: number) => { clearTimeout(timer); resolve(at); } };
        waiters.add(waiter);
      });
    },
    async close() {
      child.disconnect();
      await exited;
    },
  };
}
