/**
 * Notification providers as the fan-out sees them (M7.3): what a provider is given, what it
 * answers, and how its failures are classified for failover. The adapters that speak each
 * provider's wire format live in activities/providers/.
 */

/** One email to one recipient, provider-neutral. */
export interface OutboundEmail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Deterministic per incident, version and recipient: the handle for finding a message again. */
  messageId: string;
  headers: Record<string, string>;
  /** Standard metadata (M7.6) for providers that carry it outside the headers. */
  metadata: Record<string, string>;
}

/** One text message to one phone number. */
export interface OutboundSms {
  to: string;
  body: string;
  metadata: Record<string, string>;
}

export interface ProviderReceipt {
  provider: string;
  /** The provider's own ID for the accepted message (SMTP queue ID, SendGrid X-Message-Id, Twilio sid). */
  providerMessageId?: string;
  /** The exact bytes handed to the provider (the MIME message, an API's request body), archived as sent (M5.1). */
  sent?: { bytes: Uint8Array; contentType: string };
  /** Set by a provider chain: the providers that failed for now before this one took the message. */
  failedOver?: { provider: string; error: string }[];
}

/**
 * Called with the provider's acceptance before the provider gives its connection the next
 * message: the caller makes the receipt durable here, so that a crash leaves at most the sends in
 * flight in doubt. An error it throws is the caller's, never a provider failure.
 */
export type Settle = (receipt: ProviderReceipt) => Promise<void>;

/** A message log's answer: `ask-later` when the log cannot answer yet (it lags, throttles or is down). */
export type LookupResult = 'found' | 'not-found' | 'ask-later';

export interface Provider<M> {
  name: string;
  /** Sends per second this provider accepts from us; Infinity for no limit. */
  ratePerSecond: number;
  /** Resolves once the message is accepted and `settle` (when given) has resolved. */
  send(message: M, settle?: Settle): Promise<ProviderReceipt>;
  /**
   * Whether the provider accepted this message, for providers whose message log can tell, asked
   * by its deterministic Message-ID for a delivery in doubt since `claimedAt`. "not-found" must
   * mean "never accepted", so a log that lags answers `ask-later` until it has caught up.
   */
  lookup?(message: M, claimedAt: Date): Promise<LookupResult>;
}

/** Transient: try the next provider, or later. Permanent: no provider will take this message. */
export type FailureKind = 'transient' | 'permanent';

export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    readonly kind: FailureKind,
    message: string,
    readonly status?: number,
  ) {
    super(`${provider}: ${message}`);
    this.name = 'ProviderError';
  }
}

/** HTTP APIs: throttling, timeouts and server errors pass; any other client error is ours to fix. */
export function classifyHttpStatus(status: number): 'accepted' | FailureKind {
  if (status >= 200 && status < 300) return 'accepted';
  if (status === 408 || status === 429 || status >= 500) return 'transient';
  return 'permanent';
}

/**
 * SMTP: a 5xx reply is a permanent refusal (RFC 5321 §4.2.1), a 4xx a temporary one; an error
 * without a reply (refused connection, timeout, reset) says nothing about the message and is
 * transient.
 */
export function classifySmtpFailure(err: { responseCode?: number }): FailureKind {
  return typeof err.responseCode === 'number' && err.responseCode >= 500 && err.responseCode < 600 ? 'permanent' : 'transient';
}

/** Splits `Name <address>` into its parts, for APIs that take them separately. */
export function parseAddress(value: string): { email: string; name?: string } {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(value);
  if (!m) return { email: value.trim() };
  return m[1] ? { email: m[2].trim(), name: m[1].trim() } : { email: m[2].trim() };
}
