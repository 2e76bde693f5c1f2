import type { Writable } from 'node:stream';
import type { z } from 'zod';
import { ErrorBodySchema } from './errors';
import type { ApproverRoleName, Role } from '../config/api-keys';
import type { ApiDeps } from './deps';

export interface Principal {
  name: string;
  email: string;
  roles: Role[];
  approverRoles: ApproverRoleName[];
}

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal?: Principal;
  deps: ApiDeps;
  /** The request's headers (content negotiation, conditional requests). */
  headers: Record<string, string | string[] | undefined>;
  /** The raw request body, for routes with `streamBody` that read it themselves. */
  request?: NodeJS.ReadableStream & { headers: Record<string, string | string[] | undefined> };
}

export interface RouteResult {
  status?: number;
  body: unknown;
  /** Defaults to JSON. */
  contentType?: string;
  headers?: Record<string, string>;
  /** A response that stays open (Server-Sent Events): the handler writes to it until it closes. */
  stream?(out: Writable): void;
}

export type SuccessStatus = 200 | 201 | 202 | 204 | 302;
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 503 | 504;
export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
  /** Other media types the same answer comes in by content negotiation (e.g. text/csv), documented without a schema. */
  alternatives?: string[];
}

/**
 * One HTTP route: the Express router and the OpenAPI document are both built from these, so the
 * document covers every route by construction.
 */
export interface Route<P = unknown, Q = unknown, B = unknown> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  tags: string[];
  /** Roles of which the caller must hold at least one; absent means the route is public. */
  roles?: Role[];
  /** A browser page's route: its key may also come as `?key=` or the page's cookie (api/auth.ts). */
  page?: boolean;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** A body the handler reads as a stream (e.g. NDJSON); documented, not parsed. */
  streamBody?: { contentType: string; description: string };
  /**
   * Authenticates a public route by the request itself (a webhook's shared secret or HMAC of the
   * raw body) before anything is parsed; throws an HttpError to refuse.
   */
  verifyRequest?(req: { headers: Record<string, string | string[] | undefined>; rawBody?: Buffer }): void;
  /**
   * The answers of success (2xx, 3xx); error answers come from `errors` and `routeResponses`.
   * Only the health check answers 503 with its own body (what is unreachable); a page a person
   * reaches from an email (the survey form) documents here that its refusals also come as pages.
   */
  responses: Partial<Record<SuccessStatus, ResponseSpec>> & Partial<Record<ErrorStatus, ResponseSpec>>;
  /**
   * What this route's own refusals mean, by status. 400, 401, 403, 404, 413, 503 and 504 are derived
   * from the route (routeResponses) and need an entry only to say more; 409 and 415 need one.
   */
  errors?: Partial<Record<ErrorStatus, string>>;
  handler(ctx: RouteContext<P, Q, B>): Promise<RouteResult>;
}

export function defineRoute<P = unknown, Q = unknown, B = unknown>(route: Route<P, Q, B>): Route {
  return route as unknown as Route;
}

/**
 * The routes below one path parameter (an incident, a template, …): each takes that parameter's
 * schema, or its own extension of it, and the family's tags and meaning of a 404 unless it says more.
 * A family with `readers` gives them to each of its GET routes that names no roles of its own.
 */
export function routesUnder<P>(family: { params: z.ZodType<P>; notFound: string; tags?: string[]; readers?: readonly Role[] }) {
  return <Q = unknown, B = unknown, R extends P = P>(
    route: Omit<Route<R, Q, B>, 'params' | 'tags'> & { params?: z.ZodType<R>; tags?: string[] },
  ): Route =>
    defineRoute<R, Q, B>({
      ...route,
      tags: route.tags ?? family.tags ?? [],
      ...(route.method === 'get' && !route.roles && family.readers ? { roles: [...family.readers] } : {}),
      params: route.params ?? (family.params as unknown as z.ZodType<R>),
      errors: { 404: family.notFound, ...route.errors },
    });
}

const derivedErrors: Record<ErrorStatus, string> = {
  400: 'The request is not valid; `issues` names each field and why',
  401: 'No API key, or one Herald does not know',
  403: 'The key lacks the role or right for this action',
  404: 'The path names nothing Herald knows',
  409: 'The current state does not allow this',
  413: 'The request body is too large',
  415: 'The request body is not of the documented media type',
  503: 'The workflow service or the store is not reachable; try again after the seconds of Retry-After',
  504: 'The incident workflow did not answer in time (HERALD_REQUEST_TIMEOUT_SECONDS); the action may still take effect',
};

/**
 * Every answer a route gives: its own success answers, and the error answers it can give by what
 * it is (a key: 401/403; parameters or a body: 400; path parameters: 404; a body: 413; always 503)
 * plus those it declares; 504 always, as a request that waits on Temporal longer than the deadline
 * gets it. Every error answer has the one ErrorBodySchema.
 */
export function routeResponses(route: Route): Record<number, ResponseSpec> {
  const codes = new Set<ErrorStatus>([503, 504, ...(Object.keys(route.errors ?? {}).map(Number) as ErrorStatus[])]);
  if (route.params || route.query || route.body || route.streamBody) codes.add(400);
  if (route.roles || route.verifyRequest) codes.add(401);
  if (route.roles) codes.add(403);
  if (route.params) codes.add(404);
  if (route.body || route.streamBody) codes.add(413);
  const out = { ...route.responses } as Record<number, ResponseSpec>;
  for (const code of [...codes].sort()) {
    out[code] ??= { description: route.errors?.[code] ?? derivedErrors[code], schema: ErrorBodySchema };
  }
  return out;
}
