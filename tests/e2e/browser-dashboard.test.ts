import type { Page } from 'playwright-core';
import { browserForFile, seriousViolations } from '../support/browser';
import { keys, harnessForFile } from '../support/harness';
import { declareIncident, signAll, waitForState } from '../support/incidents';

/**
 * The executive dashboard in headless Chromium on the demo data (M4.3): signed in by the link
 * with the executive key, it follows an incident from declaration to publication over
 * Server-Sent Events without a reload, never sends anything but a GET, and passes axe.
 */

const h = harnessForFile({ data: 'demo' });
const browser = browserForFile();

/** Opens the dashboard as an executive's link does, and answers every request the page makes from then on. */
async function openDashboard(page: Page): Promise<{ method: string; url: string }[]> {
  const requests: { method: string; url: string }[] = [];
  page.on('request', (r) => requests.push({ method: r.method(), url: r.url() }));
  const res = await page.goto(`${h.baseUrl}/dashboard?key=${keys.executive}`);
  expect(res?.status()).toBe(200);
  expect(page.url()).toBe(`${h.baseUrl}/dashboard`); // the key left the address for an HttpOnly cookie
  await page.getByRole('status').filter({ hasText: 'Live updates on.' }).waitFor();
  return requests;
}

const field = (page: Page, id: string, name: string) => page.locator(`[data-incident-id="${id}"] [data-field="${name}"]`);

describe('the executive dashboard in a real browser', () => {
  it('[M4.3] updates live over Server-Sent Events as an incident is declared and published, with GET requests only', async () => {
    const page = await browser.open();
    const requests = await openDashboard(page);
    await expect(page.locator('[data-empty="true"]').textContent()).resolves.toBe('No open incidents.');
    let loads = 0;
    page.on('load', () => (loads += 1));

    const id = await declareIncident(h, { title: 'Checkout times out', category: 'outage', severity: 'SEV2', components: ['payments'], summary: 'Some checkouts time out.' });
    const incident = page.locator(`article[data-incident-id="${id}"]`);
    await incident.waitFor({ timeout: 60_000 });
    await expect(incident.getByRole('heading', { level: 2 }).textContent()).resolves.toContain('Checkout times out');
    await expect(field(page, id, 'severity').textContent()).resolves.toContain('SEV2');
    await expect(field(page, id, 'last-update').textContent()).resolves.toBe('None yet');

    await signAll(h, id, 1);
    await waitForState(h, id, (s) => s.status === 'published', 'the incident published');
    // The last external update appears on the open page: the stream brought it, not a reload.
    await field(page, id, 'last-update').locator('time').waitFor({ timeout: 60_000 });
    await expect(field(page, id, 'approvals').textContent()).resolves.toBe('None');
    expect(loads).toBe(0);

    const paths = requests.map((r) => new URL(r.url).pathname);
    expect(paths).toEqual(expect.arrayContaining(['/dashboard', '/v1/dashboard/events']));
    expect(requests.filter((r) => r.method !== 'GET' || !r.url.startsWith(h.baseUrl))).toEqual([]);
  });

  it('[M4.3] axe finds no serious WCAG 2.1 AA violation on the dashboard with an open incident, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await browser.open({ colorScheme });
      await openDashboard(page);
      await expect(page.locator('article[data-incident-id]').count()).resolves.toBeGreaterThan(0);
      expect([colorScheme, await seriousViolations(page)]).toEqual([colorScheme, []]);
    }
  });

  it('[M6.4] the review timeline opens from the dashboard with the same sign-in, shows its three lanes, and passes axe light and dark', async () => {
    const id = await declareIncident(h, { title: 'Search answers slowly', category: 'outage', severity: 'SEV3', components: ['api'], summary: 'Search is slow.' });
    await waitForState(h, id, (s) => s.status === 'published', 'the SEV3 published');
    for (const colorScheme of ['light', 'dark'] as const) {
      // The page runs no script (its CSP allows none): axe is let in past it.
      const page = await browser.open({ colorScheme, bypassCSP: true });
      await openDashboard(page);
      await field(page, id, 'review-timeline').click();
      await page.waitForURL(`${h.baseUrl}/v1/incidents/${id}/timeline?format=html`);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Search answers slowly');
      await expect(page.locator('tr[data-lane="incident"]').count()).resolves.toBeGreaterThanOrEqual(2);
      await expect(page.locator('tr[data-lane="customers"]').first().textContent()).resolves.toContain('v1');
      await expect(page.locator('tr[data-milestone="detected"]').textContent()).resolves.toMatch(/\d+(\.\d+)? (s|min)/);
      expect([colorScheme, await seriousViolations(page)]).toEqual([colorScheme, []]);
    }
  });
});
