import type { WorkflowHandle } from '@temporalio/client';

/**
 * The suite's one polling helper: reads until `ok` holds, every 100 ms (or `intervalMs`), for a
 * minute (or `timeoutMs`) at most. A read or a check that throws is tried again; the error names
 * what never came and shows the last reading.
 */
export async function waitFor<T>(
  read: () => Promise<T>, ok: (v: T) => boolean, what = 'the condition', { timeoutMs = 60_000, intervalMs = 100 } = {},
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    let last: unknown;
    try {
      const v = await read();
      if (ok(v)) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`never saw ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)?.slice(0, 1500)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits until `probe` finds something, and answers it. */
export async function waitForValue<T>(probe: () => Promise<T | undefined>, what?: string, opts?: { timeoutMs?: number }): Promise<T> {
  return (await waitFor(probe, (v) => v !== undefined, what, opts)) as T;
}

/**
 * Waits until a workflow has acted on everything in its history and has nothing in flight: no
 * workflow task scheduled after its last completed one, no activity and no child running (or it has
 * closed). What it was going to do about an earlier event is then done, so a test can show that
 * something did not happen without sleeping on it.
 */
export async function workflowIdle(handle: WorkflowHandle): Promise<void> {
  await waitFor(async () => {
    const { raw, status, historyLength } = await handle.describe();
    if (status.name !== 'RUNNING') return true;
    if (raw.pendingActivities?.length || raw.pendingChildren?.length) return false;
    const events = ((await handle.fetchHistory()).events ?? []).slice(0, historyLength);
    const lastCompleted = events.map((e) => !!e.workflowTaskCompletedEventAttributes).lastIndexOf(true);
    return lastCompleted >= 0 && !events.slice(lastCompleted).some((e) => e.workflowTaskScheduledEventAttributes);
  }, (idle) => idle, `workflow ${handle.workflowId} idle`);
}
