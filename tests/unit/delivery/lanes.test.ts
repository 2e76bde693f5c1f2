import { whileHeartbeating } from '../../../activities/heartbeat';
import { inLanes } from '../../../activities/lanes';
import type { Context } from '@temporalio/activity';

/** A promise the test settles itself, to hold work in flight. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

describe('inLanes, the one concurrency limiter of activities', () => {
  it('runs every position from the start once, never more than the lanes at a time, and counts the unsettled ones', async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    const unsettled = await inLanes(10, 3, async (p) => {
      running++;
      most = Math.max(most, running);
      await Promise.resolve();
      seen.push(p);
      running--;
      return p % 4 !== 0;
    }, { from: 2 });
    expect(seen.sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(3);
    expect(unsettled).toBe(2); // positions 4 and 8
  });

  it('counts work that answers nothing as settled', async () => {
    expect(await inLanes(4, 2, async () => undefined)).toBe(0);
  });

  it('after the first error takes no further item and throws once the lanes in flight have finished', async () => {
    const slow = gate();
    const started: number[] = [];
    let finished = false;
    const run = inLanes(10, 2, async (p) => {
      started.push(p);
      if (p === 0) throw new Error('boom');
      await slow.opened;
      finished = true;
    });
    let settled = false;
    void run.catch(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false); // position 1 still works
    slow.open();
    await expect(run).rejects.toThrow('boom');
    expect(finished).toBe(true);
    expect(started).toEqual([0, 1]);
  });

  it('stops before the next item once the signal is aborted', async () => {
    const ctrl = new AbortController();
    const started: number[] = [];
    const run = inLanes(5, 1, async (p) => {
      started.push(p);
      if (p === 1) ctrl.abort(new Error('cancelled'));
    }, { signal: ctrl.signal });
    await expect(run).rejects.toThrow('cancelled');
    expect(started).toEqual([0, 1]);
  });
});

describe('whileHeartbeating, the one heartbeat helper of activities', () => {
  it('beats the current details while the work runs and once more when it ends, also when it fails', async () => {
    const beats: unknown[] = [];
    const ctx = { info: { heartbeatTimeoutMs: 400 }, heartbeat: (d: unknown) => beats.push(d) } as unknown as Context;
    let progress = 0;
    const release = gate();
    const run = whileHeartbeating(ctx, () => ({ next: progress }), async () => {
      progress = 3;
      await release.opened;
      progress = 5;
      return 'done';
    });
    // Every 100 ms (a quarter of the timeout): wait for a beat rather than for a time.
    while (beats.length === 0) await new Promise((r) => setTimeout(r, 20));
    expect(beats[0]).toEqual({ next: 3 });
    release.open();
    expect(await run).toBe('done');
    expect(beats.at(-1)).toEqual({ next: 5 });

    const failed: unknown[] = [];
    const failing = { info: {}, heartbeat: (d: unknown) => failed.push(d) } as unknown as Context;
    await expect(whileHeartbeating(failing, () => 'last', async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(failed).toEqual(['last']);
  });
});
