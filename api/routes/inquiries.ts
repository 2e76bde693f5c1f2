import { z } from 'zod';
import { defaultGatePolicy } from '../../config/gate';
import { passExternalGate } from '../../domain/gate';
import { customerResponse, InquirySchema, stripPersonalData, type InquiryRecord } from '../../domain/inquiries';
import type { StatusEntry } from '../../domain/status-page';
import { found, HttpError } from '../errors';
import { assertIncidentExists, IncidentParams } from '../incident-params';
import { defineRoute } from '../route';
import { newRecordId } from '../ids';
import { forbiddenVendorsForGate } from '../../store/vendors';

const InquiryParams = IncidentParams.extend({ inquiryId: z.string().regex(/^inq-[a-z0-9-]{4,64}$/, 'not a valid inquiry ID') });

const FeedItem = z.object({
  inquiryId: z.string(),
  incidentId: z.string(),
  source: z.string(),
  customerId: z.string().optional(),
  text: z.string(),
  internalNote: z.string().optional(),
  redactions: z.record(z.string(), z.number()),
  receivedAt: z.string(),
  receivedBy: z.string(),
});

function feedItem(r: InquiryRecord) {
  return {
    inquiryId: r.inquiryId,
    incidentId: r.incidentId,
    source: r.source,
    ...(r.customerId ? { customerId: r.customerId } : {}),
    text: r.text,
    ...(r.internalNote ? { internalNote: r.internalNote } : {}),
    redactions: r.redactions,
    receivedAt: r.receivedAt.toISOString(),
    receivedBy: r.receivedBy,
  };
}

export const inquiryRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/incidents/:id/inquiries',
    summary: "Attach a customer inquiry to the incident's war-room feed, personal data stripped",
    tags: ['inquiries'],
    roles: ['responder'],
    params: IncidentParams,
    body: InquirySchema,
    responses: { 201: { description: 'The feed item as stored', schema: FeedItem } }, errors: { 404: 'Unknown incident, customer or inquiry' },
    async handler({ params, body, principal, deps }) {
      await assertIncidentExists(deps, params.id);
      const names: string[] = [];
      if (body.customerId) {
        const c = found(await deps.store.models.Customer.findOne({ customerId: body.customerId }, { name: 1, accountManager: 1 }).lean(), 'customer');
        names.push(c.name, ...(c.accountManager ? [c.accountManager.name] : []));
      }
      const text = stripPersonalData(body.text, names);
      const note = body.internalNote ? stripPersonalData(body.internalNote, names) : undefined;
      const redactions = { ...text.removed };
      for (const [k, n] of Object.entries(note?.removed ?? {})) redactions[k as keyof typeof redactions] = (redactions[k as keyof typeof redactions] ?? 0) + n;
      const record: InquiryRecord = {
        inquiryId: newRecordId('inq'),
        incidentId: params.id,
        source: body.source,
        ...(body.customerId ? { customerId: body.customerId } : {}),
        text: text.text,
        ...(note ? { internalNote: note.text } : {}),
        redactions,
        receivedAt: new Date(),
        receivedBy: principal!.name,
      };
      await deps.store.models.Inquiry.create(record);
      return { status: 201, body: feedItem(record), headers: { Location: `/v1/incidents/${params.id}/war-room#${record.inquiryId}` } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/incidents/:id/war-room',
    summary: "The incident's war-room feed of inquiries, oldest first",
    tags: ['inquiries'],
    roles: ['responder', 'manager'],
    params: IncidentParams,
    responses: { 200: { description: 'The feed', schema: z.object({ incidentId: z.string(), inquiries: z.array(FeedItem) }) } }, errors: { 404: 'Unknown incident, customer or inquiry' },
    async handler({ params, deps }) {
      await assertIncidentExists(deps, params.id);
      const items = await deps.store.models.Inquiry.find({ incidentId: params.id }).sort({ receivedAt: 1, inquiryId: 1 }).lean<InquiryRecord[]>();
      return { body: { incidentId: params.id, inquiries: items.map(feedItem) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/incidents/:id/inquiries/:inquiryId/response',
    summary: 'What the customer who asked is told: the latest published update, never an internal note',
    tags: ['inquiries'],
    roles: ['responder', 'manager'],
    params: InquiryParams,
    responses: {
      200: {
        description: 'The customer-facing response',
        schema: z.object({ inquiryId: z.string(), incidentId: z.string(), receivedAt: z.string(), subject: z.string(), text: z.string(), statusPageUrl: z.string() }),
      },
    },
    errors: {
      404: 'Unknown incident, customer or inquiry',
      409: 'The external gate refuses the reply',
    },
    async handler({ params, deps }) {
      const inquiry = found(await deps.store.models.Inquiry.findOne({ incidentId: params.id, inquiryId: params.inquiryId }).lean<InquiryRecord>(), 'inquiry');
      const [latest] = await deps.store.models.StatusEntry.find({ incidentId: params.id }).sort({ version: -1 }).limit(1).lean<StatusEntry[]>();
      const reply = customerResponse(inquiry, latest, `${deps.publicUrl}/status#${encodeURIComponent(params.id)}`);
      const gate = passExternalGate({ subject: reply.subject, text: reply.text, html: '' }, { ...defaultGatePolicy, forbiddenVendors: await forbiddenVendorsForGate(deps.store.models) });
      if (!gate.allowed) throw new HttpError(409, 'the latest update cannot be quoted to a customer safely; answer by hand');
      return { body: { ...reply, subject: gate.content.subject, text: gate.content.text } };
    },
  }),
];
