import type { Recipient } from '../audience';
import { escapeHtmlText as escapeHtml } from '../messages/content-hash';
import { emailStringsFor } from '../messages/localization';
import { deliveryKey, messageIdFor, metadataHeaders, type MessageMetadata, type MessageVersion } from '../messages';
import type { OutboundEmail } from './providers';
import { unsubscribeHeaders } from '../tracking/unsubscribe';

/**
 * Delivery: how a published version reaches its audience. This module plans the email fan-out;
 * beside it are the provider contract and failure classes, rate limits and digests, Slack
 * messages for staff channels, and the per-channel delivery report.
 */

/**
 * Fan-out of one approved message version to a large audience, exactly once per recipient (M7.3, X2).
 *
 * The audience is frozen when the broadcast is planned: resolved once, sorted by address and
 * stored in batches, so every retry of a batch sees the same recipients in the same order even
 * while customers are edited. Each batch is one activity; inside it, each recipient's delivery is
 * claimed under its deterministic key before the provider sees the message, and a receipt is
 * written as soon as the provider accepts it.
 */

export interface BatchPlan {
  batchIndex: number;
  /** Index of the first recipient of the batch in the frozen audience. */
  start: number;
  /** One past the last. */
  end: number;
}

export function planBatches(recipientCount: number, batchSize: number): BatchPlan[] {
  if (!Number.isInteger(recipientCount) || recipientCount < 0) throw new RangeError('recipientCount must be a whole number');
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be at least 1');
  const out: BatchPlan[] = [];
  for (let start = 0, i = 0; start < recipientCount; start += batchSize, i++) {
    out.push({ batchIndex: i, start, end: Math.min(recipientCount, start + batchSize) });
  }
  return out;
}

