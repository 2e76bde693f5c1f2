import { z } from 'zod';

/**
 * Support tickets as the desks send them (M6.2), each made into one `TicketInput`: Zendesk (the
 * JSON body of a ticket-created trigger's webhook, or the `zen:event-type:ticket.created` event),
 * Intercom (the `conversation.user.created` topic's notification) and Herald's own generic form.
 */

export const ticketSources = ['zendesk', 'intercom', 'generic'] as const;
export type TicketSource = (typeof ticketSources)[number];

export interface TicketInput {
  source: TicketSource;
  /** The desk's own ID: one ticket is stored once per source, however often it is delivered. */
  externalId: string;
  createdAt: string;
  requesterEmail?: string;
  organization?: string;
  customerId?: string;
  /** Tags and fields that may name components (IDs), as the desk sent them. */
  labels: string[];
  subject: string;
  text: string;
}

const text = (max: number) => z.string().max(max);
const isoOrUnix = z.union([z.iso.datetime({ offset: true }), z.number().int().positive().max(253402300799).describe('Unix seconds, up to the end of year 9999')]);
const toIso = (v: string | number) => (typeof v === 'number' ? new Date(v * 1000).toISOString() : new Date(v).toISOString());
/** Zendesk renders `{{ticket.tags}}` as one space-separated string. */
const tagList = z.union([z.array(text(100)).max(50), text(2000).transform((s) => s.split(/[\s,]+/).filter(Boolean).slice(0, 50))]);

/**
 * The body Herald asks a Zendesk trigger to send (see the README): its placeholders render as strings.
 * `{"ticket":{"id":"{{ticket.id}}","subject":"{{ticket.title}}","description":"{{ticket.description}}",
 * "created_at":"{{ticket.created_at_with_timestamp}}","requester_email":"{{ticket.requester.email}}",
 * "organization":"{{ticket.organization.external_id}}","tags":"{{ticket.tags}}"}}`
 */
const ZendeskTriggerBody = z.object({
  ticket: z.object({
    id: z.union([text(64).min(1), z.number().int()]),
    subject: text(500).default(''),
    description: text(20_000).default(''),
    created_at: z.iso.datetime({ offset: true }),
    requester_email: z.union([z.email(), z.literal('')]).optional(),
    organization: text(200).optional(),
    tags: tagList.default([]),
  }),
});

/** Zendesk's event-subscribed webhook for a new ticket. */
const ZendeskEventBody = z.object({
  type: z.literal('zen:event-type:ticket.created'),
  id: text(100),
  time: z.iso.datetime({ offset: true }),
  detail: z.object({
    id: z.union([text(64).min(1), z.number().int()]),
    subject: text(500).default(''),
    description: text(20_000).default(''),
    created_at: z.iso.datetime({ offset: true }),
    organization_id: z.union([text(64), z.number().int()]).nullish(),
    tags: z.array(text(100)).max(50).default([]),
  }),
});

export const ZendeskWebhookSchema = z.union([ZendeskTriggerBody, ZendeskEventBody]).describe(
  "A Zendesk webhook: the JSON body of a ticket-created trigger (Herald's documented shape) or the zen:event-type:ticket.created event",
);

export function ticketFromZendesk(body: z.infer<typeof ZendeskWebhookSchema>): TicketInput {
  if ('ticket' in body) {
    const t = body.ticket;
    return {
      source: 'zendesk', externalId: String(t.id), createdAt: toIso(t.created_at),
      ...(t.requester_email ? { requesterEmail: t.requester_email.toLowerCase() } : {}),
      ...(t.organization ? { organization: t.organization } : {}),
      labels: t.tags, subject: t.subject, text: t.description,
    };
  }
  const d = body.detail;
  return {
    source: 'zendesk', externalId: String(d.id), createdAt: toIso(d.created_at),
    ...(d.organization_id != null ? { organization: String(d.organization_id) } : {}),
    labels: d.tags, subject: d.subject, text: d.description,
  };
}

/** Intercom's notification envelope; only `conversation.user.created` carries a ticket, `ping` is its handshake. */
export const IntercomNotificationSchema = z.object({
  type: z.literal('notification_event'),
  topic: text(100).min(1),
  id: text(100).min(1),
  created_at: z.number().int().positive(),
  data: z.object({
    item: z.object({
      type: text(50),
      id: z.union([text(64).min(1), z.number().int()]),
      created_at: z.number().int().positive().optional(),
      source: z.object({
        subject: text(500).nullish(),
        body: text(20_000).nullish(),
        author: z.object({ email: z.union([z.email(), z.literal('')]).nullish(), name: text(200).nullish() }).partial().passthrough().optional(),
      }).passthrough().optional(),
      tags: z.object({ tags: z.array(z.object({ name: text(100) }).passthrough()).max(50) }).passthrough().optional(),
      custom_attributes: z.record(z.string(), z.unknown()).optional(),
    }).passthrough(),
  }).passthrough(),
}).passthrough().describe('An Intercom webhook notification (topic conversation.user.created; ping is acknowledged)');

/** Intercom's conversation parts are HTML; the ticket keeps the words. */
function plain(html: string): string {
  return html.replace(/<br\s*\/?>|<\/p>/gi, '\n').replace(/<[^>]*>/g, '').replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").trim();
}

export function ticketFromIntercom(n: z.infer<typeof IntercomNotificationSchema>): TicketInput {
  const item = n.data.item;
  const attrs = Object.values(item.custom_attributes ?? {}).filter((v): v is string => typeof v === 'string');
  const email = item.source?.author?.email;
  return {
    source: 'intercom', externalId: String(item.id), createdAt: toIso(item.created_at ?? n.created_at),
    ...(email ? { requesterEmail: email.toLowerCase() } : {}),
    labels: [...(item.tags?.tags.map((t) => t.name) ?? []), ...attrs.slice(0, 20)],
    subject: plain(item.source?.subject ?? ''), text: plain(item.source?.body ?? ''),
  };
}

export const GenericTicketSchema = z.object({
  externalId: text(100).min(1).describe('The ticket ID in your desk; a second delivery of it is stored once'),
  createdAt: isoOrUnix.optional().describe('When the customer opened it (ISO 8601 or Unix seconds); now when absent'),
  customerId: text(64).min(1).optional(),
  requesterEmail: z.email().optional(),
  organization: text(200).optional(),
  components: z.array(text(64).min(1)).max(20).default([]),
  subject: text(500).default(''),
  text: text(20_000).min(1),
});

export function ticketFromGeneric(b: z.infer<typeof GenericTicketSchema>, now: Date): TicketInput {
  return {
    source: 'generic', externalId: b.externalId, createdAt: b.createdAt === undefined ? now.toISOString() : toIso(b.createdAt),
    ...(b.customerId ? { customerId: b.customerId } : {}),
    ...(b.requesterEmail ? { requesterEmail: b.requesterEmail.toLowerCase() } : {}),
    ...(b.organization ? { organization: b.organization } : {}),
    labels: b.components, subject: b.subject, text: b.text,
  };
}
