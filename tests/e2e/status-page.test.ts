import { parse } from 'node-html-parser';
import { demoComponents } from '../../store/demo-data';
import { uniqueName } from '../support/env';
import { harnessForFile, keys } from '../support/harness';
import { declareIncident, waitForState } from '../support/incidents';

/**
 * The public status page (M3.1, M3.3) over HTTP on the demo data: what a customer's browser gets,
 * parsed as HTML, and the subscription flow through the real confirmation email in Mailpit.
 */

const h = harnessForFile({ data: 'demo' });

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${h.baseUrl}${path}`, { headers, redirect: 'manual' });
const page = async (path: string, headers: Record<string, string> = {}) => {
  const res = await get(path, headers);
  return { res, html: parse(await res.text()) };
};
const postForm = (path: string, form: [string, string][]) =>
  fetch(`${h.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
const local = (url: string) => url.replace('http://status.herald.test', '');
const linkIn = (text: string, path: string) => {
  const m = text.match(new RegExp(`http://status\\.herald\\.test${path}[^\\s]+`));
  if (!m) throw new Error(`no ${path} link in: ${text}`);
  return local(m[0]);
};
const sev = /\bSEV[1-4]\b/;

let incidentId: string;
const title = 'Public API answers slowly';

describe('the public status page', () => {
  beforeAll(async () => {
    incidentId = await declareIncident(h, { id: uniqueName('SPG'), title, category: 'performance-degradation', severity: 'SEV3', components: ['api'], summary: 'Some API calls take several seconds.' });
    await waitForState(h, incidentId, (s) => s.status === 'published', 'the first update published');
  });

  it('[M3.1] shows the banner in words, components by service with 90 uptime bars each, and the active incident with its timeline in status words', async () => {
    const { res, html } = await page('/status');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    // Landmarks, skip link, language and viewport (WCAG 2.1 AA, responsive).
    expect(html.querySelector('html')!.getAttribute('lang')).toBe('en');
    for (const landmark of ['header', 'nav', 'main#main', 'footer']) expect(html.querySelector(landmark)).not.toBeNull();
    expect(html.querySelector('a.skip')!.getAttribute('href')).toBe('#main');
    expect(html.querySelector('meta[name="viewport"]')).not.toBeNull();
    expect(html.querySelector('style')!.text).toContain('prefers-color-scheme:dark');

    const banner = html.querySelector('#banner-text')!;
    expect([banner.getAttribute('data-status'), banner.text]).toEqual(['degraded_performance', 'Degraded performance']);

    const groups = html.querySelectorAll('[data-group]');
    expect(groups.map((g) => g.getAttribute('data-group'))).toEqual([...new Set(demoComponents.map((c) => c.service))].sort());
    const components = html.querySelectorAll('[data-component]');
    expect(components.map((c) => c.getAttribute('data-component')).sort()).toEqual(demoComponents.map((c) => c.componentId).sort());
    for (const c of components) {
      const bars = c.querySelectorAll('.bars li');
      expect(bars).toHaveLength(90);
      for (const bar of bars) expect(bar.getAttribute('title')).toMatch(/^.+: \d+(\.\d+)?% uptime, /);
      expect(c.querySelector('.bars')!.getAttribute('aria-label')).toMatch(/% uptime over 90 days$/);
    }
    const api = html.querySelector('[data-component="api"]')!;
    expect([api.getAttribute('data-status'), api.querySelector('.status-word')!.text]).toEqual(['degraded_performance', 'Degraded performance']);
    const today = api.querySelectorAll('.bars li')[89];
    expect(today.getAttribute('data-date')).toBe(new Date().toISOString().slice(0, 10));
    expect(today.getAttribute('title')).toContain(`incidents: ${title}`);

    const incident = html.querySelector(`#incidents [data-incident-id="${incidentId}"]`)!;
    expect(incident.querySelector('h3 a')!.getAttribute('href')).toBe(`/status/incidents/${incidentId}`);
    const updates = incident.querySelectorAll('.timeline li');
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates[0].querySelector('.phase')!.text).toBe('Investigating');
    expect(updates[0].querySelector('time')!.getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(updates[0].querySelector('time')!.hasAttribute('data-relative')).toBe(true);
    expect(sev.test(html.text)).toBe(false);
    expect(html.querySelector('[data-empty="maintenance"]')!.text).toBe('No maintenance scheduled.');
    // Subscribe: the form with a choice of components, the feeds and the webhook instructions.
    const form = html.querySelector('#subscribe-form')!;
    expect(form.querySelectorAll('input[name="components"]').map((i) => i.getAttribute('value')).sort()).toEqual(demoComponents.map((c) => c.componentId).sort());
    expect(html.querySelector('#atom-feed')!.getAttribute('href')).toBe('/history.atom');
    expect((await get('/history.rss')).status).toBe(200);
  });

  it('[M3.3] gives each incident a page at a stable address, a history page per month, and a 404 page for an unknown incident', async () => {
    const { res, html } = await page(`/status/incidents/${incidentId}`);
    expect(res.status).toBe(200);
    expect(html.querySelector('#incident-title')!.text).toBe(title);
    expect(html.querySelector('#incident [data-phase-text]')!.text).toBe('Investigating');
    expect(html.querySelector('#incident .timeline li p')!.text).toContain('Public API');
    expect(sev.test(html.text)).toBe(false);

    const month = new Date().toISOString().slice(0, 7);
    const forwarded = await get(`/status/history?month=${month}`);
    expect([forwarded.status, forwarded.headers.get('location')]).toEqual([302, `/status/history/${month}`]);
    const history = await page(`/status/history/${month}`);
    expect(history.res.status).toBe(200);
    expect(history.html.querySelector('#history-heading')!.getAttribute('data-month')).toBe(month);
    expect(history.html.querySelector(`[data-incident-id="${incidentId}"]`)).not.toBeNull();
    const empty = await page('/status/history/2001-01');
    expect(empty.html.querySelector('[data-empty="history"]')!.text).toBe('No incidents reported this month.');
    expect((await get('/status/history/2001-13')).status).toBe(400);

    const unknown = await page('/status/incidents/INC-nothing-here', { accept: 'text/html' });
    expect(unknown.res.status).toBe(404);
    expect(unknown.html.querySelector('#notice-heading')!.text).toBe('Not found');
    const api = await get('/status/incidents/INC-nothing-here');
    expect([api.status, ((await api.json()) as { error: string }).error]).toEqual([404, 'not_found']);
  });

  it('[M3.3] answers with a strong ETag, Last-Modified and Cache-Control, and 304 to conditional requests, on the page, status.json and /api/v2', async () => {
    for (const path of ['/status', '/status.json', '/api/v2/summary.json', '/api/v2/components.json']) {
      const first = await get(path);
      expect(first.status).toBe(200);
      const etag = first.headers.get('etag')!;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      expect(first.headers.get('cache-control')).toBe('public, max-age=30, stale-while-revalidate=60');
      const modified = first.headers.get('last-modified')!;
      expect(new Date(modified).getTime()).not.toBeNaN();
      expect((await get(path)).headers.get('etag')).toBe(etag);
      // fetch() adds "cache-control: no-cache" to a conditional request (an end-to-end reload) unless told otherwise.
      const byTag = await get(path, { 'if-none-match': etag, 'cache-control': 'max-age=0' });
      expect([path, byTag.status, await byTag.text()]).toEqual([path, 304, '']);
      expect((await get(path, { 'if-modified-since': modified, 'cache-control': 'max-age=0' })).status).toBe(304);
      expect((await get(path, { 'if-none-match': '"something-else"', 'cache-control': 'max-age=0' })).status).toBe(200);
    }
  });

  it('[M3.3] speaks the reader\'s language: Accept-Language, and the switcher\'s ?lang= before it', async () => {
    const de = await page('/status', { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' });
    expect(de.html.querySelector('html')!.getAttribute('lang')).toBe('de');
    expect(de.html.querySelector('#banner-text')!.text).toBe('Eingeschränkte Leistung');
    expect(de.html.querySelector(`[data-incident-id="${incidentId}"] [data-phase-text]`)!.text).toBe('Untersuchung');
    expect(de.res.headers.get('vary')).toContain('Accept-Language');

    const ja = await page('/status?lang=ja', { 'accept-language': 'de' });
    expect(ja.html.querySelector('html')!.getAttribute('lang')).toBe('ja');
    expect(ja.html.querySelector('#banner-text')!.text).toBe('パフォーマンス低下');
    const switcher = ja.html.querySelector('#language-switcher')!;
    expect(switcher.querySelector('option[selected]')!.getAttribute('value')).toBe('ja');
    expect(switcher.querySelectorAll('option').map((o) => o.getAttribute('value'))).toEqual(['en', 'de', 'fr', 'es', 'pt', 'nl', 'ja']);
    // Links between pages keep a chosen language.
    expect(ja.html.querySelector(`[data-incident-id="${incidentId}"] h3 a`)!.getAttribute('href')).toBe(`/status/incidents/${incidentId}?lang=ja`);
    expect(de.html.querySelector('html')!.getAttribute('lang')).not.toBe(ja.html.querySelector('html')!.getAttribute('lang'));
  });

  it('[M3.3] subscribes with double opt-in through the confirmation email, reaches the subscriber with the next incident on the chosen component, and unsubscribes from the page', async () => {
    const domain = `${uniqueName('subscriber')}.test`;
    const address = `reader@${domain}`;
    const sent = await postForm('/status/subscriptions', [['email', address], ['components', 'payments'], ['lang', 'en']]);
    expect(sent.status).toBe(200);
    expect(parse(await sent.text()).querySelector('#notice-heading')!.text).toBe('Check your inbox');
    // Pending: not a recipient until confirmed.
    const before = await h.request('GET', '/v1/audience?components=payments&severity=SEV3', { key: keys.viewer });
    expect(JSON.stringify(before.body)).not.toContain(address);

    const [confirmation] = await h.mailpit.waitFor(domain, (m) => m.length === 1);
    expect(confirmation.Subject).toBe('Confirm your status page subscription');
    const confirmPath = linkIn(await h.mailpit.text(confirmation.ID), '/status/subscriptions/confirm/');
    const shown = await page(confirmPath);
    expect(shown.res.status).toBe(200);
    expect(shown.html.querySelector('#notice-form')!.getAttribute('action')).toBe(confirmPath);
    const confirmed = await fetch(`${h.baseUrl}${confirmPath}`, { method: 'POST' });
    const done = parse(await confirmed.text());
    expect([confirmed.status, done.querySelector('#notice-heading')!.text]).toEqual([200, 'Subscription confirmed']);
    expect(done.text).toContain(`${address} will receive incident updates for: Payments.`);
    expect((await get(`${confirmPath.slice(0, -3)}xyz`)).status).toBe(404);

    const id = await declareIncident(h, { id: uniqueName('SUB'), title: 'Payments are declined', category: 'outage', severity: 'SEV3', components: ['payments'], summary: 'Some card payments are declined.' });
    const mail = await h.mailpit.waitForIncident(id, (m) => m.some((x) => x.To[0]?.Address === address));
    const update = mail.find((x) => x.To[0]?.Address === address)!;
    expect(await h.mailpit.text(update.ID)).toContain('/r/');

    // Unsubscribe from the page: a link by email, then the one-click unsubscribe it leads to.
    const asked = await postForm('/status/unsubscribe', [['email', address]]);
    expect(asked.status).toBe(200);
    const all = await h.mailpit.waitFor(domain, (m) => m.some((x) => x.Subject === 'Stop incident emails'));
    const stop = all.find((x) => x.Subject === 'Stop incident emails')!;
    const unsubscribePath = linkIn(await h.mailpit.text(stop.ID), '/v1/unsubscribe/');
    const unsubscribed = await fetch(`${h.baseUrl}${unsubscribePath}?via=page`, { method: 'POST' });
    expect(unsubscribed.status).toBe(200);
    const list = await h.request('GET', `/v1/suppressions?address=${encodeURIComponent(address)}`, { key: keys.manager });
    expect(list.body.suppressions).toEqual([expect.objectContaining({ address, source: 'confirmation-page', incidentId: 'status-page' })]);

    // An address nobody mails gets the same answer and no email (sent, if at all, before the answer).
    const stranger = `nobody@${domain}`;
    expect((await postForm('/status/unsubscribe', [['email', stranger]])).status).toBe(200);
    expect((await postForm('/status/subscriptions', [['email', 'not-an-address']])).status).toBe(400);
    expect((await postForm('/status/subscriptions', [['email', stranger], ['components', 'warp-drive']])).status).toBe(400);
    expect((await h.mailpit.toDomain(domain)).filter((m) => m.To[0]?.Address === stranger)).toEqual([]);
  });
});