/** Addresses in code-unit order, case-insensitively: the same on every machine, unlike localeCompare. */
export function byAddress(a: Pick<Recipient, 'email'>, b: Pick<Recipient, 'email'>): number {
  const x = a.email.toLowerCase();
  const y = b.email.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** One broadcast per incident, version and channel: planning it twice finds the first plan. */
export function broadcastIdFor(incidentId: string, version: number, channel: string): string {
  return `${incidentId}|v${version}|${channel}`;
}

export function batchIdFor(broadcastId: string, batchIndex: number): string {
  return `${broadcastId}#${batchIndex}`;
}

/**
 * Where a retried batch picks up: the position its last heartbeat reported, which only ever
 * counts recipients whose outcome is durable. Anything unreadable starts the batch over, which
 * is safe because every delivery is claimed by key.
 */
export function resumePoint(heartbeatDetails: unknown, batchLength: number): number {
  const next = (heartbeatDetails as { next?: unknown } | undefined)?.next;
  return typeof next === 'number' && Number.isInteger(next) && next >= 0 ? Math.min(next, batchLength) : 0;
}

/**
 * The lowest position not yet settled. Sends complete out of order, but progress is reported
 * as a prefix: everything before `next` is settled for good.
 */
export class SettledPrefix {
  private readonly settled = new Set<number>();
  constructor(public next: number) {}

  settle(position: number): number {
    this.settled.add(position);
    while (this.settled.delete(this.next)) this.next++;
    return this.next;
  }
}

/**
 * THE IN-DOUBT CLAIM. A delivery claimed by an earlier attempt with no receipt means that attempt
 * died between claiming and recording the provider's answer: before the provider saw the message,
 * or after it accepted it. A claim is written only when a send is about to start, and the receipt
 * the moment the provider answers (the SMTP 250, the HTTP 202), before the SMTP connection is
 * given another message; so at a crash the in-doubt deliveries are the sends then in flight, and
 * at most one per SMTP connection can have been accepted. Policy:
 * - ask every provider of the chain that can look a message up by its deterministic Message-ID;
 *   if one has it, record the receipt (verified) and do not send;
 * - if a provider that can be asked cannot answer yet (its log lags, or it throttles), wait: the
 *   delivery stays in doubt and a later attempt asks again;
 * - if every provider answers that it never saw it, send: nothing is in doubt any more;
 * - otherwise (a provider that cannot be asked, such as a plain SMTP relay) resend with the same
 *   Message-ID and record it as `in-doubt-resent`: Herald prefers a rare duplicate, which mail
 *   clients that thread by Message-ID show once, to a customer who never hears of the incident.
 */
export type LookupAnswer = 'found' | 'not-found' | 'cannot-tell' | 'ask-later';

export type InDoubtDecision = 'record-as-sent' | 'wait' | 'send' | 'resend-in-doubt';

export function decideAmbiguousClaim(answers: LookupAnswer[]): InDoubtDecision {
  if (answers.includes('found')) return 'record-as-sent';
  if (answers.includes('ask-later')) return 'wait';
  return answers.length > 0 && answers.every((a) => a === 'not-found') ? 'send' : 'resend-in-doubt';
}

export interface BroadcastEmailConfig {
  fromAddress: string;
  publicUrl: string;
  messageIdDomain: string;
}

export interface BroadcastDelivery {
  key: string;
  email: OutboundEmail;
}

/** Per-recipient parts of an email, added after the gate has passed its content. */
export interface EmailExtras {
  /** The status-page link to carry (M2.6: a tracked redirect); the bare page when absent. */
  statusLink?: string;
  /** The locale the content is written in, sent as Content-Language (M2.5). */
  locale?: string;
  /** A digest (M3.4) of these versions, in order: its own key and Message-ID, by the first of them. */
  digestOf?: number[];
  /** The recipient's signed one-click unsubscribe URL (RFC 8058); every customer email carries one. */
  unsubscribeUrl?: string;
}

/** Digests go to a recipient under their own channel, so an update and a digest never share a key. */
export const digestChannel = 'email-digest';

/** The email one recipient gets for one message version (or digest), with its idempotency key. */
export function broadcastEmail(
  meta: MessageMetadata,
  message: Pick<MessageVersion, 'subject' | 'text' | 'html'>,
  recipient: string,
  config: BroadcastEmailConfig,
  extras: EmailExtras = {},
): BroadcastDelivery {
  const statusLink = extras.statusLink ?? `${config.publicUrl}/status#${encodeURIComponent(meta.incidentId)}`;
  // The email's own words are in the locale of its content (M2.5).
  const words = emailStringsFor(extras.locale);
  const unsubscribe = extras.unsubscribeUrl;
  const digestFrom = extras.digestOf?.[0];
  const headers: Record<string, string> = {
    ...metadataHeaders(meta),
    ...(extras.locale ? { 'Content-Language': extras.locale } : {}),
    ...(extras.digestOf ? { 'X-Herald-Digest-Versions': extras.digestOf.join(',') } : {}),
  };
  return {
    key: digestFrom === undefined
      ? deliveryKey(meta.incidentId, meta.version, 'email', recipient)
      : deliveryKey(meta.incidentId, digestFrom, digestChannel, recipient),
    email: {
      from: config.fromAddress,
      to: recipient,
      subject: message.subject,
      text: [message.text, `${words.follow} ${statusLink}`, ...(unsubscribe ? [`${words.unsubscribe} ${unsubscribe}`] : [])].join('\n\n'),
      html: [
        message.html,
        `<p><a href="${escapeHtml(statusLink)}">${escapeHtml(words.followLink)}</a></p>`,
        ...(unsubscribe ? [`<p><small>${escapeHtml(words.unsubscribe)} <a href="${escapeHtml(unsubscribe)}">${escapeHtml(words.unsubscribeLink)}</a></small></p>`] : []),
      ].join('\n'),
      messageId: digestFrom === undefined
        ? messageIdFor(meta, recipient, config.messageIdDomain)
        : messageIdFor({ ...meta, incidentId: `${meta.incidentId}.digest`, version: digestFrom }, recipient, config.messageIdDomain),
      headers: { ...headers, ...(extras.unsubscribeUrl ? unsubscribeHeaders(extras.unsubscribeUrl) : {}) },
      metadata: {
        incident_id: meta.incidentId,
        severity: meta.severity,
        category: meta.category,
        message_version: String(meta.version),
      },
    },
  };
}
