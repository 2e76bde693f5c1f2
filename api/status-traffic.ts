import { hourOf, type TrafficBucket } from '../domain/kpis';
import { addTraffic, type StatusTrafficModels } from '../store/status-traffic';
import type { Route, RouteContext } from './route';

/**
 * Counts reads of the public status routes (M6.1) in memory and writes them to their hourly
 * buckets every few seconds, so a read of the page costs no store write; a KPI read flushes
 * first. Nothing about the reader is kept: the route, the hour, and for an incident's page its ID.
 */
const flushEveryMs = 5_000;

interface Counter {
  counts: Map<string, TrafficBucket>;
  timer?: NodeJS.Timeout;
  flushing: Promise<void>;
}

const counters = new WeakMap<StatusTrafficModels, Counter>();

function counterOf(models: StatusTrafficModels): Counter {
  let c = counters.get(models);
  if (!c) {
    c = { counts: new Map(), flushing: Promise.resolve() };
    counters.set(models, c);
  }
  return c;
}

export function countRead(models: StatusTrafficModels, route: string, incidentId: string | undefined, at: Date): void {
  const c = counterOf(models);
  const hour = hourOf(at.toISOString());
  const key = `${hour}#${route}#${incidentId ?? ''}`;
  const b = c.counts.get(key) ?? { route, hour, count: 0, ...(incidentId ? { incidentId } : {}) };
  b.count += 1;
  c.counts.set(key, b);
  if (!c.timer) {
    c.timer = setTimeout(() => {
      c.timer = undefined;
      flushTraffic(models).catch((err: unknown) => console.error('herald api: status traffic not recorded:', err instanceof Error ? err.message : err));
    }, flushEveryMs);
    c.timer.unref();
  }
}

/** Writes what this process counted so far; the counts of a failed write are lost, never doubled. */
export function flushTraffic(models: StatusTrafficModels): Promise<void> {
  const c = counterOf(models);
  const buckets = [...c.counts.values()];
  c.counts = new Map();
  c.flushing = c.flushing.catch(() => undefined).then(() => addTraffic(models, buckets));
  return c.flushing;
}

/** The GET routes of a list, each counting its successful reads. */
export function countedReads(routes: Route[]): Route[] {
  return routes.map((route) => route.method !== 'get' ? route : {
    ...route,
    async handler(ctx: RouteContext<unknown, unknown, unknown>) {
      const result = await route.handler(ctx);
      if ((result.status ?? 200) < 400) {
        const incidentId = route.path.includes(':id') ? (ctx.params as { id?: string }).id : undefined;
        countRead(ctx.deps.store.models, route.path, incidentId, new Date());
      }
      return result;
    },
  });
}
