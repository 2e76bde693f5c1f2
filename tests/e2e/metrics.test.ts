import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { dashboardQueries, seriesNames } from '../support/dashboard';
import { uniqueName } from '../support/env';
import { harnessForFile, keys } from '../support/harness';
import { declareIncident, signAll, waitForAudit, waitForState } from '../support/incidents';
import { startWorkerChild, type WorkerChild } from '../support/worker-child';
import { waitFor } from '../support/wait';

// Every scrape reads the store afresh, so a value the test waits for shows as soon as it is written.
process.env.HERALD_METRICS_STORE_TTL_SECONDS = '0';

/**
 * GET /metrics after a demo SEV2 goes out through the public API, read as Prometheus reads it,
 * and linted by promtool; the worker process (workers/main.ts) serves the SDK's own metrics on
 * HERALD_WORKER_METRICS_ADDR.
 */
const h = harnessForFile({ data: 'demo', worker: false });
let worker: WorkerChild | undefined;
let workerMetricsAddr = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

beforeAll(async () => {
  workerMetricsAddr = `127.0.0.1:${await freePort()}`;
  worker = await startWorkerChild({ taskQueue: h.taskQueue, dbName: h.dbName, env: { HERALD_WORKER_METRICS_ADDR: workerMetricsAddr } });
});
afterAll(async () => {
  await worker?.stop();
});

/** One sample: its labels and value. */
interface Sample { name: string; labels: Record<string, string>; value: number }

function parse(text: string): Sample[] {
  return text.split('\n').filter((l) => l && !l.startsWith('#')).map((line) => {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    return { name: m[1], labels, value: Number(m[3]) };
  });
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);

