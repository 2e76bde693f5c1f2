import { z } from 'zod';
import { intercomClientSecret, zendeskWebhookSecret } from '../../config/tickets';
import { impactedComponents } from '../../domain/audience';
import { stripPersonalData } from '../../domain/inquiries';
import {
  componentsNamed,
  correlate,
  customerOf,
  defaultCorrelationPolicy,
  matchIncident,
  unknownSegment,
  type CandidateIncident,
} from '../../domain/tickets';
import {
  GenericTicketSchema,
  IntercomNotificationSchema,
  ticketFromGeneric,
  ticketFromIntercom,
  ticketFromZendesk,
  ZendeskWebhookSchema,
  type TicketInput,
} from '../../domain/tickets/intake';
import { verifyIntercom, verifyZendesk, type SignatureVerdict } from '../../domain/tickets/signatures';
import { incidentTickets, recordTicket, ticketsBetween, type TicketDoc } from '../../store/tickets';
import type { ApiDeps } from '../deps';
import { found, HttpError } from '../errors';
import { IncidentParams } from '../incident-params';
import { defineRoute } from '../route';

/**
 * Support-ticket intake and correlation (M6.2). The desks' webhooks are public routes that their
 * signature authenticates; the generic form takes a Herald key.
 */

const TicketView = z.object({
  ticketId: z.string(),
  source: z.enum(['zendesk', 'intercom', 'generic']),
  externalId: z.string(),
  incidentId: z.string().optional().describe('The incident the ticket was matched to, if any'),
  matchReasons: z.array(z.enum(['time', 'component', 'customer'])).optional(),
  customerId: z.string().optional(),
  segment: z.string().describe("The customer's tier, or unknown"),
  components: z.array(z.string()),
  subject: z.string(),
  text: z.string().describe('Personal data stripped'),
  redactions: z.record(z.string(), z.number()),
  createdAt: z.string(),
  duplicate: z.boolean().describe('The desk delivered this ticket before; the stored one is answered'),
});

const Received = z.object({ received: z.literal(true), ticket: TicketView.optional(), ignored: z.string().optional().describe('Why nothing was stored (a topic that carries no ticket)') });

function view(t: TicketDoc, duplicate: boolean): z.infer<typeof TicketView> {
  return {
    ticketId: t._id, source: t.source, externalId: t.externalId,
    ...(t.incidentId ? { incidentId: t.incidentId, matchReasons: t.matchReasons } : {}),
    ...(t.customerId ? { customerId: t.customerId } : {}),
    segment: t.segment, components: t.components, subject: t.subject, text: t.text, redactions: t.redactions,
    createdAt: t.createdAt.toISOString(), duplicate,
  };
}

function refuse(verdict: SignatureVerdict): void {
  if (!verdict.ok) throw new HttpError(401, verdict.reason);
}

/** Matches, strips and stores one ticket. */
async function intake(deps: ApiDeps, input: TicketInput): Promise<z.infer<typeof TicketView>> {
  const { Customer, Component, IncidentSummary, Ticket } = deps.store.models;
  const at = Date.parse(input.createdAt);
  const policy = defaultCorrelationPolicy;
  const [customers, graph, summaries] = await Promise.all([
    Customer.find({}, { _id: 0, customerId: 1, name: 1, emails: 1, tier: 1, subscriptions: 1, accountManager: 1 }).lean(),
    Component.find({}, { _id: 0, componentId: 1, name: 1, dependsOn: 1 }).lean(),
    IncidentSummary.find(
      { drill: { $ne: true }, detectedAt: { $lte: new Date(at + policy.leadMs).toISOString() } },
      { _id: 0, id: 1, detectedAt: 1, resolvedAt: 1, components: 1 },
    ).sort({ detectedAt: -1 }).limit(200).lean(),
  ]);
  if (input.customerId && !customers.some((c) => c.customerId === input.customerId)) throw new HttpError(404, `customer ${input.customerId} not found`);
  const customer = customerOf(input, customers);
  const components = componentsNamed(input.labels, `${input.subject}\n${input.text}`, graph);
  const candidates: CandidateIncident[] = summaries.map((s) => ({ id: s.id, detectedAt: s.detectedAt, resolvedAt: s.resolvedAt, impacted: [...impactedComponents(graph, s.components)] }));
  const match = matchIncident({ at, components, customerSubscriptions: customer?.subscriptions }, candidates, policy);
  const names = customer ? [customer.name, ...(customer.accountManager ? [customer.accountManager.name] : [])] : [];
  const subject = stripPersonalData(input.subject, names);
  const body = stripPersonalData(input.text, names);
  const redactions = { ...subject.removed };
  for (const [k, n] of Object.entries(body.removed)) redactions[k as keyof typeof redactions] = (redactions[k as keyof typeof redactions] ?? 0) + n;
  const doc: TicketDoc = {
    _id: `${input.source}:${input.externalId}`, source: input.source, externalId: input.externalId,
    ...(match ? { incidentId: match.incidentId, matchReasons: match.reasons } : {}),
    ...(customer ? { customerId: customer.customerId } : {}),
    segment: customer?.tier ?? unknownSegment, components,
    subject: subject.text, text: body.text, redactions,
    createdAt: new Date(at), receivedAt: new Date(),
  };
  const { ticket, duplicate } = await recordTicket({ Ticket }, doc);
  return view(ticket, duplicate);
}

