import { hmacSha256 } from '../audit/sha256';
import { openFields, sealFields } from './signed-token';

/**
 * Unsubscribe (M3.3, RFC 8058): every customer email carries a link with a token signed for its
 * recipient, so one POST to it, with no login, puts that address on the suppression list. The
 * token names the address, the customer and the message it came in; nobody can make one for
 * another address without the key.
 */

export interface UnsubscribeContext {
  address: string;
  customerId?: string;
  incidentId: string;
  version: number;
}

const signer = (secret: string) => (payload: string) => Buffer.from(hmacSha256(secret, `unsubscribe.${payload}`)).toString('base64url');

export function unsubscribeToken(ctx: UnsubscribeContext, secret: string): string {
  return sealFields([ctx.address.toLowerCase(), ctx.customerId ?? '', ctx.incidentId, ctx.version], signer(secret));
}

/** The one-click URL to put in `List-Unsubscribe`. */
export function unsubscribeUrl(publicUrl: string, ctx: UnsubscribeContext, secret: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/v1/unsubscribe/${unsubscribeToken(ctx, secret)}`;
}

/** The headers of RFC 2369 and RFC 8058 that let a mail client offer one-click unsubscribe. */
export function unsubscribeHeaders(url: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/** What a token names, or undefined when it is malformed or not signed with this key. */
export function readUnsubscribeToken(token: string, secret: string): UnsubscribeContext | undefined {
  const fields = openFields(token, signer(secret));
  if (!fields) return undefined;
  const [address, customerId, incidentId, version] = fields;
  if (typeof address !== 'string' || !address.includes('@') || typeof customerId !== 'string' || typeof incidentId !== 'string' || !Number.isInteger(version)) {
    return undefined;
  }
  return { address, ...(customerId ? { customerId } : {}), incidentId, version: version as number };
}
