import { hmacSha256 } from '../audit/sha256';
import { openFields, sealFields } from './signed-token';

/**
 * Tracking (M2.6): status-page links in outgoing messages go through Herald's redirect, whose
 * token names the incident, channel, segment and message version. The token is signed, so clicks
 * cannot be forged for another incident; the redirect counts the click and forwards to the page
 * with standard UTM parameters.
 */

export interface LinkContext {
  incidentId: string;
  /** email, webhook, in-app, sms, … */
  channel: string;
  /** The audience segment the message went to: enterprise, tier-2, eu-customers, … */
  segment: string;
  version: number;
}

const signer = (secret: string) => (payload: string) => Buffer.from(hmacSha256(secret, payload)).toString('base64url').slice(0, 22);

export function trackingToken(ctx: LinkContext, secret: string): string {
  return sealFields([ctx.incidentId, ctx.channel, ctx.segment, ctx.version], signer(secret));
}

/** The redirect URL to put in a message instead of the bare status-page link. */
export function trackedLink(baseUrl: string, ctx: LinkContext, secret: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/r/${trackingToken(ctx, secret)}`;
}

/** The link context a token names, or undefined when it is malformed or not signed by us. */
export function readTrackingToken(token: string, secret: string): LinkContext | undefined {
  const fields = openFields(token, signer(secret));
  if (!fields) return undefined;
  const [incidentId, channel, segment, version] = fields;
  if (typeof incidentId !== 'string' || typeof channel !== 'string' || typeof segment !== 'string' || !Number.isInteger(version)) return undefined;
  return { incidentId, channel, segment, version: version as number };
}

/** Where a click lands: the incident's own page on the status page, with the UTM parameters analytics tools read. */
export function statusPageDestination(publicUrl: string, ctx: LinkContext): string {
  const url = new URL(`${publicUrl.replace(/\/+$/, '')}/status/incidents/${encodeURIComponent(ctx.incidentId)}`);
  url.searchParams.set('utm_source', ctx.channel);
  url.searchParams.set('utm_medium', ctx.segment);
  url.searchParams.set('utm_campaign', ctx.incidentId);
  url.searchParams.set('utm_content', `v${ctx.version}`);
  return url.toString();
}

export interface ClickCount extends LinkContext {
  count: number;
}

/** Click counts rolled up per message version, channel and segment. */
export function clickSummary(rows: ClickCount[]) {
  const roll = (key: (r: ClickCount) => string) => {
    const out: Record<string, number> = {};
    for (const r of rows) out[key(r)] = (out[key(r)] ?? 0) + r.count;
    return out;
  };
  return {
    total: rows.reduce((n, r) => n + r.count, 0),
    byVersion: roll((r) => `v${r.version}`),
    byChannel: roll((r) => r.channel),
    bySegment: roll((r) => r.segment),
  };
}
