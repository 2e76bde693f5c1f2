import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import os from 'node:os';

/**
 * A worker that starts on a host where another worker of its task queue died (SIGKILL, OOM, a
 * crash and a supervisor's restart) finds that worker's activities still running as far as
 * Temporal knows: their retry would wait for the heartbeat timeout (or, for an activity that does
 * not heartbeat, its start-to-close timeout). The SDK names a worker `pid@host`; a worker of this
 * host whose process no longer exists is dead for certain, so its started attempts are failed by
 * ID (a retryable failure) and Temporal retries them at once, under their retry policy, as it
 * would after the timeout. Exactly-once is the activities' business as after any retry: claims
 * and receipts by key. Workers of other hosts are left to their timeouts.
 */

/** Whether a process of this host exists (a process of another user still counts). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A worker identity (`pid@host`, the SDK's default) of a process of `host` that no longer runs; never `self`. */
export function deadWorkerOf(identity: string, host: string, self: number, alive: (pid: number) => boolean): boolean {
  const m = /^(\d+)@(.+)$/.exec(identity);
  if (!m || m[2] !== host) return false;
  const pid = Number(m[1]);
  return pid !== self && !alive(pid);
}

export interface ReleasedActivity { workflowId: string; activityId: string; activityType: string; attempt: number; worker: string }

/** Fails, for a retry now, every started activity of `taskQueue`'s running workflows whose worker was a dead process of this host. */
export async function releaseDeadWorkersActivities(
  client: Client, taskQueue: string,
  { host = os.hostname(), self = process.pid, alive = processAlive }: { host?: string; self?: number; alive?: (pid: number) => boolean } = {},
): Promise<ReleasedActivity[]> {
  const released: ReleasedActivity[] = [];
  const started = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
  for await (const wf of client.workflow.list({ query: `TaskQueue = '${taskQueue.replace(/'/g, "\\'")}' AND ExecutionStatus = 'Running'` })) {
    const { raw } = await client.workflow.getHandle(wf.workflowId, wf.runId).describe();
    for (const a of raw.pendingActivities ?? []) {
      const worker = a.lastWorkerIdentity ?? '';
      if (a.state !== started || !a.activityId || !deadWorkerOf(worker, host, self, alive)) continue;
      await client.activity.fail(
        { workflowId: wf.workflowId, runId: wf.runId, activityId: a.activityId },
        ApplicationFailure.retryable(`the worker ${worker} running this attempt is gone`, 'WorkerGone'),
      ).then(
        () => released.push({ workflowId: wf.workflowId, activityId: a.activityId!, activityType: a.activityType?.name ?? '', attempt: a.attempt ?? 0, worker }),
        // Finished or retried meanwhile: nothing to release.
        () => undefined,
      );
    }
  }
  return released;
}
