import type { Page } from 'playwright-core';
import { browserForFile, seriousViolations } from '../support/browser';
import { harnessForFile } from '../support/harness';
import { declareIncident, signAll, waitForState } from '../support/incidents';

/**
 * The public status page as a customer's browser shows it (headless Chromium), on the demo data
 * with one published incident: its timeline and the uptime bars, the subscription's double opt-in
 * through the confirmation email in Mailpit, the language switch, and axe's WCAG 2.1 AA rules.
 */

const h = harnessForFile({ data: 'demo' });
const browser = browserForFile();

const title = 'Card payments fail in Europe';
const summary = 'Some card payments fail for customers in Europe.';
let id = '';

beforeAll(async () => {
  id = await declareIncident(h, { title, category: 'outage', severity: 'SEV2', components: ['payments'], summary });
  await signAll(h, id, 1);
  await waitForState(h, id, (s) => s.status === 'published', 'the incident published');
});

async function open(page: Page, path: string): Promise<void> {
  const res = await page.goto(`${h.baseUrl}${path}`);
  expect([path, res?.status()]).toEqual([path, 200]);
}

/** An element's attribute, read in the page. */
const attribute = (page: Page, selector: string, name: string) => page.locator(selector).first().getAttribute(name);

describe('the status page in a real browser', () => {
  it('[M3.1, M3.3] shows the active incident with its timeline, and 90 uptime bars per component with a tooltip per day', async () => {
    const page = await browser.open({ timezoneId: 'Asia/Tokyo' });
    await open(page, '/status');
    await expect(page.locator('#banner-text').textContent()).resolves.not.toMatch(/all systems operational/i);

    const incident = page.locator(`#incidents article[data-incident-id="${id}"]`);
    await expect(incident.getByRole('heading', { name: title }).isVisible()).resolves.toBe(true);
    await expect(incident.locator('.meta').textContent()).resolves.toContain('Payments');
    const update = incident.locator('.timeline li');
    await expect(update.count()).resolves.toBe(1);
    await expect(update.locator('.phase').textContent()).resolves.toBe('Investigating');
    await expect(update.locator('p').textContent()).resolves.toContain(summary);
    // The update's time: an ISO datetime for machines; for people, the reader's local time and how long ago.
    const at = new Date((await update.locator('time').getAttribute('datetime'))!);
    expect(at.getTime()).toBeGreaterThan(Date.now() - 10 * 60_000);
    const local = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Tokyo' }).format(at);
    const shown = (await update.locator('time').textContent())!.replace(/\s/g, ' ');
    expect(shown).toMatch(/ \((now|\d+ (seconds?|minutes?) ago)\)$/);
    expect(shown.startsWith(local.replace(/\s/g, ' '))).toBe(true);
    await expect(page.locator('#incidents').textContent()).resolves.not.toMatch(/SEV[1-4]/);

    const payments = page.locator('#component-payments');
    await expect(payments.getAttribute('data-status')).resolves.not.toBe('operational');
    for (const component of ['payments', 'eu-region', 'email-delivery']) {
      await expect(page.locator(`#component-${component} .bars li`).count()).resolves.toBe(90);
    }
    const today = payments.locator('.bars li').last();
    await expect(today.getAttribute('title')).resolves.toContain(title);
    await expect(today.getAttribute('class')).resolves.not.toBe('s-operational');
    await expect(attribute(page, '#component-payments .bars li', 'title')).resolves.not.toContain(title);

    // The incident's own page, reached from its title, shows the same timeline.
    await incident.getByRole('link', { name: title }).click();
    await page.waitForURL(`**/status/incidents/${id}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(title);
    await expect(page.locator('#incident .timeline li p').textContent()).resolves.toContain(summary);
  });

  it('[M3.3] subscribes through the form and the confirmation link in the email, double opt-in', async () => {
    const page = await browser.open();
    const address = `reader@${h.domain}`;
    await open(page, '/status');
    await page.getByLabel('Email address').first().fill(address);
    await page.locator('#subscribe-form').getByLabel('Payments').check();
    await page.locator('#subscribe-form').getByRole('button', { name: 'Subscribe' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Check your inbox');
    await expect(page.locator('main').textContent()).resolves.toContain(address);

    const [mail] = await h.mailpit.waitFor(h.domain, (m) => m.length === 1);
    expect(mail.Subject).toBe('Confirm your status page subscription');
    const link = /https?:\/\/\S+\/status\/subscriptions\/confirm\/\S+/.exec(await h.mailpit.text(mail.ID))![0];
    // The link names the public URL (status.herald.test); the browser opens it on this harness.
    const url = new URL(link);
    await open(page, `${url.pathname}${url.search}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Confirm your subscription');
    await page.getByRole('button', { name: 'Confirm subscription' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Subscription confirmed');
    await expect(page.locator('main').textContent()).resolves.toMatch(new RegExp(`${address}.*Payments`));
  });

  it('[M3.3] speaks the reader’s language from Accept-Language, and the switcher changes it', async () => {
    const page = await browser.open({ locale: 'de-DE' });
    await open(page, '/status');
    await expect(attribute(page, 'html', 'lang')).resolves.toBe('de');
    await expect(page.title()).resolves.toContain('Systemstatus');
    await expect(page.locator('#incidents-heading').textContent()).resolves.not.toBe('Active incidents');

    await page.locator('#language-switcher select').selectOption('fr');
    await page.locator('#language-switcher button').click();
    await page.waitForURL('**/status?lang=fr');
    await expect(attribute(page, 'html', 'lang')).resolves.toBe('fr');
    await expect(page.title()).resolves.toContain('État des services');
    // The chosen language follows the reader's links.
    await page.locator(`article[data-incident-id="${id}"] h3 a`).click();
    await page.waitForURL(`**/status/incidents/${id}?lang=fr`);
    await expect(attribute(page, 'html', 'lang')).resolves.toBe('fr');
  });

  it('[M3.1] axe finds no serious WCAG 2.1 AA violation on the status page and the incident page, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await browser.open({ colorScheme });
      for (const path of ['/status', `/status/incidents/${id}`]) {
        await open(page, path);
        expect([colorScheme, path, await seriousViolations(page)]).toEqual([colorScheme, path, []]);
      }
    }
  });
});
