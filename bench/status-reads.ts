import { Client, Connection } from '@temporalio/client';
import autocannon from 'autocannon';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../api/app';
import { demoApiKeys } from '../config/api-keys';
import type { Severity } from '../domain/incident';
import type { StatusEntry } from '../domain/status-page';
import { connectStore } from '../store/connect';
import type { ComponentDoc } from '../store/models';
import { createMailer } from '../workers/worker';
import { round } from './measure';
import type { BenchEnv } from './run';

/**
 * `status-reads`: the public status surfaces under a thundering herd (M3.1, M3.3). A database of 50
 * components (five services) and 20 open incidents (three published updates each, 100 more
 * resolved over the last 90 days) behind Herald's real API in this process; autocannon, in a
 * worker thread, loads each route with 100 connections for BENCH_STATUS_SECONDS (default 20) s,
 * once plainly and once conditionally (If-None-Match: the ETag, answered 304). Baseline in the same
 * run: a bare Express handler answering the same bytes and headers from memory.
 */

const routes = ['/status', '/api/v2/summary.json', '/status.json'];
const connections = 100;

function components(): ComponentDoc[] {
  return Array.from({ length: 50 }, (_, i) => ({
    componentId: `component-${i}`, name: `Component ${i}`, service: `service-${i % 5}`, description: `Bench component ${i}`, dependsOn: [],
  }));
}

function entries(now: number): StatusEntry[] {
  const out: StatusEntry[] = [];
  const severities: Severity[] = ['SEV1', 'SEV2', 'SEV3'];
  const make = (id: string, i: number, at: number, phases: string[]) =>
    phases.forEach((phase, v) =>
      out.push({
        incidentId: id, version: v + 1, title: `Incident ${id}: slow responses`, phase, severity: severities[i % 3], category: 'outage',
        components: [`component-${i % 50}`, `component-${(i * 7) % 50}`], subject: `Update ${v + 1}`,
        body: `We are looking into slow responses on component ${i % 50}. Update ${v + 1} of the investigation; the next update follows within 30 minutes.`,
        publishedAt: new Date(at + v * 20 * 60_000),
      }),
    );
  for (let i = 0; i < 20; i++) make(`INC-open-${i}`, i, now - (i + 1) * 3_600_000, ['investigating', 'identified', 'monitoring']);
  for (let i = 0; i < 100; i++) make(`INC-past-${i}`, i, now - (i + 1) * 20 * 3_600_000, ['investigating', 'resolved']);
  return out;
}

async function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function load(url: string, headers: Record<string, string>, seconds: number) {
  const r = await autocannon({ url, connections, duration: seconds, headers, workers: 1 });
  const codes = Object.keys(r.statusCodeStats ?? {}).sort();
  return {
    requestsPerSecond: round(r.requests.average),
    latencyMs: { p50: r.latency.p50, p99: r.latency.p99 },
    errors: r.errors + r.timeouts,
    statusCodes: codes,
    requests: r.requests.total,
  };
}

export async function statusReadsBench(env: BenchEnv): Promise<Record<string, unknown>> {
  const seconds = Number(process.env.BENCH_STATUS_SECONDS ?? 20);
  const store = await connectStore(env.mongoUri, 'herald_bench_status_reads');
  const connection = await Connection.connect({ address: env.temporalAddress });
  const mailer = createMailer(env.smtpUrl);
  const herald = await listen(createApp({
    temporal: new Client({ connection }), store, mailer, taskQueue: 'bench-status-reads', apiKeys: demoApiKeys, publicUrl: 'https://status.bench.herald.example',
  }));
  const results: Record<string, unknown> = {};
  try {
    await store.conn.dropDatabase();
    await store.models.Component.insertMany(components());
    await store.models.StatusEntry.insertMany(entries(Date.now()));

    // The bytes and headers Herald answers, served by a bare handler from memory.
    const answers = new Map<string, { body: Buffer; headers: Record<string, string> }>();
    for (const path of routes) {
      const res = await fetch(`${herald.url}${path}`);
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'etag', 'last-modified', 'cache-control', 'vary']) {
        const v = res.headers.get(name);
        if (v) headers[name] = v;
      }
      answers.set(path, { body: Buffer.from(await res.arrayBuffer()), headers });
    }
    const bare = express();
    bare.disable('x-powered-by');
    for (const [path, a] of answers) bare.get(path, (_req, res) => { res.set(a.headers).send(a.body); });
    const baseline = await listen(bare);

    try {
      for (const path of routes) {
        const a = answers.get(path)!;
        for (const kind of ['plain', 'conditional'] as const) {
          // The page's ETag moves with the clock while incidents are open (its bars), so ask for the current one.
          const current = kind === 'conditional' ? (await fetch(`${herald.url}${path}`)).headers.get('etag') : undefined;
          console.log(`  ${path} ${kind}: herald…`);
          const h = await load(`${herald.url}${path}`, current ? { 'if-none-match': current } : {}, seconds);
          console.log(`  ${path} ${kind}: baseline…`);
          const b = await load(`${baseline.url}${path}`, kind === 'conditional' ? { 'if-none-match': a.headers.etag } : {}, seconds);
          results[`${path} ${kind}`] = { bytes: kind === 'plain' ? a.body.length : 0, herald: h, baseline: b, ratio: round(h.requestsPerSecond / b.requestsPerSecond, 2) };
        }
      }
    } finally {
      await new Promise((r) => baseline.server.close(r));
    }
  } finally {
    await new Promise((r) => herald.server.close(r));
    mailer.close();
    await connection.close();
    await store.conn.dropDatabase().catch(() => undefined);
    await store.close();
  }
  const ratios = Object.values(results).map((r) => (r as { ratio: number }).ratio);
  const errors = Object.values(results).reduce<number>((n, r) => n + (r as { herald: { errors: number } }).herald.errors, 0);
  return {
    seconds, connections, components: 50, openIncidents: 20, routes: results,
    minRatio: Math.min(...ratios), goal: { minRatio: 0.7, errors: 0 }, heraldErrors: errors,
  };
}
