import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z, ZodError } from 'zod';
import { refusalHttpStatus } from '../domain/incident/refusals';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, `${what} not found`);

/** What a lookup found, or a 404 naming what it looked for when it found nothing (no document, an empty history). */
export function found<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined || (Array.isArray(value) && !value.length)) throw notFound(what);
  return value;
}

/** The machine-readable `error` of each status Herald answers with; anything else is `error`. */
const statusNames = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  503: 'unavailable',
  504: 'timeout',
} as const satisfies Record<number, string>;

/**
 * The one body of every error answer, whatever the status. The OpenAPI document references it
 * for every 4xx/5xx of every route (components.schemas.Error), so document and API cannot drift.
 */
export const ErrorBodySchema = z
  .object({
    error: z.enum([...Object.values(statusNames), 'error']).describe('The status as a word: not_found, conflict, …'),
    message: z.string().describe('What went wrong, in a sentence for a person'),
    issues: z
      .array(z.object({ path: z.string(), message: z.string(), code: z.string() }))
      .optional()
      .describe('400 for invalid input: each field that failed validation, and why'),
    details: z.unknown().optional().describe('What the caller needs to recover, e.g. the current version and hash on a 409'),
  })
  .describe('An error answer');
type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** An error answer: its status, its body, and for a 503 the `Retry-After` a client waits before it tries again. */
export interface HttpErrorAnswer {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
}

/**
 * Seconds a client waits after a 503 before it tries again: the store's server selection and the
 * workflow service's reconnection both take about this long to notice a server that came back.
 */
export const retryAfterSeconds = 5;

function body(status: number, message: string, extra: Partial<ErrorBody> = {}): HttpErrorAnswer {
  return {
    status,
    body: { error: (statusNames as Record<number, ErrorBody['error']>)[status] ?? 'error', message, ...extra },
    ...(status === 503 ? { headers: { 'Retry-After': String(retryAfterSeconds) } } : {}),
  };
}

/**
 * The driver's and mongoose's errors for a store that cannot be reached: no server to select, a
 * connection refused, reset or timed out, a command buffered past its time. Each is the store
 * being down, never the request being wrong.
 */
const storeUnreachable = new Set([
  'MongoServerSelectionError', 'MongooseServerSelectionError', 'MongoNetworkError', 'MongoNetworkTimeoutError',
  'MongoTopologyClosedError', 'MongoNotConnectedError', 'MongoPoolClearedError', 'MongoServerClosedError',
]);

export function isStoreUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (storeUnreachable.has(e.name) || storeUnreachable.has(e.constructor.name)) return true;
    // mongoose's bufferCommands: "Operation `incidents.findOne()` buffering timed out after 5000ms".
    if (e.name === 'MongooseError' && /buffering timed out/.test(e.message)) return true;
  }
  return false;
}

function isGrpcError(err: unknown, code: number): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

/**
 * gRPC UNAVAILABLE (14) or DEADLINE_EXCEEDED (4) from Temporal, at the top or as the cause the
 * client wraps it in (a ServiceError "Failed to start workflow", an update's RPC error).
 */
function isWorkflowServiceUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; typeof e === 'object' && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcError(e, 14) || isGrpcError(e, 4)) return true;
  }
  return false;
}

/** Maps anything a handler throws to a clear HTTP answer; the stack never leaves the process. */
export function toHttpError(err: unknown): HttpErrorAnswer {
  if (err instanceof HttpError) return body(err.status, err.message, err.details ? { details: err.details } : {});
  if (err instanceof ZodError) {
    return body(400, 'the request is not valid', {
      issues: err.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code })),
    });
  }
  if (err instanceof WorkflowExecutionAlreadyStartedError) return body(409, 'an incident with this ID already exists');
  if (err instanceof WorkflowNotFoundError) return body(404, 'incident not found');
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure) {
      // The incident's refusals answer with the status of their type (domain/incident/refusals.ts).
      const status = refusalHttpStatus(cause.type) ?? 400;
      const details = cause.details?.[0];
      return body(status, cause.message, status === 409 && details ? { details } : {});
    }
    return body(409, cause?.message ?? err.message);
  }
  // gRPC NOT_FOUND (5) for closed or unknown executions, FAILED_PRECONDITION (9) for updates to closed ones.
  if (isGrpcError(err, 5)) return body(404, 'incident not found');
  if (isGrpcError(err, 9)) return body(409, 'the incident is already closed');
  const e = err as { type?: string; status?: number; statusCode?: number; message?: string };
  if (e?.type === 'entity.parse.failed') return body(400, 'the request body is not valid JSON');
  if (e?.type === 'entity.too.large') return body(413, 'the request body is too large');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return body(e.status, e.message ?? 'bad request');
  if (isStoreUnreachable(err)) return body(503, `the store is not reachable; try again in ${retryAfterSeconds} s`);
  if (isWorkflowServiceUnreachable(err)) return body(503, `the workflow service is not reachable; try again in ${retryAfterSeconds} s`);
  return body(503, 'Herald could not complete the request; try again');
}
