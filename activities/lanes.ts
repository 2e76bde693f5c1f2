/**
 * Runs `work` over positions `from…count-1` with `lanes` in flight. On the first error or a
 * cancellation every lane stops before its next item, and this returns only when none is still
 * working, so a retry never races this attempt. `work` answers false for an item it left
 * unsettled; the answer is how many those were.
 */
export async function inLanes(
  count: number,
  lanes: number,
  work: (position: number) => Promise<boolean | void>,
  opts: { from?: number; signal?: AbortSignal } = {},
): Promise<number> {
  const { signal } = opts;
  let cursor = opts.from ?? 0;
  let unsettled = 0;
  let failure: { err: unknown } | undefined;
  await Promise.all(
    Array.from({ length: Math.min(lanes, count - cursor) }, async () => {
      for (let p = cursor++; p < count && !failure; p = cursor++) {
        if (signal?.aborted) {
          failure = { err: signal.reason };
          break;
        }
        try {
          if ((await work(p)) === false) unsettled++;
        } catch (err) {
          failure ??= { err };
        }
      }
    }),
  );
  if (failure) throw failure.err;
  return unsettled;
}
