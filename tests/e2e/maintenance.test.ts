import { parse } from 'node-html-parser';
import { harnessForFile, keys } from '../support/harness';

/**
 * Scheduled maintenance (M3.1) on the demo data: a manager schedules a window through the API; the
 * public status page announces it with its window and components, and during the window shows the
 * components and the banner under maintenance without costing uptime; the Statuspage v2 JSON
 * lists it as aggregators read it.
 */

const h = harnessForFile({ data: 'demo' });

const minute = 60 * 1000;
const day = 24 * 60 * minute;
const at = (fromNow: number) => new Date(Date.now() + fromNow).toISOString();
const schedule = (body: Record<string, unknown>, key = keys.manager) => h.request('POST', '/v1/maintenances', { key, body });
const statusPage = async () => parse((await h.request('GET', '/status')).text);

let upcoming: { id: string; startsAt: string; endsAt: string };
let active: { id: string };

describe('scheduled maintenance', () => {
  beforeAll(async () => {
    const soon = await schedule({ title: 'Database upgrade', components: ['database', 'auth'], startsAt: at(2 * day), endsAt: at(2 * day + 2 * 60 * minute), description: 'Sign-in may pause for a minute.' });
    expect(soon.status).toBe(201);
    upcoming = soon.body;
    const now = await schedule({ title: 'EU network work', components: ['eu-region'], startsAt: at(-minute), endsAt: at(60 * minute) });
    expect(now.status).toBe(201);
    active = now.body;
    expect((await schedule({ title: 'Far away', components: ['api'], startsAt: at(30 * day), endsAt: at(30 * day + minute) })).status).toBe(201);
  });

  it('[M3.1] a window scheduled through the API shows on /status as upcoming with its window and components; one past 14 days does not', async () => {
    const html = await statusPage();
    const item = html.querySelector(`#maintenance [data-maintenance="${upcoming.id}"]`)!;
    expect(item.getAttribute('data-maintenance-status')).toBe('scheduled');
    expect(item.querySelector('h3')!.text).toBe('Database upgrade');
    expect(item.querySelector('time[data-field="starts"]')!.getAttribute('datetime')).toBe(upcoming.startsAt);
    expect(item.querySelector('time[data-field="ends"]')!.getAttribute('datetime')).toBe(upcoming.endsAt);
    expect(item.querySelector('[data-field="components"]')!.text).toBe('Primary database, Sign-in and SSO');
    expect(item.text).toContain('Sign-in may pause for a minute.');
    expect(html.querySelectorAll('#maintenance [data-maintenance]').map((m) => m.querySelector('h3')!.text)).toEqual(['EU network work', 'Database upgrade']);
    expect(html.querySelector('[data-empty="maintenance"]')).toBeNull();
    // Announced, not yet begun: its components work as usual.
    expect(html.querySelector('[data-component="database"]')!.getAttribute('data-status')).toBe('operational');
  });

  it('[M3.1] during its window the components show under maintenance, the banner says so, and uptime loses nothing', async () => {
    const html = await statusPage();
    const item = html.querySelector(`[data-maintenance="${active.id}"]`)!;
    expect([item.getAttribute('data-maintenance-status'), item.querySelector('.status-word')!.text]).toEqual(['in_progress', 'Under maintenance']);
    const eu = html.querySelector('[data-component="eu-region"]')!;
    expect([eu.getAttribute('data-status'), eu.querySelector('.status-word')!.text]).toEqual(['under_maintenance', 'Under maintenance']);
    expect(eu.querySelectorAll('.bars li').at(-1)!.getAttribute('data-uptime')).toBe('100');
    const banner = html.querySelector('#banner-text')!;
    expect([banner.getAttribute('data-status'), banner.text]).toEqual(['under_maintenance', 'Under maintenance']);
    const json = (await h.request('GET', '/status.json')).body;
    expect(json.status).toBe('under_maintenance');
    expect(json.components.find((c: { id: string }) => c.id === 'eu-region').status).toBe('under_maintenance');
  });

  it('[M3.1] the Statuspage v2 JSON lists upcoming and active maintenance', async () => {
    const soon = (await h.request('GET', '/api/v2/scheduled-maintenances/upcoming.json')).body.scheduled_maintenances;
    expect(soon.map((m: { name: string }) => m.name)).toEqual(['Database upgrade', 'Far away']);
    expect(soon[0]).toMatchObject({
      id: upcoming.id, status: 'scheduled', impact: 'maintenance', scheduled_for: upcoming.startsAt, scheduled_until: upcoming.endsAt,
      components: [{ id: 'database', name: 'Primary database' }, { id: 'auth', name: 'Sign-in and SSO' }],
    });
    const now = (await h.request('GET', '/api/v2/scheduled-maintenances/active.json')).body.scheduled_maintenances;
    expect(now).toEqual([expect.objectContaining({ id: active.id, status: 'in_progress', components: [{ id: 'eu-region', name: 'EU region' }] })]);
    const all = (await h.request('GET', '/api/v2/scheduled-maintenances.json')).body.scheduled_maintenances;
    expect(all.map((m: { id: string }) => m.id).slice(0, 2)).toEqual([active.id, upcoming.id]);
    const summary = (await h.request('GET', '/api/v2/summary.json')).body;
    expect(summary.status.indicator).toBe('maintenance');
    expect(summary.scheduled_maintenances).toHaveLength(3);
    expect(summary.components.find((c: { id: string }) => c.id === 'eu-region').status).toBe('under_maintenance');
  });

  it('refuses unknown components (400), a window that does not end after it starts (400) and a viewer (403); readers list', async () => {
    const unknown = await schedule({ title: 'X', components: ['api', 'warp-drive'], startsAt: at(day), endsAt: at(2 * day) });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues).toEqual([expect.objectContaining({ path: 'components.1', message: 'unknown component "warp-drive"' })]);
    const startsAt = at(day);
    for (const endsAt of [startsAt, new Date(Date.parse(startsAt) - minute).toISOString()]) {
      const res = await schedule({ title: 'X', components: ['api'], startsAt, endsAt });
      expect(res.status).toBe(400);
      expect(res.body.issues).toEqual([expect.objectContaining({ path: 'endsAt', message: 'must be after startsAt' })]);
    }
    expect((await schedule({ title: 'X', components: ['api'], startsAt: at(day), endsAt: at(2 * day) }, keys.viewer)).status).toBe(403);
    const listed = await h.request('GET', '/v1/maintenances', { key: keys.viewer });
    expect(listed.status).toBe(200);
    expect(listed.body.maintenances.map((m: { title: string; status: string }) => [m.title, m.status])).toEqual([
      ['EU network work', 'in_progress'], ['Database upgrade', 'scheduled'], ['Far away', 'scheduled'],
    ]);
  });

  it('a cancelled window leaves the page at once and the components return to operational', async () => {
    expect((await h.request('POST', `/v1/maintenances/${active.id}/cancel`, { key: keys.viewer })).status).toBe(403);
    const cancelled = await h.request('POST', `/v1/maintenances/${active.id}/cancel`, { key: keys.manager });
    expect([cancelled.status, cancelled.body.status, cancelled.body.cancelledBy]).toEqual([200, 'cancelled', 'Morgan Manager']);
    expect((await h.request('POST', `/v1/maintenances/${active.id}/cancel`, { key: keys.manager })).status).toBe(409);
    expect((await h.request('POST', '/v1/maintenances/nope/cancel', { key: keys.manager })).status).toBe(404);
    const html = await statusPage();
    expect(html.querySelector(`[data-maintenance="${active.id}"]`)).toBeNull();
    expect(html.querySelector('[data-component="eu-region"]')!.getAttribute('data-status')).toBe('operational');
    expect((await h.request('GET', '/api/v2/scheduled-maintenances/active.json')).body.scheduled_maintenances).toEqual([]);
  });
});
