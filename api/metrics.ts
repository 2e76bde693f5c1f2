import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { metricsConfig, type MetricsConfig } from '../config/metrics';
import { approvalSeconds, firstMessageSeconds, gateCounts, messageCounts, openBySeverity, routeLabel } from '../domain/metrics';
import type { Store } from '../store/connect';
import { readMetricsSnapshot, type MetricsSnapshot } from '../store/metrics';

/** The metrics of one API process: its own HTTP traffic, and the store's figures read at scrape time. */
export interface ApiMetrics {
  registry: Registry;
  /** Express middleware: counts and times every request by its route's template. */
  countRequests(req: Request, res: Response, next: NextFunction): void;
  /** The exposition text (Prometheus text format 0.0.4). */
  scrape(): Promise<string>;
  contentType: string;
}

const minute = 60;
/** From seconds to four hours: the first-message deadlines are 15, 30, 60 and 240 minutes. */
const firstMessageBuckets = [1, 5, 15, 30, minute, 5 * minute, 10 * minute, 15 * minute, 30 * minute, 60 * minute, 120 * minute, 240 * minute];
const approvalBuckets = [1, 5, 15, 30, minute, 5 * minute, 10 * minute, 15 * minute, 30 * minute, 60 * minute, 120 * minute];
const httpBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The registry of one API (each createApp has its own, so several apps in one process, as in the
 * tests, do not share series). Counters that describe deliveries are set from the store at each
 * scrape (reset, then the store's total), so every API process reports the same totals whichever
 * worker made the deliveries; a store that cannot be read leaves them out and sets herald_store_up 0.
 */
export function createApiMetrics(store: Store, config: MetricsConfig = metricsConfig()): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Gauges named like counters, which promtool refuses; nodejs_active_handles and the others carry the same by type.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);

  const requests = new Counter({
    name: 'herald_http_requests_total',
    help: 'HTTP requests this API process answered, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'herald_http_request_duration_seconds',
    help: 'Time this API process took to answer HTTP requests, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: httpBuckets,
    registers: [registry],
  });

  let cached: { at: number; read: Promise<MetricsSnapshot | undefined> } | undefined;
  /** One read serves concurrent scrapes, and every scrape within the TTL. */
  const snapshot = () => {
    const now = Date.now();
    if (!cached || now - cached.at >= config.HERALD_METRICS_STORE_TTL_SECONDS * 1000) {
      const windowStart = new Date(now - config.HERALD_METRICS_WINDOW_DAYS * 86_400_000).toISOString();
      cached = { at: now, read: readMetricsSnapshot(store.models, windowStart).catch(() => undefined) };
      if (config.HERALD_METRICS_STORE_TTL_SECONDS === 0) void cached.read.finally(() => (cached = undefined));
    }
    return cached.read;
  };

  /** A series set from the store at scrape time: reset, then filled from the snapshot when the store could be read. */
  function fromStore<T extends { reset(): void }>(fill: (m: T, s: MetricsSnapshot) => void) {
    return async function collect(this: T) {
      const s = await snapshot();
      this.reset();
      if (s) fill(this, s);
    };
  }
  const labelled = <const L extends string>(name: string, help: string, labelNames: readonly L[]) => ({ name, help, labelNames, registers: [registry] });

  new Gauge({
    name: 'herald_store_up',
    help: 'Whether this scrape could read the store (1) or not (0); without it the store-backed herald_* series are absent.',
    registers: [registry],
    async collect() {
      this.set((await snapshot()) ? 1 : 0);
    },
  });

  new Gauge({
    ...labelled('herald_incidents_open', 'Incidents not yet resolved, by current severity, from the incident read model (drills left out).', ['severity']),
    collect: fromStore<Gauge<'severity'>>((m, s) => {
      for (const [severity, n] of Object.entries(openBySeverity(s.open))) m.set({ severity }, n);
    }),
  });
  new Counter({
    ...labelled('herald_incidents_declared_total', 'Incidents declared, by current severity, from the incident read model (drills left out).', ['severity']),
    collect: fromStore<Counter<'severity'>>((m, s) => {
      for (const [severity, n] of Object.entries(s.declared)) m.inc({ severity }, n);
    }),
  });

  new Counter({
    ...labelled(
      'herald_messages_total',
      'Messages Herald delivered, by channel and outcome: email and digests per recipient (sent, failed, in-doubt-resent); webhooks, Slack, staff email and notices per settled delivery; status page, status API and in-app per version and customer.',
      ['channel', 'outcome'],
    ),
    collect: fromStore<Counter<'channel' | 'outcome'>>((m, s) => {
      for (const c of messageCounts(s.receipts, s.claims, s.channelLog)) m.inc({ channel: c.channel, outcome: c.outcome }, c.value);
    }),
  });
  new Counter({
    name: 'herald_broadcast_recipients_planned_total',
    help: 'Recipients the email broadcasts were planned for; against rate(herald_messages_total{channel="email"}) it shows the fan-out rate and how far it has to go.',
    registers: [registry],
    collect: fromStore<Counter<string>>((m, s) => m.inc(s.broadcastRecipients)),
  });

  new Counter({
    ...labelled('herald_gate_blocks_total', 'Dispatches the external gate stopped (a secret it may not redact, or too much to redact), by channel.', ['channel']),
    collect: fromStore<Counter<'channel'>>((m, s) => {
      for (const [channel, n] of Object.entries(gateCounts(s.nearMisses).blocks)) m.inc({ channel }, n);
    }),
  });
  new Counter({
    ...labelled('herald_gate_redactions_total', 'Sensitive findings the external gate redacted from dispatches that went out, by channel and kind of finding.', ['channel', 'kind']),
    collect: fromStore<Counter<'channel' | 'kind'>>((m, s) => {
      for (const r of gateCounts(s.nearMisses).redactions) m.inc({ channel: r.channel, kind: r.kind }, r.value);
    }),
  });
  new Counter({
    ...labelled('herald_near_misses_total', 'Near misses recorded for the post-incident review, by kind.', ['kind']),
    collect: fromStore<Counter<'kind'>>((m, s) => {
      for (const [kind, n] of Object.entries(gateCounts(s.nearMisses).nearMisses)) m.inc({ kind }, n);
    }),
  });

  new Counter({
    ...labelled('herald_webhook_attempts_total', 'Customer webhook attempts (first tries and retries), by outcome: delivered (a 2xx answer) or failed.', ['outcome']),
    collect: fromStore<Counter<'outcome'>>((m, s) => {
      m.inc({ outcome: 'delivered' }, s.webhookAttempts.ok);
      m.inc({ outcome: 'failed' }, s.webhookAttempts.failed);
    }),
  });
  new Gauge({
    name: 'herald_webhook_endpoints_disabled',
    help: 'Customer webhook endpoints disabled after failing in a row, until an admin enables them again.',
    registers: [registry],
    collect: fromStore<Gauge<string>>((m, s) => m.set(s.webhookEndpointsDisabled)),
  });

  const window = `incidents detected in the last ${config.HERALD_METRICS_WINDOW_DAYS} days (HERALD_METRICS_WINDOW_DAYS); read the buckets as they are, not with rate()`;
  new Histogram({
    ...labelled('herald_time_to_first_message_seconds', `Seconds from detection to customers' first message, by current severity, over ${window}.`, ['severity']),
    buckets: firstMessageBuckets,
    collect: fromStore<Histogram<'severity'>>((m, s) => {
      for (const f of firstMessageSeconds(s.recent)) m.observe({ severity: f.severity }, f.seconds);
    }),
  });
  new Histogram({
    ...labelled('herald_approval_latency_seconds', `Seconds from a version's drafting to each approval of it, by approver role, over ${window}.`, ['role']),
    buckets: approvalBuckets,
    collect: fromStore<Histogram<'role'>>((m, s) => {
      for (const a of approvalSeconds(s.approvalRecords)) m.observe({ role: a.role }, a.seconds);
    }),
  });

  return {
    registry,
    contentType: registry.contentType,
    countRequests(req, res, next) {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        // Express sets req.route to the route that answered: its template, never the raw URL.
        const labels = { method: req.method, route: routeLabel((req as Request & { route?: { path?: unknown } }).route?.path), status: String(res.statusCode) };
        requests.inc(labels);
        durations.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      });
      next();
    },
    scrape: () => registry.metrics(),
  };
}
