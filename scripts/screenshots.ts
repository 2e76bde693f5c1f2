import path from 'node:path';
import { browserForFile } from '../tests/support/browser';
import { keys, harnessForFile } from '../tests/support/harness';
import { declareIncident, signAll, waitForState } from '../tests/support/incidents';

/**
 * `npm run screenshots`: the status page, an incident page and the executive dashboard on the
 * demo data with one published incident, light and dark, saved as docs/*.png for the README.
 * Run by jest (outside the suite's testMatch) for the suite's harness, browser and incident helpers.
 */

const h = harnessForFile({ data: 'demo' });
const browser = browserForFile();
const docs = path.resolve(__dirname, '..', 'docs');

const pages = (id: string) => [
  { name: 'status-page', path: '/status' },
  { name: 'status-incident', path: `/status/incidents/${id}` },
  // Taken once its event stream is connected, as a reader sees it.
  { name: 'dashboard', path: `/dashboard?key=${keys.executive}`, live: true },
];

it('saves the screenshots under docs/', async () => {
  const id = await declareIncident(h, {
    title: 'Card payments fail in Europe',
    category: 'outage',
    severity: 'SEV2',
    components: ['payments'],
    summary: 'Some card payments fail for customers in Europe. Retrying usually works.',
  });
  await signAll(h, id, 1);
  await waitForState(h, id, (s) => s.status === 'published', 'the incident published');
  for (const colorScheme of ['light', 'dark'] as const) {
    for (const { name, path: at, live } of pages(id)) {
      const page = await browser.open({ colorScheme, viewport: { width: 1200, height: 800 } });
      const res = await page.goto(`${h.baseUrl}${at}`);
      expect([at, res?.status()]).toEqual([at, 200]);
      if (live) await page.getByRole('status').filter({ hasText: 'Live updates on.' }).waitFor();
      await page.screenshot({ path: path.join(docs, `${name}${colorScheme === 'dark' ? '-dark' : ''}.png`), fullPage: true });
    }
  }
});
