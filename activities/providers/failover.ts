import { setTimeout as sleep } from 'node:timers/promises';
import { ProviderError, type Provider, type ProviderReceipt, type Settle } from '../../domain/delivery/providers';
import { reserveToken, tokenBucket, type TokenBucket } from '../../domain/delivery/rate-limit';
import type { LookupAnswer } from '../../domain/delivery';

export interface FailoverSender<M> {
  providers: readonly string[];
  /**
   * Sends through the first provider that accepts, settling with its receipt before that provider
   * sends anything else; records the providers that failed on the way.
   */
  send(message: M, settle?: Settle): Promise<ProviderReceipt & { failedOver: { provider: string; error: string }[] }>;
  /** Asks each provider that can tell whether it already accepted a message in doubt since `claimedAt`. */
  lookup(message: M, claimedAt: Date): Promise<{ provider: string; answer: LookupAnswer }[]>;
}

/**
 * A provider chain in order of preference. Each provider has its own token bucket, shared by
 * every send through this chain in the process. A transient failure (5xx, throttling, no
 * connection) moves on to the next provider; a permanent one (4xx, SMTP 5xx) ends the attempt,
 * since another provider would refuse the same message for the same reason.
 */
export function failoverChain<M>(providers: Provider<M>[], clock: () => number = Date.now): FailoverSender<M> {
  if (providers.length === 0) throw new Error('a provider chain needs at least one provider');
  const buckets = new Map<string, TokenBucket>(providers.map((p) => [p.name, tokenBucket(p.ratePerSecond, clock())]));

  async function throttle(p: Provider<M>) {
    const { bucket, waitMs } = reserveToken(buckets.get(p.name)!, clock());
    buckets.set(p.name, bucket);
    if (waitMs > 0) await sleep(waitMs);
  }

  return {
    providers: providers.map((p) => p.name),
    async send(message, settle) {
      const failedOver: { provider: string; error: string }[] = [];
      // A failure to settle comes after the provider accepted: it is no reason to try the next one.
      let settling = false;
      const settleOnce: Settle | undefined = settle
        ? (receipt) => {
            settling = true;
            return settle(failedOver.length ? { ...receipt, failedOver: [...failedOver] } : receipt);
          }
        : undefined;
      for (const p of providers) {
        await throttle(p);
        try {
          return { ...(await p.send(message, settleOnce)), failedOver };
        } catch (err) {
          if (settling) throw err;
          const e = err instanceof ProviderError ? err : new ProviderError(p.name, 'transient', String(err));
          if (e.kind === 'permanent') throw e;
          failedOver.push({ provider: p.name, error: e.message });
        }
      }
      throw new ProviderError('failover', 'transient', `every provider failed: ${failedOver.map((f) => f.error).join('; ')}`);
    },
    async lookup(message, claimedAt) {
      return Promise.all(
        providers.map(async (p): Promise<{ provider: string; answer: LookupAnswer }> => {
          if (!p.lookup) return { provider: p.name, answer: 'cannot-tell' };
          try {
            return { provider: p.name, answer: await p.lookup(message, claimedAt) };
          } catch {
            // A log that can be asked but did not answer is asked again later, never guessed at.
            return { provider: p.name, answer: 'ask-later' };
          }
        }),
      );
    },
  };
}
