import type { Context } from '@temporalio/activity';

/**
 * Runs `work` while heartbeating `details()` four times per heartbeat timeout (every 100 ms to
 * 1 s), and once more when it ends, so Temporal sees a long activity alive and its retry starts
 * from the last details.
 */
export async function whileHeartbeating<T>(ctx: Context, details: () => unknown, work: () => Promise<T>): Promise<T> {
  const beat = () => ctx.heartbeat(details());
  const beating = setInterval(beat, Math.max(100, Math.min(1000, (ctx.info.heartbeatTimeoutMs ?? 4000) / 4)));
  try {
    return await work();
  } finally {
    clearInterval(beating);
    beat();
  }
}
