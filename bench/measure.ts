import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';

/** Nearest-rank percentile of milliseconds, rounded to 0.1 ms. */
function percentile(samples: number[], p: number): number {
  if (!samples.length) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return round(sorted[rank - 1]);
}

export function summary(samples: number[]) {
  return {
    p50: percentile(samples, 50), p95: percentile(samples, 95), p99: percentile(samples, 99),
    max: percentile(samples, 100), samples: samples.length,
  };
}

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Runs `task` over `items` with at most `limit` in flight. */
export async function inPool<T>(items: T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await task(items[i], i);
    }),
  );
}

/** Terminates what the benchmark started; a workflow already closed is not an error. */
export async function terminateAll(client: Client, workflowIds: string[], reason: string): Promise<void> {
  await inPool(workflowIds, 32, async (id) => {
    try {
      await client.workflow.getHandle(id).terminate(reason);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  });
}

/** This process's resident set size, sampled every 100 ms until stopped; the peak in MiB. */
export function sampleRss() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      return round(peak / 2 ** 20);
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
