import express, { type NextFunction, type Request, type Response } from 'express';
import { authenticate, presentedKey, refuseExecutiveChange } from './auth';
import type { ApiDeps } from './deps';
import { HttpError, toHttpError } from './errors';
import { buildOpenApi } from './openapi';
import { createApiMetrics } from './metrics';
import { bindAnswer, bindRequest, requestLog, requestLogging } from './request-log';
import { registerLogSecrets, withLogScope } from '../observability/log';
import type { Route } from './route';
import { alertRoutes } from './routes/alerts';
import { incidentActionRoutes } from './routes/incident-actions';
import { regulatoryRoutes } from './routes/regulatory';
import { incidentRoutes } from './routes/incidents';
import { incidentListRoutes } from './routes/incident-list';
import { playbookRoutes } from './routes/playbooks';
import { statusRoutes } from './routes/status';
import { systemRoutes } from './routes/system';
import { customerRoutes } from './routes/customers';
import { webhookRoutes } from './routes/webhooks';
import { inquiryRoutes } from './routes/inquiries';
import { serviceModelRoutes } from './routes/service-model';
import { statuspageRoutes } from './routes/statuspage';
import { messageSafetyRoutes } from './routes/message-safety';
import { translationRoutes } from './routes/translations';
import { outreachRoutes } from './routes/outreach';
import { componentMarkerRoutes } from './routes/component-markers';
import { maintenanceRoutes } from './routes/maintenances';
import { vendorRoutes } from './routes/vendors';
import { channelRoutes } from './routes/channels';
import { versionRoutes } from './routes/versions';
import { unsubscribeRoutes } from './routes/unsubscribe';
import { emailRecipientRoutes } from './routes/email-recipients';
import { dashboardRoutes } from './routes/dashboard';
import { docsRoutes } from './routes/docs';
import { kpiRoutes } from './routes/kpis';
import { timelineRoutes } from './routes/timeline';
import { recurrenceRoutes } from './routes/recurrence';
import { metricsRoutes } from './routes/metrics';
import { ticketRoutes } from './routes/tickets';
import { feedbackRoutes } from './routes/feedback';
import { broadcastProgressRoutes } from './routes/broadcast-progress';
import { surveyRoutes } from './routes/surveys';
import { approvalLinkRoutes } from './routes/approval-links';
import { drillScriptRoutes } from './routes/drill-script';
import { archiveRoutes } from './routes/archive';
import { legalHoldRoutes } from './routes/legal-holds';

export function allRoutes(openapi: () => unknown): Route[] {
  // The public reads first: Express tries routes in order, and a thundering herd reads these.
  return [...statusRoutes, ...statuspageRoutes, ...systemRoutes(openapi), ...metricsRoutes, ...docsRoutes, ...incidentRoutes, ...incidentListRoutes, ...incidentActionRoutes, ...regulatoryRoutes, ...playbookRoutes, ...alertRoutes, ...serviceModelRoutes, ...customerRoutes, ...webhookRoutes, ...inquiryRoutes, ...messageSafetyRoutes, ...translationRoutes, ...outreachRoutes, ...componentMarkerRoutes, ...maintenanceRoutes, ...channelRoutes, ...versionRoutes, ...unsubscribeRoutes, ...emailRecipientRoutes, ...broadcastProgressRoutes, ...dashboardRoutes, ...ticketRoutes, ...feedbackRoutes, ...kpiRoutes, ...timelineRoutes, ...surveyRoutes, ...approvalLinkRoutes, ...drillScriptRoutes, ...recurrenceRoutes, ...archiveRoutes, ...legalHoldRoutes, ...vendorRoutes];
}

type RawBodyRequest = { rawBody?: Buffer };

const defaultRequestTimeoutMs = 20_000;
const lateAnswer = 'the incident workflow or the store did not answer in time (is a worker running?); the action may still take effect';

function mount(app: express.Express, route: Route, deps: ApiDeps) {
  app[route.method](route.path, async (req: Request, res: Response, next: NextFunction) => {
    try {
      const presented = presentedKey(req, route.page);
      refuseExecutiveChange(route.method, presented, deps.apiKeys);
      const principal = route.roles ? authenticate(presented, deps.apiKeys, route.roles) : undefined;
      route.verifyRequest?.({ headers: req.headers, rawBody: (req as RawBodyRequest).rawBody });
      const params = route.params ? route.params.parse(req.params) : req.params;
      const query = route.query ? route.query.parse(req.query) : req.query;
      const body = route.body ? route.body.parse(req.body ?? {}) : undefined;
      const log = bindRequest(res, route.path, params, body);
      // Calls to Temporal are cut off at the deadline, so an incident without a worker answers 504, not never.
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), deps.requestTimeoutMs ?? defaultRequestTimeoutMs);
      const handled = deps.temporal
        .withAbortSignal(deadline.signal, () => withLogScope(log, () => route.handler({ params, query, body, principal, deps, headers: req.headers, request: route.streamBody ? req : undefined })))
        .catch((err: unknown) => {
          if (deadline.signal.aborted) throw new HttpError(504, lateAnswer);
          throw err;
        });
      // Anything else a handler waits on (a store that accepts connections and never answers) is cut
      // off at the same deadline; only a streamed upload (an import) may take longer.
      const cutOff = () => new Promise<never>((_, reject) =>
        deadline.signal.addEventListener('abort', () => reject(new HttpError(504, lateAnswer)), { once: true }));
      const result = await (route.streamBody ? handled : Promise.race([handled, cutOff()])).finally(() => clearTimeout(timer));
      bindAnswer(res, result.body);
      res.status(result.status ?? 200);
      for (const [k, v] of Object.entries(result.headers ?? {})) res.setHeader(k, v);
      if (result.stream) {
        res.type(result.contentType ?? 'text/event-stream').flushHeaders();
        result.stream(res);
      } else if (result.contentType) res.type(result.contentType).send(result.body);
      else res.json(result.body);
    } catch (err) {
      next(err);
    }
  });
}

/** The HTTP API: routes from one table, errors mapped to 4xx/503 with a clear message and never a stack. */
export function createApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Each app its own registry: HTTP series of this process, the store's figures at scrape time (GET /metrics).
  deps = { ...deps, metrics: deps.metrics ?? createApiMetrics(deps.store) };
  app.use(deps.metrics!.countRequests);
  registerLogSecrets(deps.apiKeys.map((k) => k.key));
  // First, so that a request refused by the body parsers still gets its ID and its line.
  app.use(requestLogging());
  // The raw bytes are kept for webhook signatures (an HMAC over re-serialised JSON would not match).
  app.use(express.json({ limit: '1mb', verify: (req, _res, buf) => { (req as RawBodyRequest).rawBody = buf; } }));
  // The status page's forms (subscribe, unsubscribe) post as browsers do.
  app.use(express.urlencoded({ extended: false, limit: '16kb' }));
  let doc: unknown;
  const routes = allRoutes(() => (doc ??= buildOpenApi(routes, { version: '0.1.0' })));
  for (const route of routes) mount(app, route, deps);
  app.use((req: Request) => {
    throw new HttpError(404, `no route for ${req.method} ${req.path}`);
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const { status, body, headers } = toHttpError(err);
    if (status >= 500) requestLog(res).error({ err }, 'request failed');
    for (const [k, v] of Object.entries(headers ?? {})) res.setHeader(k, v);
    res.status(status).json(body);
  });
  return app;
}