async function scrape(): Promise<{ text: string; samples: Sample[] }> {
  const res = await h.request('GET', '/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return { text: res.text, samples: parse(res.text) };
}

/** promtool check metrics on one scrape: its verdict and what it printed. */
function promtool(text: string): { status: number | null; output: string } | undefined {
  const candidates = [process.env.PROMTOOL_PATH, '/usr/bin/promtool'].filter((p): p is string => !!p && fs.existsSync(p));
  if (!candidates.length) {
    if (process.env.CI === 'true') throw new Error('promtool is missing under CI: the setup (stack/tools.ts ensurePromtool) should have provided it');
    return undefined;
  }
  const r = spawnSync(candidates[0], ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

describe('GET /metrics', () => {
  it('[M6.1, M3.3] reports a published demo SEV2: messages by channel, open incidents by severity, HTTP requests by route template, and passes promtool', async () => {
    const word = uniqueName('Metrics').replace(/-/g, '');
    const id = await declareIncident(h, {
      title: `Card payments fail (${word})`, category: 'outage', severity: 'SEV2', components: ['payments'], summary: 'Card payments are declined.',
    });
    const waiting = await waitForState(h, id, (s) => s.status === 'awaiting-approval', `${id} awaiting approval`);
    await signAll(h, id, 1);
    await waitForState(h, id, (s) => s.status === 'published', `${id} published`);
    await waitForAudit(h, id, 'channels-delivered', { version: 1 });

    // What the API says each channel carried (GET …/channels): the metrics must say the same.
    const channels = await h.request('GET', `/v1/incidents/${id}/channels`, { key: keys.viewer });
    expect(channels.status).toBe(200);
    const carried = (channel: string) => channels.body.versions[0].channels.find((c: any) => c.channel === channel);
    expect(carried('email')?.count).toBeGreaterThan(0);
    expect(carried('webhook')?.count).toBeGreaterThan(0);

    // The read model follows the workflow a moment later (written after the loop's work): wait until it shows the publication.
    const { samples } = await waitFor(
      scrape,
      (s) => value(s.samples, 'herald_messages_total', { channel: 'email', outcome: 'sent' }) > 0 && value(s.samples, 'herald_time_to_first_message_seconds_count', { severity: 'SEV2' }) === 1,
      'the publication in the metrics',
    );
    expect(value(samples, 'herald_store_up')).toBe(1);
    expect(value(samples, 'herald_incidents_open', { severity: 'SEV2' })).toBe(1);
    expect(value(samples, 'herald_incidents_open', { severity: 'SEV1' })).toBe(0);
    expect(value(samples, 'herald_incidents_declared_total', { severity: 'SEV2' })).toBe(1);
    // Customer email one per recipient, webhooks one per endpoint reached, the status page one per version.
    expect(value(samples, 'herald_messages_total', { channel: 'email', outcome: 'sent' })).toBe(carried('email').count);
    expect(value(samples, 'herald_messages_total', { channel: 'webhook', outcome: 'sent' })).toBe(carried('webhook').count);
    expect(value(samples, 'herald_messages_total', { channel: 'status-page', outcome: 'sent' })).toBe(1);
    const staffMail = await h.mailpit.forIncident(id);
    expect(staffMail.length).toBeGreaterThanOrEqual(carried('email').count);
    expect(value(samples, 'herald_webhook_attempts_total', { outcome: 'delivered' })).toBe(value(samples, 'herald_messages_total', { channel: 'webhook', outcome: 'sent' }));
    expect(value(samples, 'herald_broadcast_recipients_planned_total')).toBe(carried('email').count);
    expect(value(samples, 'herald_time_to_first_message_seconds_count', { severity: 'SEV2' })).toBe(1);
    expect(waiting.requiredApprovers.length).toBeGreaterThan(0);
    for (const role of waiting.requiredApprovers) expect(value(samples, 'herald_approval_latency_seconds_count', { role })).toBe(1);

    // HTTP requests by route template: three reads and a 404 of this route, never a raw incident ID.
    const route = { method: 'GET', route: '/v1/incidents/:id' };
    const before = await scrape();
    for (let i = 0; i < 3; i++) expect((await h.request('GET', `/v1/incidents/${id}`, { key: keys.viewer })).status).toBe(200);
    expect((await h.request('GET', `/v1/incidents/INC-${word}`, { key: keys.viewer })).status).toBe(404);
    const after = await scrape();
    expect(value(after.samples, 'herald_http_requests_total', { ...route, status: '200' }) - value(before.samples, 'herald_http_requests_total', { ...route, status: '200' })).toBe(3);
    expect(value(after.samples, 'herald_http_requests_total', { ...route, status: '404' }) - value(before.samples, 'herald_http_requests_total', { ...route, status: '404' })).toBe(1);
    expect(value(after.samples, 'herald_http_request_duration_seconds_count', { ...route, status: '200' })).toBe(value(after.samples, 'herald_http_requests_total', { ...route, status: '200' }));
    expect(after.samples.filter((s) => s.labels.route?.includes(id))).toEqual([]);

    const lint = promtool(after.text);
    if (lint) expect(lint).toEqual({ status: 0, output: '' });

    // The worker process's SDK metrics, on the address it was given.
    const sdk = await waitFor(async () => (await fetch(`http://${workerMetricsAddr}/metrics`)).text(), (t) => t.includes('temporal_'), 'the worker SDK metrics');
    expect(sdk).toMatch(/temporal_workflow_completed_total|temporal_worker_task_slots_available|temporal_workflow_task_schedule_to_start_latency_seconds/);
    // The dashboard's worker panels read series the worker serves.
    const served = new Set(parse(sdk).map((s) => s.name));
    const wanted = [...new Set(dashboardQueries().flatMap(seriesNames))].filter((n) => n.startsWith('temporal_'));
    expect(wanted.length).toBeGreaterThan(0);
    expect(wanted.filter((n) => !served.has(n))).toEqual([]);
    const sdkLint = promtool(sdk);
    if (sdkLint) expect(sdkLint.status).toBe(0);
  });

  it('[M6.1] asks for the bearer token when HERALD_METRICS_TOKEN is set, and only then', async () => {
    const token = uniqueName('scrape-token');
    process.env.HERALD_METRICS_TOKEN = token;
    try {
      const none = await h.request('GET', '/metrics');
      expect(none.status).toBe(401);
      expect(none.body).toMatchObject({ error: 'unauthorized' });
      expect((await h.request('GET', '/metrics', { key: `${token}x` })).status).toBe(401);
      const scraped = await h.request('GET', '/metrics', { key: token });
      expect(scraped.status).toBe(200);
      expect(scraped.text).toContain('# TYPE herald_incidents_open gauge');
    } finally {
      delete process.env.HERALD_METRICS_TOKEN;
    }
    expect((await h.request('GET', '/metrics')).status).toBe(200);
  });
});
