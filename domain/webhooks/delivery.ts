import { sha256Hex } from '../audit/sha256';

/**
 * How Herald retries a customer webhook, as Standard Webhooks senders do: the incident's dispatch
 * makes the first attempt, and a failed delivery goes on in its own workflow beside the incident,
 * one durable timer per retry. Pure, so that workflow code imports it.
 */

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

/**
 * The wait before each attempt, the first one included: immediately, then after 5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h and 10 h (eight attempts over about 27.6 hours).
 */
export const webhookRetryScheduleMs: readonly number[] = [0, 5 * second, 5 * minute, 30 * minute, 2 * hour, 5 * hour, 10 * hour, 10 * hour];

/**
 * Failed attempts in a row, counted across deliveries, after which an endpoint is disabled; any
 * 2xx answer sets the count back to zero. One delivery that spends its whole schedule makes eight,
 * so one bad day of a single incident does not disable an endpoint, a second failing delivery does.
 */
export const endpointDisableAfterFailures = 10;

/** A request of the first attempt waits this long for an answer; the incident's dispatch waits for it. */
export const firstAttemptTimeoutMs = 5 * second;
/** A retry, which runs beside the incident, waits longer, as Standard Webhooks senders do. */
export const retryAttemptTimeoutMs = 15 * second;

/** An endpoint's name in the API and the store: a digest of its customer and URL, so the URL need not appear in a path. */
export function webhookEndpointId(customerId: string, url: string): string {
  return `ep_${sha256Hex(`${customerId}\n${url}`).slice(0, 20)}`;
}

/** The retry workflow of one delivery: one per webhook-id, so a second start finds the first. */
export function webhookDeliveryWorkflowId(webhookId: string): string {
  return `webhook-delivery-${webhookId}`;
}

/** The wait before attempt `attempt` (1-based), or undefined when the schedule is spent. */
export function delayBeforeAttempt(attempt: number): number | undefined {
  return webhookRetryScheduleMs[attempt - 1];
}

/** Whether an endpoint with this many failed attempts in a row is to be disabled. */
export function disablesEndpoint(consecutiveFailures: number): boolean {
  return consecutiveFailures >= endpointDisableAfterFailures;
}
