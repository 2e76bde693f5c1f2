import { z } from 'zod';

const MetricsEnvSchema = z.object({
  /** A bearer token GET /metrics asks for; unset, /metrics is open like /healthz. */
  HERALD_METRICS_TOKEN: z.string().min(16, 'HERALD_METRICS_TOKEN must be at least 16 characters').optional(),
  /** Days of incidents (by detection) the time-to-first-message and approval-latency histograms cover. */
  HERALD_METRICS_WINDOW_DAYS: z.coerce.number().positive().default(30),
  /** How long one read of the store serves scrapes (several Prometheus replicas, a dashboard's refresh); 0 reads on every scrape. */
  HERALD_METRICS_STORE_TTL_SECONDS: z.coerce.number().nonnegative().default(10),
  /** host:port where a worker serves the Temporal SDK's own Prometheus metrics; unset, it serves none. */
  HERALD_WORKER_METRICS_ADDR: z
    .string()
    .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'HERALD_WORKER_METRICS_ADDR must be host:port, e.g. 127.0.0.1:9464')
    .optional(),
});

export type MetricsConfig = z.infer<typeof MetricsEnvSchema>;

/** The metrics settings of the environment (README, *Metrics*); an invalid one stops the process at start. */
export function metricsConfig(env: NodeJS.ProcessEnv = process.env): MetricsConfig {
  const blank = (v: string | undefined) => (v === '' ? undefined : v);
  return MetricsEnvSchema.parse({
    HERALD_METRICS_TOKEN: blank(env.HERALD_METRICS_TOKEN),
    HERALD_METRICS_WINDOW_DAYS: blank(env.HERALD_METRICS_WINDOW_DAYS),
    HERALD_METRICS_STORE_TTL_SECONDS: blank(env.HERALD_METRICS_STORE_TTL_SECONDS),
    HERALD_WORKER_METRICS_ADDR: blank(env.HERALD_WORKER_METRICS_ADDR),
  });
}
