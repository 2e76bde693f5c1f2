import { metricsConfig } from '../../config/metrics';
import { constantTimeEqual, sha256Bytes } from '../../domain/audit/sha256';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { presentedKey } from '../auth';
import { defineRoute } from '../route';

/** With HERALD_METRICS_TOKEN set, a scrape must present it as a bearer token (Prometheus' `authorization` setting). */
function verifyScraper(req: { headers: Record<string, string | string[] | undefined> }): void {
  const token = metricsConfig().HERALD_METRICS_TOKEN;
  if (!token) return;
  const presented = presentedKey(req);
  // Digests of equal length, so the comparison takes the same time whatever was presented.
  if (!presented || !constantTimeEqual(sha256Bytes(presented), sha256Bytes(token))) {
    throw new HttpError(401, 'GET /metrics needs the bearer token HERALD_METRICS_TOKEN names');
  }
}

export const metricsRoutes = [
  defineRoute({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics (text exposition format 0.0.4): HTTP traffic of this process, incidents, deliveries, the gate, webhooks, time to first message, approval latency. Open unless HERALD_METRICS_TOKEN is set; then it needs that bearer token.',
    tags: ['system'],
    verifyRequest: verifyScraper,
    responses: { 200: { description: 'The metrics, one HELP and TYPE line before each family', contentType: 'text/plain' } },
    errors: { 401: 'HERALD_METRICS_TOKEN is set and the request does not present it as a bearer token' },
    async handler({ deps }: { deps: ApiDeps }) {
      if (!deps.metrics) throw new HttpError(503, 'metrics are not enabled in this process');
      return { body: await deps.metrics.scrape(), contentType: deps.metrics.contentType };
    },
  }),
];
