import type { z } from 'zod';
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
  /** The raw request body, for routes with `streamBody` that read it themselves. */
  request?: NodeJS.ReadableStream & { headers: Record<string, string | string[] | undefined> };
}

export interface RouteResult {
  status?: number;
  body: unknown;
  /** Defaults to JSON. */
  contentType?: string;
  headers?: Record<string, string>;
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
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
  handler(ctx: RouteContext<P, Q, B>): Promise<RouteResult>;
}

export function defineRoute<P = unknown, Q = unknown, B = unknown>(route: Route<P, Q, B>): Route {
  return route as unknown as Route;
}