const iso = (ms: number) => new Date(ms).toISOString();

const Correlation = z.object({
  incidentId: z.string(),
  bucketMinutes: z.literal(5),
  tickets: z.number().int(),
  baselinePerBucket: z.record(z.string(), z.number()).describe("Each segment's tickets per 5 minutes in the 24 hours before the incident"),
  buckets: z.array(z.object({
    start: z.string(), tickets: z.number().int(), bySegment: z.record(z.string(), z.number()),
    surging: z.array(z.string()), silent: z.boolean().describe('No message went out in the 30 minutes before this bucket ended (or none yet)'),
  })),
  marks: z.array(z.object({ version: z.number().int(), phase: z.string(), publishedAt: z.string() })).describe('When each version was published'),
  firstMessageBySegment: z.record(z.string(), z.string()).describe('When email first reached each segment'),
  gaps: z.array(z.object({
    from: z.string(), to: z.string(), tickets: z.number().int(), surgingSegments: z.array(z.string()),
    segmentsWithoutMessage: z.array(z.string()).describe('Segments no message had reached by the end of the gap'),
  })).describe('Coverage gaps: ticket surges while Herald was silent'),
  deltas: z.array(z.object({
    version: z.number().int(), phase: z.string(), publishedAt: z.string(),
    ratePerBucketBefore: z.number(), ratePerBucketAfter: z.number(), change: z.number(),
  })).describe('Tickets per 5 minutes in the 30 minutes before and after each message'),
});

