import { createApiMetrics } from '../../../api/metrics';
import type { Store } from '../../../store/connect';
import { dashboardQueries, seriesNames } from '../../support/dashboard';

/** The names a registry's families expose: a histogram's _bucket, _sum and _count. */
function exposedNames(): Set<string> {
  // No scrape happens here: the names come from the registry itself, so no store is read.
  const { registry } = createApiMetrics({} as Store, { HERALD_METRICS_WINDOW_DAYS: 30, HERALD_METRICS_STORE_TTL_SECONDS: 0 });
  return new Set(registry.getMetricsAsArray().flatMap((m: any) => (m.type === 'histogram' ? ['_bucket', '_sum', '_count'].map((s) => m.name + s) : [m.name])));
}

describe('the Grafana dashboard (deploy/grafana/herald-dashboard.json)', () => {
  it('[M6.1] queries only metrics that GET /metrics exposes, and every panel reads one', () => {
    const exposed = exposedNames();
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(10);
    for (const q of queries) expect(seriesNames(q).length).toBeGreaterThan(0);
    const herald = [...new Set(queries.flatMap(seriesNames))].filter((n) => n.startsWith('herald_'));
    expect(herald.filter((n) => !exposed.has(n))).toEqual([]);
    // Every store-backed family is on the dashboard.
    for (const family of ['herald_incidents_open', 'herald_messages_total', 'herald_time_to_first_message_seconds_bucket', 'herald_approval_latency_seconds_bucket', 'herald_gate_blocks_total', 'herald_gate_redactions_total', 'herald_webhook_attempts_total', 'herald_webhook_endpoints_disabled', 'herald_broadcast_recipients_planned_total', 'herald_http_requests_total']) {
      expect(herald).toContain(family);
    }
  });

  it('[M6.1] reads series names out of PromQL, not functions, labels or strings', () => {
    expect(seriesNames('sum by (channel) (rate(max without (instance) (herald_messages_total{outcome="herald_x"})[5m:]))')).toEqual(['herald_messages_total']);
  });
});
