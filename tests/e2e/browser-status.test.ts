import { browserForFile, seriousViolations } from '../support/browser';
import { harnessForFile } from '../support/harness';

/** The public status page as a customer's browser shows it (headless Chromium), on the demo data. */

const h = harnessForFile({ data: 'demo' });
const browser = browserForFile();

describe('the status page in a real browser', () => {
  it('[M3.1] renders the demo components and passes axe (WCAG 2.1 AA) with no serious violation', async () => {
    const page = await browser.open();
    const res = await page.goto(`${h.baseUrl}/status`);
    expect(res?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(/all systems operational/i);
    await expect(page.getByText('EU region').count()).resolves.toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
