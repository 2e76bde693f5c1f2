import { z } from 'zod';
import { endpointDisableAfterFailures, webhookEndpointId } from '../../domain/webhooks/delivery';
import type { CustomerDoc } from '../../store/models';
import { enableWebhookEndpoint, type WebhookAttemptDoc, type WebhookEndpointDoc } from '../../store/webhook-endpoints';
import type { ApiDeps } from '../deps';
import { found, HttpError } from '../errors';
import { IncidentParams } from '../incident-params';
import { defineRoute } from '../route';
import { CustomerParams } from './customers';

const EndpointParams = CustomerParams.extend({ endpointId: z.string().regex(/^ep_[0-9a-f]{20}$/, 'not a valid endpoint ID') });
const DeliveriesQuery = z.object({
  incidentId: IncidentParams.shape.id.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

const EndpointSchema = z.object({
  endpointId: z.string(),
  url: z.string(),
  state: z.enum(['enabled', 'disabled']),
  consecutiveFailures: z.number().describe('Failed attempts in a row, across deliveries; a 2xx answer sets it to 0'),
  disableAfter: z.number().describe('The endpoint is disabled when consecutiveFailures reaches this'),
  disabledAt: z.string().optional(),
  disabledReason: z.string().optional(),
  ownerNotifiedAt: z.string().optional().describe("When the customer's contacts, account manager and escalation list were told"),
  enabledAt: z.string().optional(),
  enabledBy: z.string().optional(),
  lastSuccessAt: z.string().optional(),
  lastFailureAt: z.string().optional(),
});

const AttemptSchema = z.object({
  attempt: z.number().describe('1 is the incident dispatch; later ones follow the retry schedule'),
  at: z.string(),
  ok: z.boolean(),
  status: z.number().optional().describe("The endpoint's HTTP status; absent when it did not answer"),
  error: z.string().optional(),
  durationMs: z.number(),
  nextAttemptAt: z.string().optional(),
});

const DeliverySchema = z.object({
  webhookId: z.string().describe('The webhook-id header, the same on every attempt'),
  endpointId: z.string(),
  incidentId: z.string(),
  version: z.number(),
  state: z.enum(['delivered', 'retrying', 'failed']),
  attempts: z.array(AttemptSchema),
});

/** `{ [key]: ISO time }` when the time is known, else nothing. */
const opt = <K extends string>(key: K, d: Date | undefined) => (d ? { [key]: d.toISOString() } : {}) as Partial<Record<K, string>>;

function endpointView(customerId: string, url: string, s: WebhookEndpointDoc | undefined) {
  return {
    endpointId: webhookEndpointId(customerId, url),
    url,
    state: s?.disabled ? ('disabled' as const) : ('enabled' as const),
    consecutiveFailures: s?.consecutiveFailures ?? 0,
    disableAfter: endpointDisableAfterFailures,
    ...opt('disabledAt', s?.disabled ? s.disabledAt : undefined),
    ...(s?.disabled && s.disabledReason ? { disabledReason: s.disabledReason } : {}),
    ...opt('ownerNotifiedAt', s?.disabled ? s.noticeSentAt : undefined),
    ...opt('enabledAt', s?.enabledAt),
    ...(s?.enabledBy ? { enabledBy: s.enabledBy } : {}),
    ...opt('lastSuccessAt', s?.lastSuccessAt),
    ...opt('lastFailureAt', s?.lastFailureAt),
  };
}

async function customerEndpoints(deps: ApiDeps, customerId: string) {
  const customer = found(await deps.store.models.Customer.findOne({ customerId }, { customerId: 1, webhooks: 1 }).lean<CustomerDoc>(), 'customer');
  const urls = (customer.webhooks ?? []).map((w) => w.url);
  const states = await deps.store.models.WebhookEndpoint.find({ _id: { $in: urls.map((u) => webhookEndpointId(customerId, u)) } }).lean<WebhookEndpointDoc[]>();
  const byId = new Map(states.map((s) => [s._id, s]));
  return urls.map((url) => endpointView(customerId, url, byId.get(webhookEndpointId(customerId, url))));
}

export const webhookRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/customers/:id/webhooks/deliveries',
    summary: "A customer's webhook endpoints (enabled or disabled, failures in a row) and every delivery attempt, newest delivery first",
    tags: ['service model'],
    roles: ['responder', 'manager', 'admin'],
    params: CustomerParams,
    query: DeliveriesQuery,
    responses: {
      200: {
        description: 'Endpoints and deliveries; `limit` bounds the attempts read, `incidentId` keeps one incident',
        schema: z.object({ customerId: z.string(), endpoints: z.array(EndpointSchema), deliveries: z.array(DeliverySchema) }),
      },
    },
    errors: { 404: 'Unknown customer' },
    async handler({ params, query, deps }) {
      const endpoints = await customerEndpoints(deps, params.id);
      const attempts = await deps.store.models.WebhookAttempt.find({ customerId: params.id, ...(query.incidentId ? { incidentId: query.incidentId } : {}) })
        .sort({ at: -1 })
        .limit(query.limit)
        .lean<WebhookAttemptDoc[]>();
      const disabled = new Set(endpoints.filter((e) => e.state === 'disabled').map((e) => e.endpointId));
      const deliveries = new Map<string, WebhookAttemptDoc[]>();
      for (const a of attempts) deliveries.set(a.webhookId, [...(deliveries.get(a.webhookId) ?? []), a]);
      return {
        body: {
          customerId: params.id,
          endpoints,
          deliveries: [...deliveries.values()].map((list) => {
            const sorted = list.sort((a, b) => a.attempt - b.attempt);
            const last = sorted[sorted.length - 1];
            const state = sorted.some((a) => a.ok) ? 'delivered' : last.nextAttemptAt && !disabled.has(last.endpointId) ? 'retrying' : 'failed';
            return {
              webhookId: last.webhookId, endpointId: last.endpointId, incidentId: last.incidentId, version: last.version, state,
              attempts: sorted.map((a) => ({
                attempt: a.attempt, at: a.at.toISOString(), ok: a.ok,
                ...(a.status !== undefined && a.status !== null ? { status: a.status } : {}),
                ...(a.error ? { error: a.error } : {}),
                durationMs: a.durationMs,
                ...opt('nextAttemptAt', a.nextAttemptAt),
              })),
            };
          }),
        },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/customers/:id/webhooks/:endpointId/enable',
    summary: 'Re-enable a webhook endpoint that Herald disabled after failing; deliveries resume with a failure count of 0',
    tags: ['service model'],
    roles: ['admin'],
    params: EndpointParams,
    responses: { 200: { description: 'The endpoint, enabled', schema: EndpointSchema } },
    errors: { 404: 'Unknown customer, or no such endpoint of the customer' },
    async handler({ params, principal, deps }) {
      const endpoints = await customerEndpoints(deps, params.id);
      const endpoint = endpoints.find((e) => e.endpointId === params.endpointId);
      if (!endpoint) throw new HttpError(404, `customer "${params.id}" has no webhook endpoint ${params.endpointId}`);
      const state = await enableWebhookEndpoint(deps.store.models, { endpointId: endpoint.endpointId, customerId: params.id, url: endpoint.url }, principal!.name);
      return { body: endpointView(params.id, endpoint.url, state) };
    },
  }),
];
