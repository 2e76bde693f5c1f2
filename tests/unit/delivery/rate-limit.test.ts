import { foldIntoDigests, reserveToken, tokenBucket, type PendingUpdate } from '../../../domain/delivery/rate-limit';

describe('token bucket per provider', () => {
  it('[M7.3] lets a burst through, then spaces sends at the rate', () => {
    let b = tokenBucket(10, 0, 2);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = reserveToken(b, 0);
      b = r.bucket;
      waits.push(r.waitMs);
    }
    expect(waits).toEqual([0, 0, 100, 200, 300]);
  });

  it('[M7.3] refills with time up to its capacity, never beyond', () => {
    let b = tokenBucket(10, 0, 3);
    for (let i = 0; i < 3; i++) b = reserveToken(b, 0).bucket;
    expect(reserveToken(b, 100).waitMs).toBe(0);
    b = reserveToken(b, 100).bucket;
    expect(reserveToken(b, 100).waitMs).toBe(100);
    const rested = reserveToken(b, 60_000);
    expect(rested.bucket.tokens).toBe(2);
    expect(rested.waitMs).toBe(0);
  });

  it('[M7.3] an unlimited provider never waits, and a rate must be positive', () => {
    const b = tokenBucket(Infinity, 0);
    expect(reserveToken(b, 0)).toEqual({ bucket: b, waitMs: 0 });
    expect(() => tokenBucket(0, 0)).toThrow(RangeError);
  });
});

describe('per-recipient email limit with digests', () => {
  const u = (recipient: string, at: string, version: number, statusChange = false): PendingUpdate => ({
    recipient, incidentId: 'INC-1', version, at, statusChange, subject: `update ${version}`,
  });

  it('[M3.4] sends at once to a recipient not emailed in the last 30 minutes', () => {
    const plan = foldIntoDigests([u('a@x.test', '2025-01-01T10:00:00Z', 2)], { 'a@x.test': '2025-01-01T09:30:00Z' }, '2025-01-01T10:00:00Z');
    expect(plan.sendNow).toEqual([{ recipient: 'a@x.test', updates: [u('a@x.test', '2025-01-01T10:00:00Z', 2)], digest: false }]);
    expect(plan.held).toEqual([]);
    expect(plan.nextDigestAt).toBeUndefined();
  });

  it('[M3.4] holds minor updates inside the window and folds them into one digest due when it ends', () => {
    const pending = [u('a@x.test', '2025-01-01T10:20:00Z', 3), u('a@x.test', '2025-01-01T10:05:00Z', 2)];
    const plan = foldIntoDigests(pending, { 'a@x.test': '2025-01-01T10:00:00Z' }, '2025-01-01T10:20:00Z');
    expect(plan.sendNow).toEqual([]);
    expect(plan.held).toEqual([
      { recipient: 'a@x.test', updates: [pending[1], pending[0]], digest: true, digestAt: '2025-01-01T10:30:00.000Z' },
    ]);
    expect(plan.nextDigestAt).toBe('2025-01-01T10:30:00.000Z');
    // At the end of the window the same two go out together.
    const later = foldIntoDigests(pending, { 'a@x.test': '2025-01-01T10:00:00Z' }, '2025-01-01T10:30:00Z');
    expect(later.sendNow).toEqual([{ recipient: 'a@x.test', updates: [pending[1], pending[0]], digest: true }]);
  });

  it('[M3.4] a status change goes at once even inside the window, carrying what was held', () => {
    const pending = [u('a@x.test', '2025-01-01T10:05:00Z', 2), u('a@x.test', '2025-01-01T10:10:00Z', 3, true)];
    const plan = foldIntoDigests(pending, { 'a@x.test': '2025-01-01T10:00:00Z' }, '2025-01-01T10:10:00Z');
    expect(plan.sendNow).toEqual([{ recipient: 'a@x.test', updates: pending, digest: true }]);
    expect(plan.held).toEqual([]);
  });

  it('[M3.4] decides per recipient, with the window configurable and the earliest digest as the next wake-up', () => {
    const pending = [
      u('b@x.test', '2025-01-01T10:01:00Z', 2),
      u('a@x.test', '2025-01-01T10:01:00Z', 2),
      u('c@x.test', '2025-01-01T10:01:00Z', 2),
    ];
    const last = { 'a@x.test': '2025-01-01T09:50:00Z', 'b@x.test': '2025-01-01T09:45:00Z' };
    const plan = foldIntoDigests(pending, last, '2025-01-01T10:01:00Z', 20);
    expect(plan.sendNow.map((e) => e.recipient)).toEqual(['c@x.test']);
    expect(plan.held.map((h) => [h.recipient, h.digestAt])).toEqual([
      ['a@x.test', '2025-01-01T10:10:00.000Z'],
      ['b@x.test', '2025-01-01T10:05:00.000Z'],
    ]);
    expect(plan.nextDigestAt).toBe('2025-01-01T10:05:00.000Z');
  });

  it('[M3.4] the window boundary is exact: one millisecond early holds, on time sends', () => {
    const pending = [u('a@x.test', '2025-01-01T10:29:00Z', 2)];
    const last = { 'a@x.test': '2025-01-01T10:00:00.000Z' };
    expect(foldIntoDigests(pending, last, '2025-01-01T10:29:59.999Z').held).toHaveLength(1);
    expect(foldIntoDigests(pending, last, '2025-01-01T10:30:00.000Z').sendNow).toHaveLength(1);
  });
});
