import { seededRandom } from '../../support/random';

describe('the seeded random source of the tests', () => {
  it('replays the same numbers from the same seed, and other numbers from another', () => {
    const draw = (seed: number) => {
      const r = seededRandom(seed);
      return Array.from({ length: 5 }, () => r.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(seededRandom(42).seed).toBe(42);
  });

  it('draws in [0, 1), spread over the whole range', () => {
    const r = seededRandom(7);
    const xs = Array.from({ length: 10_000 }, () => r.next());
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const tenths = new Set(xs.map((x) => Math.floor(x * 10)));
    expect(tenths.size).toBe(10);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
  });

  it('takes its seed from HERALD_TEST_SEED when none is given', () => {
    const before = process.env.HERALD_TEST_SEED;
    process.env.HERALD_TEST_SEED = '12345';
    try {
      expect(seededRandom().seed).toBe(12345);
      expect(seededRandom().next()).toBe(seededRandom(12345).next());
    } finally {
      if (before === undefined) delete process.env.HERALD_TEST_SEED;
      else process.env.HERALD_TEST_SEED = before;
    }
  });
});
