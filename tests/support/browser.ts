import type { AxeResults, ImpactValue, RunOptions } from 'axe-core';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

/**
 * Debian's Chromium (CHROMIUM_PATH, set by the stack) headless. Without the background-networking
 * flags it dials Google's hosts at every start, which this machine's closed network refuses.
 * Playwright gives every launch a fresh, empty --user-data-dir of its own and downloads nothing.
 */
export function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH;
  if (!executablePath) throw new Error('CHROMIUM_PATH is not set: run with "npm test" (the stack installs chromium and sets it)');
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * The browser of one test file: launched before its tests, closed after them. `open()` gives a
 * page in a context of its own (cookies, language, colour scheme), closed after each test.
 */
export function browserForFile() {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    async open(options: BrowserContextOptions = {}): Promise<Page> {
      if (!browser) throw new Error('the browser is opened before its beforeAll ran');
      const context = await browser.newContext({ locale: 'en-US', ...options });
      contexts.push(context);
      return context.newPage();
    },
  };
}

const wcag21aa: RunOptions = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } };
const serious: ImpactValue[] = ['serious', 'critical'];

/**
 * axe-core's WCAG 2.1 A/AA rules run in the page as it is now; answers the serious and critical
 * violations, one line each (rule, impact, what it asks, the elements), so a failure reads plainly.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const results = await page.evaluate((options) => (globalThis as unknown as { axe: { run(o: RunOptions): Promise<AxeResults> } }).axe.run(options), wcag21aa);
  return results.violations
    .filter((v) => v.impact && serious.includes(v.impact))
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
