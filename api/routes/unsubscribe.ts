import { z } from 'zod';
import { unsubscribeSecret } from '../../config/unsubscribe';
import { readUnsubscribeToken, type UnsubscribeContext } from '../../domain/tracking/unsubscribe';
import { suppressAddress } from '../../store/suppressions';
import { HttpError } from '../errors';
import { defineRoute } from '../route';

/**
 * Unsubscribe (M3.3, RFC 8058) and the suppression list. The link in every customer email's
 * `List-Unsubscribe` header is public and needs no login: its signed token is the authority. A GET
 * (what a person's click or a mail scanner does) only shows a confirmation page; the POST (the
 * mail client's one-click request, or that page's button) suppresses the address.
 */

const TokenParams = z.object({ token: z.string().max(1000).regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'not an unsubscribe token') });

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}button{font-size:1rem;padding:.5rem 1rem}</style>',
    `</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
  ].join('\n');
}

function readToken(token: string): UnsubscribeContext {
  const ctx = readUnsubscribeToken(token, unsubscribeSecret());
  if (!ctx) throw new HttpError(404, 'this unsubscribe link was not made by Herald or was altered; use the link of the email itself');
  return ctx;
}

const html = { contentType: 'text/html' };

export const unsubscribeRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/unsubscribe/:token',
    summary: "Unsubscribe link of a customer email: a confirmation page whose button unsubscribes (public; the GET itself changes nothing, so mail scanners that follow links unsubscribe nobody)",
    tags: ['unsubscribe'],
    params: TokenParams,
    responses: { 200: { description: 'The confirmation page', ...html } },
    errors: { 404: 'Not an unsubscribe link Herald made' },
    async handler({ params }) {
      const ctx = readToken(params.token);
      const action = `/v1/unsubscribe/${params.token}?via=page`;
      return {
        ...html,
        body: page('Unsubscribe from incident notices', [
          `<p>Stop incident emails to <strong>${escapeHtml(ctx.address)}</strong>?</p>`,
          `<form method="post" action="${escapeHtml(action)}"><button type="submit">Unsubscribe</button></form>`,
          '<p>Notices that the law requires (a personal-data breach notice) still reach this address. The status page and your other channels are unchanged.</p>',
        ].join('\n')),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/unsubscribe/:token',
    summary: 'One-click unsubscribe (RFC 8058; public): puts the address on the suppression list and records the event. The body `List-Unsubscribe=One-Click` is accepted and not required',
    tags: ['unsubscribe'],
    params: TokenParams,
    query: z.object({ via: z.enum(['page']).optional().describe("`page` when the confirmation page's button sent it") }),
    responses: { 200: { description: 'Unsubscribed (or already)', ...html } },
    errors: { 404: 'Not an unsubscribe link Herald made' },
    async handler({ params, query, deps }) {
      const ctx = readToken(params.token);
      const { alreadySuppressed } = await suppressAddress(deps.store.models, {
        address: ctx.address, ...(ctx.customerId ? { customerId: ctx.customerId } : {}),
        source: query.via === 'page' ? 'confirmation-page' : 'one-click',
        incidentId: ctx.incidentId, version: ctx.version,
      });
      return {
        ...html,
        body: page(alreadySuppressed ? 'Already unsubscribed' : 'Unsubscribed', [
          `<p><strong>${escapeHtml(ctx.address)}</strong> will get no more incident emails.</p>`,
          '<p>Notices that the law requires (a personal-data breach notice) still reach it. To receive incident emails again, ask your account team.</p>',
        ].join('\n')),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/suppressions',
    summary: 'The suppression list (unsubscribed addresses) and its audit trail of unsubscribe events, newest first',
    tags: ['unsubscribe'],
    roles: ['manager', 'admin'],
    query: z.object({
      address: z.email().optional().describe('Only this address'),
      limit: z.coerce.number().int().min(1).max(1000).default(200),
    }),
    responses: {
      200: {
        description: 'Suppressions and events',
        schema: z.object({
          suppressions: z.array(z.object({
            address: z.string(), customerId: z.string().optional(), source: z.enum(['one-click', 'confirmation-page']),
            incidentId: z.string(), version: z.number(), at: z.string(),
          })),
          events: z.array(z.object({
            action: z.enum(['suppressed', 'already-suppressed']), address: z.string(), customerId: z.string().optional(),
            source: z.enum(['one-click', 'confirmation-page']), incidentId: z.string(), version: z.number(), at: z.string(),
          })),
        }),
      },
    },
    async handler({ query, deps }) {
      const { Suppression, SuppressionEvent } = deps.store.models;
      const filter = query.address ? { address: query.address.toLowerCase() } : {};
      const [suppressions, events] = await Promise.all([
        Suppression.find(filter, { _id: 0, __v: 0 }).sort({ at: -1 }).limit(query.limit).lean(),
        SuppressionEvent.find(filter, { _id: 0, __v: 0 }).sort({ at: -1 }).limit(query.limit).lean(),
      ]);
      return {
        body: {
          suppressions: suppressions.map((s) => ({ ...s, at: s.at.toISOString() })),
          events: events.map((e) => ({ ...e, at: e.at.toISOString() })),
        },
      };
    },
  }),
];
