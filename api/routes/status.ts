import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { noticeSender } from '../../config/alerts';
import { linkSecret } from '../../config/tracking';
import { unsubscribeSecret } from '../../config/unsubscribe';
import { impacts, statusSnapshot } from '../../domain/status-page';
import { anythingOpen, historyPageView, incidentPageView, monthPattern, noticePageView, renderBucket, statusPageView, type PageContext } from '../../domain/status-page/page';
import { fill, negotiatePageLocale, pageLocaleOf, pageStringsFor } from '../../domain/status-page/strings';
import { pageStrings } from '../../config/page-strings';
import { confirmationToken, readConfirmationToken } from '../../domain/status-page/subscription';
import { unsubscribeUrl } from '../../domain/tracking/unsubscribe';
import { confirmSubscription, customersWithAddress, requestSubscription } from '../../store/status-subscriptions';
import { render, type ViewName } from '../../views';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { cacheHeaders, memoOf, readStatus, viewOf, type StatusData } from '../status-cache';
import type { Role } from '../../config/api-keys';
import { defineRoute, type ResponseSpec, type Route, type RouteResult } from '../route';
import { countedReads } from '../status-traffic';

type Headers = Record<string, string | string[] | undefined>;
const header = (h: Headers, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
};

const html = { contentType: 'text/html' };
const htmlType = 'text/html; charset=utf-8';
const LangQuery = z.object({ lang: z.string().max(35).optional().describe('A locale Herald ships (en, de, fr, es, pt, nl, ja); else Accept-Language decides') });

function pageContext(query: { lang?: string }, headers: Headers, path: string, now: Date): PageContext {
  return { locale: negotiatePageLocale(pageStrings, query.lang, header(headers, 'accept-language')), strings: pageStrings, now, path, explicit: pageLocaleOf(pageStrings, query.lang) !== undefined };
}

/** A cached view of the status data with its validators; Express answers 304 to a matching conditional request. */
function cached(data: StatusData, key: string, contentType: string, make: () => string, vary?: string): RouteResult {
  const view = viewOf(data, key, contentType, make);
  return { body: view.body, contentType: view.contentType, headers: cacheHeaders(data, view, vary) };
}

function page(data: StatusData, name: ViewName, key: string, make: () => object): RouteResult {
  return cached(data, `${name}:${key}`, htmlType, () => render(name, make()), 'Accept-Language');
}

const notice = (ctx: PageContext, title: string, paragraphs: string[], form?: { action: string; button: string }, status = 200): RouteResult => ({
  status, ...html, body: render('notice', noticePageView(ctx, title, paragraphs, form)),
});

/** Reads of the public JSON, each serialised once per change of the data. */
export function statusJson(tags: string[]) {
  return (path: string, summary: string, answer: ResponseSpec, view: (data: StatusData, deps: ApiDeps) => unknown, roles?: Role[]): Route =>
    defineRoute({
      method: 'get', path, summary, tags, ...(roles ? { roles } : {}),
      responses: { 200: answer },
      async handler({ deps }) {
        const data = await readStatus(deps.store);
        const type = answer.contentType ? `${answer.contentType}; charset=utf-8` : 'application/json; charset=utf-8';
        return cached(data, path, type, () => {
          const body = view(data, deps);
          return typeof body === 'string' ? body : JSON.stringify(body);
        });
      },
    });
}

const Update = z.object({ version: z.number(), phase: z.string(), subject: z.string(), body: z.string(), publishedAt: z.string() });
const Incident = z.object({ id: z.string(), title: z.string(), impact: z.enum(impacts), category: z.string(), phase: z.string(), components: z.array(z.string()), startedAt: z.string(), updatedAt: z.string(), resolvedAt: z.string().optional(), updates: z.array(Update) });
const StatusSnapshotSchema = z.object({
  status: z.string(),
  description: z.string(),
  components: z.array(z.object({ id: z.string(), name: z.string(), status: z.string() })),
  activeIncidents: z.array(Incident),
  recentIncidents: z.array(Incident),
});

const json = statusJson(['status']);
const snapshotAnswer = { description: 'Components and incidents', schema: StatusSnapshotSchema };
const snapshotOf = (d: StatusData) => statusSnapshot(d.source.components, d.source.entries, d.source.markers);

const wantsHtml = (headers: Headers) => /\btext\/html\b/.test(header(headers, 'accept') ?? '');

