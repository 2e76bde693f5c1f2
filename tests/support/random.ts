/**
 * A seeded pseudo-random source (mulberry32) for tests that choose values at random. A test shows
 * the seed in its name; `HERALD_TEST_SEED=<seed>` makes the next run choose exactly the same.
 */
export function seededRandom(seed = process.env.HERALD_TEST_SEED ? Number(process.env.HERALD_TEST_SEED) : Date.now() >>> 0) {
  let state = seed >>> 0;
  /** The next number in [0, 1). */
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { seed, next };
}
