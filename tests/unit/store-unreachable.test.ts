import { ServiceError } from '@temporalio/client';
import mongoose from 'mongoose';
import { allRoutes } from '../../api/app';
import { buildOpenApi } from '../../api/openapi';
import { ErrorBodySchema, HttpError, isStoreUnreachable, retryAfterSeconds, toHttpError } from '../../api/errors';

const { MongoNetworkError, MongoNetworkTimeoutError, MongoServerSelectionError, MongoTopologyClosedError } = mongoose.mongo;

/** The driver's errors as a stopped store makes them. */
const selection = () => new MongoServerSelectionError('connect ECONNREFUSED 127.0.0.1:27017', { type: 'Unknown', servers: new Map() } as never);
const buffering = () => new mongoose.Error('Operation `incidents.findOne()` buffering timed out after 5000ms');

describe('an unreachable store answers 503 with Retry-After', () => {
  it('[X2] server selection, network, timeout, closed topology and buffering timeouts are the store being down', () => {
    const down = [selection(), new MongoNetworkError('connection reset'), new MongoNetworkTimeoutError('timed out'), new MongoTopologyClosedError(), buffering(), new Error('wrapped', { cause: selection() })];
    for (const err of down) expect(isStoreUnreachable(err)).toBe(true);
    for (const err of [new Error('boom'), new HttpError(409, 'stale'), new mongoose.Error.ValidationError(), 'text', undefined]) expect(isStoreUnreachable(err)).toBe(false);
  });

  it('[X2] the answer is 503 unavailable with Retry-After and the Error schema; other answers carry no Retry-After', () => {
    const a = toHttpError(selection());
    expect(a).toEqual({ status: 503, body: { error: 'unavailable', message: expect.stringContaining('store is not reachable') }, headers: { 'Retry-After': String(retryAfterSeconds) } });
    expect(ErrorBodySchema.strict().safeParse(a.body).success).toBe(true);
    expect(toHttpError(buffering()).status).toBe(503);
    // Every 503 tells the client when to come back, a workflow service that is down included.
    expect(toHttpError(Object.assign(new Error('unavailable'), { code: 14 })).headers).toEqual({ 'Retry-After': String(retryAfterSeconds) });
    expect(toHttpError(new HttpError(404, 'incident not found')).headers).toBeUndefined();
  });
});

describe('an unreachable workflow service answers 503 with Retry-After', () => {
  it('[X2] gRPC UNAVAILABLE or DEADLINE_EXCEEDED, also wrapped by the client (a start, an update), is the workflow service being down', () => {
    const unavailable = () => Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });
    for (const err of [unavailable(), new ServiceError('Failed to start Workflow', { cause: unavailable() }), Object.assign(new Error('4 DEADLINE_EXCEEDED'), { code: 4 })]) {
      expect(toHttpError(err)).toEqual({ status: 503, body: { error: 'unavailable', message: expect.stringContaining('workflow service is not reachable') }, headers: { 'Retry-After': String(retryAfterSeconds) } });
    }
  });
});

describe('the OpenAPI document', () => {
  it('[X2] every 503 error answer documents its Retry-After header', () => {
    type Doc = { paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, { schema: unknown }> }> }>> };
    const doc = buildOpenApi(allRoutes(() => ({})), { version: 'test' }) as unknown as Doc;
    const without = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).filter(([, op]) => path !== '/healthz' && !op.responses[503]?.headers?.['Retry-After']).map(([method]) => `${method} ${path}`));
    expect(without).toEqual([]);
  });
});