const Email = z.string().trim().toLowerCase().pipe(z.email()).describe('The address');
const FormLang = z.string().max(35).optional().describe("The page's locale");

async function sendMail(deps: ApiDeps, to: string, subject: string, text: string) {
  await deps.mailer.sendMail({ from: noticeSender(), to, subject, text });
}

/** Every successful GET is counted for the status-traffic KPI (api/status-traffic.ts). */
export const statusRoutes = countedReads([
  defineRoute({
    method: 'get', path: '/status', summary: 'The public status page (HTML): overall status, components by service with 90-day uptime, active incidents, maintenance, subscribe', tags: ['status'],
    query: LangQuery, responses: { 200: { description: 'HTML page', ...html } },
    async handler({ query, headers, deps }) {
      const data = await readStatus(deps.store);
      const now = new Date();
      const ctx = pageContext(query, headers, '/status', now);
      return page(data, 'status', `${ctx.locale}:${ctx.explicit}:${renderBucket(memoOf(data, 'open', () => anythingOpen(data.source)), now)}`, () => statusPageView(data.source, ctx));
    },
  }),
  defineRoute({
    method: 'get', path: '/status/incidents/:id', summary: "One incident's page on the status page (HTML), the stable address tracked links lead to", tags: ['status'],
    params: z.object({ id: z.string().min(1).max(200) }), query: LangQuery,
    responses: { 200: { description: 'HTML page', ...html } }, errors: { 404: 'No published incident has this ID (an HTML page to a browser)' },
    async handler({ params, query, headers, deps }) {
      const data = await readStatus(deps.store);
      const ctx = pageContext(query, headers, `/status/incidents/${encodeURIComponent(params.id)}`, new Date());
      const view = incidentPageView(data.source, params.id, ctx);
      if (!view) {
        if (!wantsHtml(headers)) throw new HttpError(404, `no incident "${params.id}" on the status page`);
        const t = pageStringsFor(pageStrings, ctx.locale);
        return notice(ctx, t.notFoundTitle, [t.notFoundText], undefined, 404);
      }
      return page(data, 'incident', `${params.id}:${ctx.locale}:${ctx.explicit}`, () => view);
    },
  }),
  defineRoute({
    method: 'get', path: '/status/history', summary: 'The incident history: forwards to the month asked (`?month=YYYY-MM`) or the current one', tags: ['status'],
    query: LangQuery.extend({ month: z.string().regex(monthPattern, 'YYYY-MM').optional() }),
    responses: { 302: { description: 'To /status/history/YYYY-MM' } },
    async handler({ query }) {
      const month = query.month ?? new Date().toISOString().slice(0, 7);
      const location = `/status/history/${month}${query.lang ? `?lang=${encodeURIComponent(query.lang)}` : ''}`;
      return { status: 302, headers: { Location: location }, contentType: 'text/plain', body: `Found. Redirecting to ${location}` };
    },
  }),
  defineRoute({
    method: 'get', path: '/status/history/:month', summary: 'The incidents that started in one month (HTML)', tags: ['status'],
    params: z.object({ month: z.string().regex(monthPattern, 'YYYY-MM') }), query: LangQuery,
    responses: { 200: { description: 'HTML page', ...html } }, errors: { 404: 'Not a month' },
    async handler({ params, query, headers, deps }) {
      const data = await readStatus(deps.store);
      const now = new Date();
      const ctx = pageContext(query, headers, `/status/history/${params.month}`, now);
      return page(data, 'history', `${params.month}:${ctx.locale}:${ctx.explicit}:${now.toISOString().slice(0, 7)}`, () => historyPageView(data.source, params.month, ctx));
    },
  }),
  defineRoute({
    method: 'post', path: '/status/subscriptions', summary: 'Subscribe an address to incident email (the page form, or JSON): a pending subscription and a confirmation email; nothing is sent until its link confirms (double opt-in)', tags: ['status'],
    body: z.object({ email: Email, components: z.union([z.string().max(64), z.array(z.string().max(64)).max(500)]).optional().describe('Component IDs; none means all'), lang: FormLang }),
    responses: { 200: { description: 'A page: check your inbox', ...html } },
    async handler({ body, headers, deps }) {
      const chosen = [...new Set(body.components === undefined ? [] : [body.components].flat())];
      const known = new Set((await deps.store.models.Component.find({}, { componentId: 1 }).lean()).map((c) => c.componentId));
      const unknown = chosen.filter((c) => !known.has(c));
      if (unknown.length) throw new HttpError(400, `unknown components: ${unknown.join(', ')}`);
      const ctx = pageContext({ lang: body.lang }, headers, '/status', new Date());
      const t = pageStringsFor(pageStrings, ctx.locale);
      const subscriptionId = randomUUID();
      await requestSubscription(deps.store.models, { _id: subscriptionId, address: body.email, components: chosen, locale: t.lang, requestedAt: ctx.now });
      const link = `${deps.publicUrl}/status/subscriptions/confirm/${confirmationToken({ subscriptionId, address: body.email }, linkSecret())}`;
      await sendMail(deps, body.email, t.confirmEmailSubject, fill(t.confirmEmailText, { link }));
      return notice(ctx, t.subscribeSentTitle, [fill(t.subscribeSentText, { email: body.email })]);
    },
  }),
  ...(['get', 'post'] as const).map((method) =>
    defineRoute({
      method, path: '/status/subscriptions/confirm/:token', tags: ['status'],
      summary: method === 'get'
        ? 'The confirmation link of a subscription email: a page whose button confirms (the GET changes nothing, so mail scanners confirm nobody)'
        : 'Confirms a subscription: the address becomes a subscriber (a customer, email only) of the components chosen',
      params: z.object({ token: z.string().max(1000).regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'not a confirmation token') }),
      responses: { 200: { description: 'A page', ...html } }, errors: { 404: 'Not a confirmation link Herald made, or no such pending subscription' },
      async handler({ params, headers, deps }) {
        const claim = readConfirmationToken(params.token, linkSecret());
        if (!claim) throw new HttpError(404, 'this confirmation link was not made by Herald or was altered');
        const sub = await deps.store.models.StatusSubscription.findOne({ _id: claim.subscriptionId, address: claim.address }, { locale: 1 }).lean();
        if (!sub) throw new HttpError(404, 'no pending subscription for this link');
        const ctx = pageContext({ lang: sub.locale }, headers, '/status', new Date());
        const t = pageStringsFor(pageStrings, ctx.locale);
        if (method === 'get') {
          return notice(ctx, t.confirmTitle, [fill(t.confirmText, { email: claim.address })], { action: `/status/subscriptions/confirm/${params.token}`, button: t.confirmButton });
        }
        const done = await confirmSubscription(deps.store.models, claim, ctx.now);
        if (!done) throw new HttpError(404, 'no pending subscription for this link');
        const names = new Map((await deps.store.models.Component.find({}, { componentId: 1, name: 1 }).lean()).map((c) => [c.componentId, c.name]));
        const unsubscribe = unsubscribeUrl(deps.publicUrl, { address: claim.address, customerId: done.customerId, incidentId: 'status-page', version: 0 }, unsubscribeSecret());
        return notice(ctx, t.confirmedTitle, [
          fill(t.confirmedText, { email: claim.address, components: done.components.map((c) => names.get(c) ?? c).join(', ') }),
          `${t.unsubscribe}: ${unsubscribe}`,
        ]);
      },
    }),
  ),
  defineRoute({
    method: 'post', path: '/status/unsubscribe', summary: 'Asks for an unsubscribe link by email (the page form, or JSON): an address that gets incident email is sent the one-click unsubscribe link; the answer is the same for any address', tags: ['status'],
    body: z.object({ email: Email, lang: FormLang }),
    responses: { 200: { description: 'A page: check your inbox', ...html } },
    async handler({ body, headers, deps }) {
      const ctx = pageContext({ lang: body.lang }, headers, '/status', new Date());
      const t = pageStringsFor(pageStrings, ctx.locale);
      const [customerId] = await customersWithAddress(deps.store.models, body.email);
      if (customerId) {
        const link = unsubscribeUrl(deps.publicUrl, { address: body.email, customerId, incidentId: 'status-page', version: 0 }, unsubscribeSecret());
        await sendMail(deps, body.email, t.unsubscribeEmailSubject, fill(t.unsubscribeEmailText, { link }));
      }
      return notice(ctx, t.unsubscribeSentTitle, [fill(t.unsubscribeSentText, { email: body.email })]);
    },
  }),
  json('/status.json', 'The public status API (no key needed)', snapshotAnswer, snapshotOf),
  json('/v1/status', 'The status API: components, active and recent incidents with their published updates', snapshotAnswer, snapshotOf, ['viewer', 'responder', 'approver', 'manager']),
]);
