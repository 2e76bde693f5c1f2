// herald:transport — records and sends what fan-out and digests built; both gate it first (see tests/unit/gate/gate-channels.test.ts).
import { decideAmbiguousClaim, type BroadcastDelivery } from '../domain/delivery';
import { ProviderError, type OutboundEmail } from '../domain/delivery/providers';
import { insertClaims, insertReceipts } from '../store/deliveries';
import type { DeliveryDoc, DeliveryReceiptDoc, Models } from '../store/models';
import type { FailoverSender } from './providers/failover';

/**
 * The delivery machinery email fan-out and digests share: claims and receipts are inserts under
 * deterministic keys, both group-committed, and a delivery claimed before without a receipt is in
 * doubt: settled by asking the providers, or resent and recorded as such (see decideAmbiguousClaim).
 */

/**
 * Items that arrive while a write is in flight go together in the next one (group commit), so
 * under load the database sees a few writes per batch of items instead of one per item, and when
 * idle an item goes alone. Each caller's promise settles when its item is durable, with what the
 * write answered for it.
 */
export function groupCommit<T, R = void>(write: (items: T[]) => Promise<unknown>): (item: T) => Promise<R> {
  let pending: { item: T; done: (err: unknown, result?: R) => void }[] = [];
  let writing = false;
  async function drain() {
    writing = true;
    while (pending.length > 0) {
      const group = pending;
      pending = [];
      try {
        const out = await write(group.map((g) => g.item));
        // A write that answers per item (an array) hands each caller its own answer.
        const results = Array.isArray(out) ? (out as R[]) : undefined;
        group.forEach((g, i) => g.done(undefined, results?.[i]));
      } catch (err) {
        for (const g of group) g.done(err);
      }
    }
    writing = false;
  }
  return (item: T) =>
    new Promise<R>((resolve, reject) => {
      pending.push({ item, done: (err, result) => (err ? reject(err as Error) : resolve(result as R)) });
      if (!writing) void drain();
    });
}

/** Receipts are written the moment a provider accepts, group-committed. */
export function receiptLog(models: Pick<Models, 'DeliveryReceipt'>) {
  return groupCommit<DeliveryReceiptDoc>((docs) => insertReceipts(models, docs));
}

/** A delivery claim: written by the attempt that is about to send, under the delivery's unique key. */
export type ClaimDoc = Omit<DeliveryDoc, '_id' | 'claimedAt'>;

/**
 * Claims are written when a send is about to start, group-committed. Each caller learns whether
 * an earlier attempt had claimed the delivery, and when: such a claim is in doubt.
 */
export function claimLog(models: Pick<Models, 'Delivery'>) {
  return groupCommit<ClaimDoc, Date | undefined>(async (docs) => {
    const claimedAt = new Date();
    const earlier = await insertClaims(models, docs.map((d) => ({ ...d, claimedAt })));
    return earlier.size === 0 ? [] : docs.map((_, i) => earlier.get(i));
  });
}

export type ReceiptFields = Partial<DeliveryReceiptDoc> & Pick<DeliveryReceiptDoc, 'outcome'>;

export type DeliveryOutcome =
  | { kind: 'sent'; provider: string; failedOver: boolean }
  /** In doubt from an earlier attempt at a provider that cannot be asked: sent again, same Message-ID. */
  | { kind: 'in-doubt-resent'; provider: string; failedOver: boolean }
  /** A receipt from an earlier attempt or run: nothing sent now. */
  | { kind: 'recorded'; receipt: DeliveryReceiptDoc }
  /** Found at a provider by its Message-ID after a crash, recorded as sent. */
  | { kind: 'verified' }
  /** Refused for good by a provider; recorded, never retried. */
  | { kind: 'failed' }
  /** Every provider failed for now, or one that can be asked cannot answer yet; a retry finds the claim in doubt. */
  | { kind: 'unsettled' };

/**
 * One delivery, at most once where a provider can tell and at most twice where none can: the
 * delivery is claimed just before its send; a claim from an earlier attempt is checked for its
 * receipt and then at the providers before anything is sent again (see decideAmbiguousClaim).
 * The receipt is written while the provider still holds the send's connection.
 */
export async function deliverOnce(opts: {
  sender: FailoverSender<OutboundEmail>;
  delivery: BroadcastDelivery;
  /** Writes the claim; answers when an earlier attempt claimed it, if one did. */
  claim: () => Promise<Date | undefined>;
  findReceipt: (key: string) => Promise<DeliveryReceiptDoc | null>;
  record: (fields: ReceiptFields) => Promise<void>;
  /** Logs an attempt every provider failed for now on the delivery's claim, before the batch retries it. */
  noteFailure?: (failure: { provider: string; error: string }) => Promise<void>;
}): Promise<DeliveryOutcome> {
  const { sender, delivery, record } = opts;
  let inDoubt = false;
  const claimedBefore = await opts.claim();
  if (claimedBefore) {
    const existing = await opts.findReceipt(delivery.key);
    if (existing) return { kind: 'recorded', receipt: existing };
    const answers = await sender.lookup(delivery.email, claimedBefore);
    switch (decideAmbiguousClaim(answers.map((a) => a.answer))) {
      case 'record-as-sent':
        await record({ outcome: 'sent', provider: answers.find((a) => a.answer === 'found')!.provider, verified: true });
        return { kind: 'verified' };
      case 'wait':
        return { kind: 'unsettled' };
      case 'resend-in-doubt':
        inDoubt = true;
        break;
      case 'send':
        break;
    }
  }
  let accepted: Awaited<ReturnType<typeof sender.send>>;
  try {
    accepted = await sender.send(delivery.email, (r) =>
      record({ outcome: inDoubt ? 'in-doubt-resent' : 'sent', provider: r.provider, providerMessageId: r.providerMessageId, ...(r.failedOver ? { failedOver: r.failedOver } : {}) }),
    );
  } catch (err) {
    // Anything but a provider's answer (the receipt write failing) stops the batch; its retry finds the claim in doubt.
    if (!(err instanceof ProviderError)) throw err;
    if (err.kind !== 'permanent') {
      await opts.noteFailure?.({ provider: err.provider, error: err.message });
      return { kind: 'unsettled' };
    }
    await record({ outcome: 'failed', provider: err.provider, error: err.message });
    return { kind: 'failed' };
  }
  return { kind: inDoubt ? 'in-doubt-resent' : 'sent', provider: accepted.provider, failedOver: accepted.failedOver.length > 0 };
}
