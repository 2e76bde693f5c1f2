import { constantTimeEqual, hmacSha256, sha256Bytes } from '../audit/sha256';

/**
 * Customer webhooks as the Standard Webhooks specification defines them
 * (https://www.standardwebhooks.com): the signed content is `${id}.${timestamp}.${body}`, the key
 * is the base64-decoded part of a `whsec_` secret, and `webhook-signature` carries one or more
 * space-separated `v1,<base64 HMAC-SHA256>` entries so that secrets can be rotated.
 */

const secretPrefix = 'whsec_';
const base64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A secret is well formed when its key decodes to 24..64 bytes, the range the specification allows. */
export function isWebhookSecret(secret: string): boolean {
  if (!secret.startsWith(secretPrefix)) return false;
  const encoded = secret.slice(secretPrefix.length);
  if (!base64.test(encoded) || encoded.length % 4 !== 0) return false;
  const bytes = Buffer.from(encoded, 'base64').length;
  return bytes >= 24 && bytes <= 64;
}

/** A `whsec_` secret around a fresh random key of 24 to 64 bytes, which the caller draws (32 is usual). */
export function newWebhookSecret(key: Uint8Array): string {
  return `${secretPrefix}${Buffer.from(key).toString('base64')}`;
}

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret, 'base64');
}

/** The `webhook-signature` value for one message: `v1,<base64 HMAC-SHA256>`. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const mac = Buffer.from(hmacSha256(keyOf(secret), `${id}.${timestamp}.${body}`)).toString('base64');
  return `v1,${mac}`;
}

/** The three headers a signed delivery carries. */
export function webhookHeaders(secret: string, id: string, timestamp: number, body: string): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secret, id, timestamp, body),
  };
}

/**
 * The message ID of one delivery: the same incident, version and endpoint always give the same
 * ID, so a receiver that deduplicates on `webhook-id` sees a retry as the message it already has.
 */
export function webhookIdFor(incidentId: string, version: number, endpointUrl: string): string {
  const digest = Buffer.from(sha256Bytes(`${incidentId}\n${version}\n${endpointUrl}`)).toString('base64url');
  return `msg_${digest.slice(0, 32)}`;
}

export type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const hit = Object.entries(headers).find(([k]) => k.toLowerCase() === name);
  const v = hit?.[1];
  return Array.isArray(v) ? v[0] : v;
}

export type WebhookVerdict = { valid: true; id: string; timestamp: number } | { valid: false; reason: string };

/**
 * The receiving side: checks that the headers are present, that the timestamp is within the
 * tolerance (replay protection), and that at least one `v1` signature matches, comparing in
 * constant time.
 */
export function verifyWebhook(
  secret: string,
  headers: HeaderBag,
  body: string,
  opts: { now: Date; toleranceSeconds?: number },
): WebhookVerdict {
  const id = header(headers, 'webhook-id');
  const ts = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !ts || !signatures) return { valid: false, reason: 'missing webhook headers' };
  if (!/^\d{1,15}$/.test(ts)) return { valid: false, reason: 'invalid timestamp' };
  const timestamp = Number(ts);
  const nowSeconds = Math.floor(opts.now.getTime() / 1000);
  const tolerance = opts.toleranceSeconds ?? 300;
  if (timestamp < nowSeconds - tolerance) return { valid: false, reason: 'timestamp too old' };
  if (timestamp > nowSeconds + tolerance) return { valid: false, reason: 'timestamp too new' };
  // Compared as text, not decoded: a lenient base64 decoder would accept trailing junk.
  const expected = Buffer.from(signWebhook(secret, id, timestamp, body).slice(3), 'utf8');
  for (const entry of signatures.split(' ')) {
    const [version, mac] = entry.split(',', 2);
    if (version !== 'v1' || !mac) continue;
    const given = Buffer.from(mac, 'utf8');
    if (constantTimeEqual(given, expected)) return { valid: true, id, timestamp };
  }
  return { valid: false, reason: 'no matching signature' };
}
