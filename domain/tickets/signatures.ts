import { hmac } from '@noble/hashes/hmac';
import { sha1 } from '@noble/hashes/legacy';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { constantTimeEqual, hmacSha256 } from '../audit/sha256';

/**
 * The signature schemes of the support desks Herald takes tickets from (M6.2), over the raw
 * request body exactly as it arrived (re-serialised JSON would not match):
 * - Zendesk webhooks: `X-Zendesk-Webhook-Signature` = base64(HMAC-SHA256(signing secret,
 *   `X-Zendesk-Webhook-Signature-Timestamp` + body)), no separator.
 * - Intercom webhooks: `X-Hub-Signature` = `sha1=` + hex(HMAC-SHA1(app client secret, body)).
 */

export type SignatureVerdict = { ok: true } | { ok: false; reason: string };

type Headers = Record<string, string | string[] | undefined>;
const header = (h: Headers, name: string): string | undefined => {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

/** How far a Zendesk signature timestamp may be from now before the request counts as a replay. */
export const zendeskToleranceMs = 5 * 60_000;

export function zendeskSignature(secret: string, timestamp: string, body: Uint8Array | string): string {
  const bodyBytes = typeof body === 'string' ? utf8ToBytes(body) : body;
  const message = new Uint8Array([...utf8ToBytes(timestamp), ...bodyBytes]);
  return Buffer.from(hmacSha256(secret, message)).toString('base64');
}

export function intercomSignature(secret: string, body: Uint8Array | string): string {
  const bodyBytes = typeof body === 'string' ? utf8ToBytes(body) : body;
  return `sha1=${bytesToHex(hmac(sha1, utf8ToBytes(secret), bodyBytes))}`;
}

const same = (given: string, expected: string) => constantTimeEqual(utf8ToBytes(given), utf8ToBytes(expected));

/** A Zendesk webhook's signature; `now` (ms) bounds the timestamp, which Zendesk sends as ISO 8601. */
export function verifyZendesk(headers: Headers, rawBody: Uint8Array | undefined, secret: string, now: number): SignatureVerdict {
  const signature = header(headers, 'x-zendesk-webhook-signature');
  const timestamp = header(headers, 'x-zendesk-webhook-signature-timestamp');
  if (!signature || !timestamp) return { ok: false, reason: 'X-Zendesk-Webhook-Signature and X-Zendesk-Webhook-Signature-Timestamp are required' };
  const at = Date.parse(timestamp);
  if (Number.isNaN(at) || Math.abs(now - at) > zendeskToleranceMs) return { ok: false, reason: 'the signature timestamp is missing, malformed or more than 5 minutes from now' };
  if (!same(signature, zendeskSignature(secret, timestamp, rawBody ?? new Uint8Array()))) return { ok: false, reason: 'the Zendesk signature does not match the body' };
  return { ok: true };
}

export function verifyIntercom(headers: Headers, rawBody: Uint8Array | undefined, secret: string): SignatureVerdict {
  const signature = header(headers, 'x-hub-signature');
  if (!signature) return { ok: false, reason: 'X-Hub-Signature is required' };
  if (!same(signature.toLowerCase(), intercomSignature(secret, rawBody ?? new Uint8Array()))) return { ok: false, reason: 'the Intercom signature does not match the body' };
  return { ok: true };
}
