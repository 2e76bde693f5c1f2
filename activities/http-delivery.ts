// herald:transport — posts bodies its callers built; every caller gates them first (see tests/unit/gate/gate-channels.test.ts).
/**
 * One HTTP POST to a receiver Herald does not control. A Slack incoming webhook is retried with
 * exponential backoff inside the activity, so one slow or broken receiver costs its own attempts
 * and never the delivery to the others; a customer webhook makes one request per attempt, and its
 * retries follow a schedule in their own workflow (activities/webhooks.ts).
 */

export interface RetryPolicy {
  /** Requests at most, the first included. */
  attempts: number;
  /** The wait after the first failure; doubled after each further one. */
  initialDelayMs: number;
  /** A receiver's Retry-After is honoured up to this long. */
  maxRetryAfterMs: number;
  /** How long each request waits for an answer; 15 seconds when absent. */
  timeoutMs?: number;
}

/** What Slack deliveries within one activity use: five requests over about eight seconds. */
export const receiverRetry: RetryPolicy = { attempts: 5, initialDelayMs: 500, maxRetryAfterMs: 30_000 };

/** One request that waits `timeoutMs` for its answer; a failure is left to the caller (a customer webhook's retry schedule). */
export const singleRequest = (timeoutMs: number): RetryPolicy => ({ attempts: 1, initialDelayMs: 0, maxRetryAfterMs: 0, timeoutMs });

export interface PostOutcome {
  ok: boolean;
  /** The last answer's status; absent when the last request got no answer. */
  status?: number;
  /** Why the last request failed. */
  error?: string;
  requests: number;
}

export interface PostHooks {
  /** Waits between requests; the activity's sleep, which a cancellation interrupts. */
  sleep(ms: number): Promise<void>;
  signal?: AbortSignal;
}

const requestTimeoutMs = 15_000;

/**
 * Timeouts, throttling and server errors may pass; any other refusal (bad request, unauthorized,
 * gone) answers the same to the same request, so it is not repeated.
 */
export function isTransient(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from now. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * POSTs until a 2xx, a permanent refusal, or the attempts are spent. `request` builds each
 * attempt's body and headers afresh (a webhook signs the attempt's own timestamp).
 */
export async function postWithRetry(
  url: string,
  request: () => { headers: Record<string, string>; body: string },
  policy: RetryPolicy,
  hooks: PostHooks,
): Promise<PostOutcome> {
  let last: PostOutcome = { ok: false, requests: 0 };
  const timeoutMs = policy.timeoutMs ?? requestTimeoutMs;
  for (let n = 1; n <= policy.attempts; n++) {
    let wait: number | undefined;
    try {
      const { headers, body } = request();
      const res = await fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: hooks.signal ? AbortSignal.any([hooks.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
      });
      await res.body?.cancel();
      if (res.status >= 200 && res.status <= 299) return { ok: true, status: res.status, requests: n };
      last = { ok: false, status: res.status, error: `answered ${res.status}`, requests: n };
      if (!isTransient(res.status)) return last;
      wait = retryAfterMs(res.headers.get('retry-after'));
    } catch (err) {
      if (hooks.signal?.aborted) throw err;
      last = { ok: false, error: err instanceof Error ? err.message : String(err), requests: n };
    }
    if (n < policy.attempts) {
      await hooks.sleep(wait !== undefined ? Math.min(wait, policy.maxRetryAfterMs) : policy.initialDelayMs * 2 ** (n - 1));
    }
  }
  return last;
}
