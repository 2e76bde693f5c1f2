/**
 * Rate limits, as pure functions of explicit time: a token bucket per provider (M7.3) and the
 * per-recipient email limit that folds minor updates into digests (M3.4).
 */

/** A token bucket: `capacity` tokens at most, refilled at `ratePerSecond`. */
export interface TokenBucket {
  ratePerSecond: number;
  capacity: number;
  /** May go negative: a reservation beyond the tokens at hand is a wait, not a refusal. */
  tokens: number;
  updatedAtMs: number;
}

export function tokenBucket(ratePerSecond: number, nowMs: number, burst = Math.max(1, ratePerSecond)): TokenBucket {
  if (!(ratePerSecond > 0)) throw new RangeError('a rate limit must be positive (use Infinity for none)');
  return { ratePerSecond, capacity: burst, tokens: burst, updatedAtMs: nowMs };
}

/**
 * Reserves one token at `nowMs`. The caller waits `waitMs` before it acts; reservations queue up
 * in call order, so concurrent senders sharing a bucket never exceed the rate between them.
 */
export function reserveToken(bucket: TokenBucket, nowMs: number): { bucket: TokenBucket; waitMs: number } {
  if (bucket.ratePerSecond === Infinity) return { bucket, waitMs: 0 };
  const elapsed = Math.max(0, nowMs - bucket.updatedAtMs);
  const refilled = Math.min(bucket.capacity, bucket.tokens + (elapsed * bucket.ratePerSecond) / 1000);
  const tokens = refilled - 1;
  const waitMs = tokens >= 0 ? 0 : Math.ceil((-tokens * 1000) / bucket.ratePerSecond);
  return { bucket: { ...bucket, tokens, updatedAtMs: Math.max(nowMs, bucket.updatedAtMs) }, waitMs };
}

/** One update that would email a recipient. */
export interface PendingUpdate {
  recipient: string;
  incidentId: string;
  version: number;
  /** ISO time the update was approved. */
  at: string;
  /** A change of public phase or impact (investigating → identified, resolved, …) is never held back. */
  statusChange: boolean;
  subject: string;
}

/** What goes to one recipient in one email: a single update, or several folded into a digest. */
export interface RecipientEmail {
  recipient: string;
  updates: PendingUpdate[];
  digest: boolean;
}

export interface HeldDigest extends RecipientEmail {
  /** ISO time the recipient's window ends and the digest may go. */
  digestAt: string;
}

export interface DigestPlan {
  sendNow: RecipientEmail[];
  held: HeldDigest[];
  /** The earliest `digestAt`: when the workflow's timer should wake it next. */
  nextDigestAt?: string;
}

/**
 * At most one email per recipient per window (30 minutes by default), except for status changes.
 * Per recipient, in order of time:
 * - a status change in the pending updates goes now, carrying every update held for that recipient;
 * - otherwise, a recipient emailed less than a window ago gets nothing now: the updates are held as
 *   a digest due when the window ends;
 * - otherwise everything pending goes now (one update as itself, several as a digest).
 */
export function foldIntoDigests(
  pending: PendingUpdate[],
  lastSentAt: Readonly<Record<string, string | undefined>>,
  now: string,
  windowMinutes = 30,
): DigestPlan {
  const nowMs = Date.parse(now);
  const windowMs = windowMinutes * 60_000;
  const byRecipient = new Map<string, PendingUpdate[]>();
  for (const u of pending) {
    const key = u.recipient.toLowerCase();
    byRecipient.set(key, [...(byRecipient.get(key) ?? []), u]);
  }
  const sendNow: RecipientEmail[] = [];
  const held: HeldDigest[] = [];
  for (const key of [...byRecipient.keys()].sort()) {
    const updates = byRecipient.get(key)!.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.version - b.version);
    const recipient = updates[0].recipient;
    const last = lastSentAt[recipient] ?? lastSentAt[key];
    const windowEndsMs = last === undefined ? -Infinity : Date.parse(last) + windowMs;
    const email = { recipient, updates, digest: updates.length > 1 };
    if (updates.some((u) => u.statusChange) || nowMs >= windowEndsMs) sendNow.push(email);
    else held.push({ ...email, digestAt: new Date(windowEndsMs).toISOString() });
  }
  const nextDigestAt = held.map((h) => h.digestAt).sort()[0];
  return { sendNow, held, nextDigestAt };
}
