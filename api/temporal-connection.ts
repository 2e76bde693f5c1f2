import { Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { retryAfterSeconds } from './errors';

/**
 * The API's connection to Temporal. With the SDK's defaults a call to a server that is down retries
 * for about 20 s (ten attempts, up to 5 s apart) and then stops at the request's deadline as a 504;
 * here it gives up after five attempts (about 2 s), so the client is answered 503 with Retry-After
 * at once, and its retry is the one that lands. The channel tries to reconnect at least every
 * Retry-After (gRPC's own backoff grows to 2 min), so a server that came back is used again by the
 * time the client returns.
 */
export function connectWorkflowService(address: string): Promise<Connection> {
  return Connection.connect({
    address,
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 5 }))],
    channelArgs: { 'grpc.max_reconnect_backoff_ms': retryAfterSeconds * 1000, 'grpc.initial_reconnect_backoff_ms': 500 },
  });
}
