import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { incidentFieldsOf } from '../observability/incident-fields';
import { rootLogger, withLogScope, type Logger } from '../observability/log';

/**
 * One logger per HTTP request: every line it writes carries the request's ID (the caller's
 * X-Request-Id when it is a sane token, a fresh UUID otherwise, echoed in the response), and,
 * once the route knows it, the incident and message version it concerns. The request ends with
 * one line: method, route, status and duration; never the query string or a header.
 */

const saneRequestId = /^[A-Za-z0-9._:-]{8,128}$/;

interface RequestLog {
  log: Logger;
  /** The incident the request concerns, once bound. */
  incidentId?: string;
}

const logs = new WeakMap<Response, RequestLog>();

export function requestIdOf(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given && saneRequestId.test(given) ? given : randomUUID();
}

/** Express middleware: binds the request's logger for everything the request runs, and logs its end. */
export function requestLogging() {
  return (req: Request, res: Response, next: NextFunction) => {
    const requestId = requestIdOf(req.headers['x-request-id']);
    res.setHeader('X-Request-Id', requestId);
    const entry: RequestLog = { log: rootLogger().child({ requestId }) };
    logs.set(res, entry);
    const started = performance.now();
    res.once('close', () => {
      const status = res.statusCode;
      const line = {
        method: req.method,
        // The route's pattern, not the path: paths carry tokens (unsubscribe, tracked links).
        route: (req.route as { path?: string } | undefined)?.path ?? '(no route)',
        status,
        durationMs: Math.round(performance.now() - started),
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      const level = status >= 500 ? 'error' : req.path === '/healthz' ? 'debug' : 'info';
      entry.log[level](line, 'request completed');
    });
    withLogScope(entry.log, next);
  };
}

/** The request's logger (the error handler's, a route's). */
export function requestLog(res: Response): Logger {
  return logs.get(res)?.log ?? rootLogger();
}

function bind(entry: RequestLog, incidentId: string, version: unknown): void {
  entry.incidentId = incidentId;
  entry.log = entry.log.child(incidentFieldsOf(incidentId, typeof version === 'number' ? version : undefined));
}

const incidentRoute = /^\/(v1|status)\/incidents\/:id(\/|$)/;

/**
 * Binds the incident (and message version) a request concerns to its remaining lines when the
 * route names one (an incident route's `:id`, a version in the body), and answers the logger the
 * route's handler runs under.
 */
export function bindRequest(res: Response, routePath: string, params: unknown, body: unknown): Logger {
  const entry = logs.get(res);
  if (!entry) return rootLogger();
  const id = (params as { id?: unknown } | undefined)?.id;
  if (typeof id === 'string' && incidentRoute.test(routePath)) bind(entry, id, (body as { version?: unknown } | undefined)?.version);
  return entry.log;
}

/** Binds the incident an answer names (a declaration's new incident) when the request had none. */
export function bindAnswer(res: Response, answer: unknown): void {
  const entry = logs.get(res);
  const a = answer as { incidentId?: unknown; version?: unknown } | undefined;
  if (entry && !entry.incidentId && typeof a?.incidentId === 'string') bind(entry, a.incidentId, a.version);
}