export const ticketRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/tickets/zendesk',
    summary: 'Zendesk webhook (a ticket-created trigger, or the zen:event-type:ticket.created event); signed with X-Zendesk-Webhook-Signature (HERALD_ZENDESK_WEBHOOK_SECRET)',
    tags: ['tickets'],
    verifyRequest: (req) => refuse(verifyZendesk(req.headers, req.rawBody, zendeskWebhookSecret(), Date.now())),
    body: ZendeskWebhookSchema,
    responses: { 202: { description: 'Stored (or recognised as a repeat) and matched', schema: Received } },
    errors: { 401: 'Missing, wrong or stale signature', 404: 'Unknown customer' },
    async handler({ body, deps }) {
      return { status: 202, body: { received: true, ticket: await intake(deps, ticketFromZendesk(body)) } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/tickets/intercom',
    summary: 'Intercom webhook (topic conversation.user.created; ping is acknowledged); signed with X-Hub-Signature (HERALD_INTERCOM_CLIENT_SECRET)',
    tags: ['tickets'],
    verifyRequest: (req) => refuse(verifyIntercom(req.headers, req.rawBody, intercomClientSecret())),
    body: IntercomNotificationSchema,
    responses: { 202: { description: 'Stored and matched, or a topic that carries no ticket acknowledged', schema: Received } },
    errors: { 401: 'Missing or wrong signature', 404: 'Unknown customer' },
    async handler({ body, deps }) {
      if (body.topic !== 'conversation.user.created') return { status: 202, body: { received: true, ignored: `topic ${body.topic} carries no new ticket` } };
      return { status: 202, body: { received: true, ticket: await intake(deps, ticketFromIntercom(body)) } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/tickets',
    summary: 'A support ticket in Herald\'s own JSON form, from any desk or script',
    tags: ['tickets'],
    roles: ['responder', 'manager', 'admin'],
    body: GenericTicketSchema,
    responses: { 202: { description: 'Stored (or recognised as a repeat) and matched', schema: Received } },
    errors: { 404: 'Unknown customer' },
    async handler({ body, deps }) {
      return { status: 202, body: { received: true, ticket: await intake(deps, ticketFromGeneric(body, new Date())) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/incidents/:id/tickets',
    summary: "The incident's support tickets per 5-minute bucket against the publication marks: surges, coverage gaps and the change in ticket rate after each message (M6.2)",
    tags: ['tickets'],
    roles: ['viewer', 'responder', 'manager', 'admin'],
    params: IncidentParams,
    responses: { 200: { description: 'The correlation', schema: Correlation } },
    errors: { 404: 'Unknown incident' },
    async handler({ params, deps }) {
      const { IncidentSummary, StatusEntry, DeliveryReceipt, Customer, Ticket } = deps.store.models;
      const summary = found(await IncidentSummary.findOne({ _id: params.id }).lean(), `incident ${params.id}`);
      const policy = defaultCorrelationPolicy;
      const detectedAt = Date.parse(summary.detectedAt);
      const endAt = summary.resolvedAt ? Date.parse(summary.resolvedAt) + policy.tailMs : Date.now();
      const [tickets, baselineTickets, entries, receipts] = await Promise.all([
        incidentTickets({ Ticket }, params.id),
        ticketsBetween({ Ticket }, new Date(detectedAt - policy.leadMs - policy.baselineMs), new Date(detectedAt - policy.leadMs)),
        StatusEntry.find({ incidentId: params.id }, { version: 1, phase: 1, publishedAt: 1 }).sort({ version: 1 }).lean(),
        DeliveryReceipt.find({ incidentId: params.id, channel: 'email', outcome: { $in: ['sent', 'in-doubt-resent'] } }, { recipient: 1, at: 1 }).lean(),
      ]);
      const addresses = [...new Set(receipts.map((r) => r.recipient.toLowerCase()))];
      const customers = addresses.length ? await Customer.find({ emails: { $in: addresses } }, { _id: 0, emails: 1, tier: 1 }).lean() : [];
      const tierOf = new Map(customers.flatMap((c) => c.emails.map((e) => [e.toLowerCase(), c.tier] as const)));
      const firstMessageAt: Record<string, number> = {};
      for (const r of receipts) {
        const tier = tierOf.get(r.recipient.toLowerCase());
        if (tier && !(firstMessageAt[tier] <= r.at.getTime())) firstMessageAt[tier] = r.at.getTime();
      }
      const marks = entries.map((e) => ({ version: e.version, phase: e.phase, at: e.publishedAt.getTime() }));
      const c = correlate({
        detectedAt, endAt, tickets, baselineTickets, marks, firstMessageAt,
        audienceSegments: Object.keys(summary.customersByTier ?? {}).filter((t) => (summary.customersByTier[t] ?? 0) > 0),
      }, policy);
      return {
        body: {
          incidentId: params.id, bucketMinutes: 5 as const, tickets: tickets.length, baselinePerBucket: c.baselinePerBucket,
          buckets: c.buckets.map((b) => ({ ...b, start: iso(b.start) })),
          marks: marks.map((m) => ({ version: m.version, phase: m.phase, publishedAt: iso(m.at) })),
          firstMessageBySegment: Object.fromEntries(Object.entries(firstMessageAt).map(([s, at]) => [s, iso(at)])),
          gaps: c.gaps.map((g) => ({ ...g, from: iso(g.from), to: iso(g.to) })),
          deltas: c.deltas.map(({ at, ...d }) => ({ ...d, publishedAt: iso(at) })),
        },
      };
    },
  }),
];
