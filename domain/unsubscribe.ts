import { createHmac, timingSafeEqual } from 'node:crypto';

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

function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(`unsubscribe.${payload}`).digest('base64url');
}

export function unsubscribeToken(ctx: UnsubscribeContext, secret: string): string {
  const payload = Buffer.from(JSON.stringify([ctx.address.toLowerCase(), ctx.customerId ?? '', ctx.incidentId, ctx.version])).toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
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
  const [payload, mac, ...rest] = token.split('.');
  if (!payload || !mac || rest.length) return undefined;
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const [address, customerId, incidentId, version] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown[];
    if (typeof address !== 'string' || !address.includes('@') || typeof customerId !== 'string' || typeof incidentId !== 'string' || !Number.isInteger(version)) {
      return undefined;
    }
    return { address, ...(customerId ? { customerId } : {}), incidentId, version: version as number };
  } catch {
    return undefined;
  }
}
