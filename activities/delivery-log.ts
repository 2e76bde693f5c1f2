// herald:transport — records and sends what fan-out and digests built; both gate it first (see tests/unit/gate-channels.test.ts).
import { decideAmbiguousClaim, type BroadcastDelivery } from '../domain/fanout';
import { ProviderError, type OutboundEmail } from '../domain/providers';
import type { DeliveryReceiptDoc } from '../store/models';
import type { FailoverSender } from './providers/failover';

/**
 * The exactly-once machinery email fan-out and digests share: claims and receipts are inserts
 * under deterministic keys, receipts are group-committed, and a delivery claimed before without
 * a receipt is settled by asking the providers (see decideAmbiguousClaim).
 */

function writeErrorsOf(err: unknown): { index: number; code?: number }[] | undefined {
  const e = err as { code?: number; writeErrors?: unknown };
  if (e?.writeErrors === undefined) return undefined;
  return ([] as { index: number; code?: number }[]).concat(e.writeErrors as never);
}

/** The one driver call fan-out writes with: inserts only, see DeliveryReceiptDoc for why. */
export interface InsertTarget {
  insertMany(docs: never[], options: { ordered: boolean }): Promise<unknown>;
}

/** Inserts what is new, and answers which positions already existed under the unique key. */
export async function insertNew(collection: InsertTarget, docs: object[]): Promise<Set<number>> {
  if (docs.length === 0) return new Set();
  try {
    await collection.insertMany(docs as never[], { ordered: false });
    return new Set();
  } catch (err) {
    const writeErrors = writeErrorsOf(err);
    if (!writeErrors || writeErrors.some((w) => w.code !== 11000)) throw err;
    return new Set(writeErrors.map((w) => w.index));
  }
}

/**
 * Items that arrive while a write is in flight go together in the next one (group commit), so
 * under load the database sees a few writes per batch of items instead of one per item, and when
 * idle an item goes alone. Each caller's promise settles when its item is durable.
 */
export function groupCommit<T>(write: (items: T[]) => Promise<unknown>): (item: T) => Promise<void> {
  let pending: { item: T; done: (err?: unknown) => void }[] = [];
  let writing = false;
  async function drain() {
    writing = true;
    while (pending.length > 0) {
      const group = pending;
      pending = [];
      try {
        await write(group.map((g) => g.item));
        for (const g of group) g.done();
      } catch (err) {
        for (const g of group) g.done(err);
      }
    }
    writing = false;
  }
  return (item: T) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ item, done: (err) => (err ? reject(err as Error) : resolve()) });
      if (!writing) void drain();
    });
}

/** Receipts are written the moment a provider accepts, group-committed. */
export function receiptLog(collection: InsertTarget) {
  return groupCommit<DeliveryReceiptDoc>((docs) => insertNew(collection, docs));
}

export type ReceiptFields = Partial<DeliveryReceiptDoc> & Pick<DeliveryReceiptDoc, 'outcome'>;

export type DeliveryOutcome =
  | { kind: 'sent'; provider: string; failedOver: boolean }
  /** A receipt from an earlier attempt or run: nothing sent now. */
  | { kind: 'recorded'; receipt: DeliveryReceiptDoc }
  /** Found at a provider by its Message-ID after a crash, recorded as sent. */
  | { kind: 'verified' }
  /** Refused for good by a provider; recorded, never retried. */
  | { kind: 'failed' }
  /** Every provider failed for now; a retry finds the claim ambiguous and settles it. */
  | { kind: 'unsettled' };

/**
 * One claimed delivery, at most once: a claim from an earlier attempt is checked for its receipt
 * and then at the providers before anything is sent again.
 */
export async function deliverOnce(opts: {
  sender: FailoverSender<OutboundEmail>;
  delivery: BroadcastDelivery;
  earlierClaim: boolean;
  findReceipt: (key: string) => Promise<DeliveryReceiptDoc | null>;
  record: (fields: ReceiptFields) => Promise<void>;
}): Promise<DeliveryOutcome> {
  const { sender, delivery, record } = opts;
  if (opts.earlierClaim) {
    const existing = await opts.findReceipt(delivery.key);
    if (existing) return { kind: 'recorded', receipt: existing };
    const answers = await sender.lookup(delivery.email);
    if (decideAmbiguousClaim(answers.map((a) => a.answer)) === 'record-as-sent') {
      await record({ outcome: 'sent', provider: answers.find((a) => a.answer === 'found')!.provider, verified: true });
      return { kind: 'verified' };
    }
  }
  let accepted: Awaited<ReturnType<typeof sender.send>>;
  try {
    accepted = await sender.send(delivery.email);
  } catch (err) {
    if (!(err instanceof ProviderError) || err.kind !== 'permanent') return { kind: 'unsettled' };
    await record({ outcome: 'failed', provider: err.provider, error: err.message });
    return { kind: 'failed' };
  }
  await record({ outcome: 'sent', provider: accepted.provider, providerMessageId: accepted.providerMessageId });
  return { kind: 'sent', provider: accepted.provider, failedOver: accepted.failedOver.length > 0 };
}

/**
 * Runs `work` over positions `from…count-1` with `lanes` in flight. On the first error or a
 * cancellation every lane stops before its next item, and this returns only when none is still
 * working, so a retry never races this attempt. Answers how many items `work` left unsettled.
 */
export async function inLanes(
  from: number,
  count: number,
  lanes: number,
  signal: AbortSignal,
  work: (position: number) => Promise<boolean>,
): Promise<number> {
  let cursor = from;
  let unsettled = 0;
  let failure: unknown;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      for (let p = cursor++; p < count && failure === undefined; p = cursor++) {
        if (signal.aborted) {
          failure = signal.reason;
          break;
        }
        try {
          if (!(await work(p))) unsettled++;
        } catch (err) {
          failure ??= err;
        }
      }
    }),
  );
  if (failure !== undefined) throw failure;
  return unsettled;
}
