import { z, ZodError } from 'zod';
import type { Role } from '../../config/api-keys';
import { assessObligations, VendorIdSchema, VendorSchema } from '../../domain/vendors';
import { createVendor, deleteVendor, dpaCustomersNaming, findVendor, listVendors, putVendor, vendorOf, type VendorDoc } from '../../store/vendors';
import { incidentStateQuery } from '../../workflows/messages';
import { obligationDoneUpdate, recordVendorUpdate, sendObligationNoticeUpdate } from '../../workflows/vendor-messages';
import type { ApiDeps } from '../deps';
import { found, HttpError } from '../errors';
import { incidentHandle, IncidentParams } from '../incident-params';
import { defineRoute, routesUnder, type Route } from '../route';

/**
 * The vendor registry and vendor disclosure (M5.4): configuration routes like the playbooks'
 * (everyone reads, admins and managers edit), and an incident's contributing vendor, whose
 * obligations Herald assesses from the registry and tracks in the incident's workflow.
 */

const readers: Role[] = ['viewer', 'responder', 'approver', 'manager', 'admin'];
const editors: Role[] = ['admin', 'manager'];
/** The incident's crew, as for the other incident actions. */
const crew: Role[] = ['responder', 'manager'];

const VendorParams = z.object({ vendorId: VendorIdSchema });
const vendorRoute = routesUnder({ params: VendorParams, notFound: 'Unknown vendor', tags: ['vendors'], readers });

const VendorView = z.object({
  vendorId: z.string(), name: z.string(), aliases: z.array(z.string()), services: z.array(z.string()), components: z.array(z.string()),
  subProcessor: z.boolean(), contract: z.object({ publicNaming: z.enum(['allowed', 'forbidden']) }).passthrough(),
  contacts: z.array(z.object({ name: z.string(), email: z.string(), role: z.string().optional() })),
  createdAt: z.string(), updatedAt: z.string(), updatedBy: z.string(),
});

function view(d: VendorDoc): z.infer<typeof VendorView> {
  return { ...vendorOf(d), createdAt: new Date(d.createdAt).toISOString(), updatedAt: new Date(d.updatedAt).toISOString(), updatedBy: d.updatedBy };
}

/** A vendor's components must be Herald's: a typo would tie the vendor to nothing. */
async function refuseUnknownComponents(deps: ApiDeps, components: string[]): Promise<void> {
  if (!components.length) return;
  const known = new Set((await deps.store.models.Component.find({ componentId: { $in: components } }, { componentId: 1 }).lean()).map((c) => c.componentId));
  const unknown = components.map((c, i) => ({ c, i })).filter(({ c }) => !known.has(c));
  if (unknown.length) throw new ZodError(unknown.map(({ c, i }) => ({ code: 'custom' as const, path: ['components', i], message: `unknown component "${c}"`, input: c })));
}

const Obligation = z.object({
  obligationId: z.string(), vendorId: z.string(), kind: z.string(), description: z.string(), to: z.array(z.string()), customerId: z.string().optional(),
  clause: z.string(), withinHours: z.number(), owner: z.string(), dueAt: z.string(), state: z.enum(['open', 'met', 'overdue']),
}).passthrough();

const ObligationParams = IncidentParams.extend({ obligationId: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,160}$/, 'not a valid obligation ID') });

/** The obligation as the incident holds it, or 404: the workflow's validator is the last word on its state. */
async function obligationOf(deps: ApiDeps, incidentId: string, obligationId: string) {
  const state = await incidentHandle(deps, incidentId).query(incidentStateQuery);
  return found(state.vendors?.obligations.find((o) => o.obligationId === obligationId), `obligation "${obligationId}" of incident ${incidentId}`);
}

export const vendorRoutes: Route[] = [
  defineRoute({
    method: 'get', path: '/v1/vendors', tags: ['vendors'], roles: readers,
    summary: 'The vendor registry: who provides what, their incident-notice terms, sub-processors, public naming and contacts',
    responses: { 200: { description: 'Vendors by ID', schema: z.object({ vendors: z.array(VendorView) }) } },
    async handler({ deps }) {
      return { body: { vendors: (await listVendors(deps.store.models)).map(view) } };
    },
  }),
  vendorRoute({
    method: 'get', path: '/v1/vendors/:vendorId',
    summary: 'One vendor of the registry',
    responses: { 200: { description: 'The vendor', schema: VendorView } },
    async handler({ params, deps }) {
      return { body: view(found(await findVendor(deps.store.models, params.vendorId), `vendor "${params.vendorId}"`)) };
    },
  }),
  defineRoute({
    method: 'post', path: '/v1/vendors', tags: ['vendors'], roles: editors,
    summary: 'Add a vendor to the registry (409 when its ID is taken)',
    body: VendorSchema,
    responses: { 201: { description: 'Added', schema: VendorView } },
    errors: { 409: 'A vendor with this ID exists' },
    async handler({ body, principal, deps }) {
      await refuseUnknownComponents(deps, body.components);
      const res = await createVendor(deps.store.models, body, principal!.name);
      if (res.outcome === 'exists') throw new HttpError(409, `vendor "${body.vendorId}" already exists; PUT /v1/vendors/${body.vendorId} replaces it`);
      return { status: 201, body: view(res.doc), headers: { Location: `/v1/vendors/${body.vendorId}` } };
    },
  }),
  vendorRoute({
    method: 'put', path: '/v1/vendors/:vendorId', roles: editors,
    summary: 'Create or replace a vendor whole; incidents that recorded it keep the terms they were assessed with',
    body: VendorSchema,
    responses: { 200: { description: 'Replaced', schema: VendorView }, 201: { description: 'Created', schema: VendorView } },
    async handler({ params, body, principal, deps }) {
      if (body.vendorId !== params.vendorId) {
        throw new ZodError([{ code: 'custom', path: ['vendorId'], message: `must match the URL: "${params.vendorId}"`, input: body.vendorId }]);
      }
      await refuseUnknownComponents(deps, body.components);
      const res = await putVendor(deps.store.models, body, principal!.name);
      return { status: res.created ? 201 : 200, body: view(res.doc), headers: { Location: `/v1/vendors/${params.vendorId}` } };
    },
  }),
  vendorRoute({
    method: 'delete', path: '/v1/vendors/:vendorId', roles: editors,
    summary: "Remove a vendor from the registry (409 while a customer's DPA names it)",
    responses: { 204: { description: 'Removed' } },
    errors: { 409: "A customer's data-processing agreement names this vendor" },
    async handler({ params, deps }) {
      const naming = await dpaCustomersNaming(deps.store.models, params.vendorId);
      if (naming.length) {
        throw new HttpError(409, `the DPAs of ${naming.map((c) => c.customerId).join(', ')} name "${params.vendorId}" as a sub-processor; change them first`, { customers: naming.map((c) => c.customerId) });
      }
      found((await deleteVendor(deps.store.models, params.vendorId)) || undefined, `vendor "${params.vendorId}"`);
      return { status: 204, body: '', contentType: 'text/plain' };
    },
  }),
  defineRoute({
    method: 'post', path: '/v1/incidents/:id/vendors', tags: ['incident actions'], roles: crew,
    summary: 'Record a vendor that contributed to the incident: Herald assesses its obligations from the registry (DPA customers, notices to and from the vendor) and tracks each with its deadline; public messages may then not name a vendor whose contract forbids it',
    params: IncidentParams,
    body: z.object({
      vendor: VendorIdSchema.describe('The vendor\'s registry ID'),
      note: z.string().trim().min(1).max(2000).optional().describe('How the vendor contributed'),
      owner: z.email().optional().describe('Who owns the obligations; the communication lead when absent'),
    }).strict(),
    responses: { 201: { description: 'Recorded, with the obligations now tracked', schema: z.object({ vendorId: z.string(), obligations: z.array(Obligation) }) } },
    errors: { 404: 'Unknown incident or vendor', 409: 'The vendor is recorded on this incident already, or the incident is closed' },
    async handler({ params, body, principal, deps }) {
      const doc = found(await findVendor(deps.store.models, body.vendor), `vendor "${body.vendor}"`);
      const vendor = vendorOf(doc);
      const customers = await dpaCustomersNaming(deps.store.models, vendor.vendorId);
      const names = new Map(customers.map((c) => [c.customerId, c.name]));
      const obligations = assessObligations(vendor, customers).map((o) => (o.customerId ? { ...o, customerName: names.get(o.customerId) } : o));
      const result = await incidentHandle(deps, params.id).executeUpdate(recordVendorUpdate, {
        args: [{
          vendor: { vendorId: vendor.vendorId, name: vendor.name, subProcessor: vendor.subProcessor, publicNaming: vendor.contract.publicNaming, ...(vendor.contract.clause ? { clause: vendor.contract.clause } : {}) },
          obligations, by: principal!.name, ...(body.note ? { note: body.note } : {}), ...(body.owner ? { owner: body.owner } : {}),
        }],
      });
      return { status: 201, body: result };
    },
  }),
  defineRoute({
    method: 'post', path: '/v1/incidents/:id/obligations/:obligationId/done', tags: ['incident actions'], roles: crew,
    summary: 'Mark a vendor obligation met, with its evidence (what was sent to whom, a reference)',
    params: ObligationParams,
    body: z.object({
      summary: z.string().trim().min(1).max(2000).describe('How the obligation was met'),
      reference: z.string().trim().min(1).max(500).optional().describe('A ticket, message ID or document'),
    }).strict(),
    responses: { 200: { description: 'Met', schema: Obligation } },
    errors: { 404: 'Unknown incident or obligation', 409: 'The obligation was met already, or its notice is being sent' },
    async handler({ params, body, principal, deps }) {
      await obligationOf(deps, params.id, params.obligationId);
      const result = await incidentHandle(deps, params.id).executeUpdate(obligationDoneUpdate, {
        args: [{ obligationId: params.obligationId, evidence: { summary: body.summary, ...(body.reference ? { reference: body.reference } : {}) }, by: principal!.name }],
      });
      return { body: result };
    },
  }),
  defineRoute({
    method: 'post', path: '/v1/incidents/:id/obligations/:obligationId/send', tags: ['incident actions'], roles: crew,
    summary: "Send a DPA customer's sub-processor notice through the customer email path (gated, archived); its deliveries meet the obligation",
    params: ObligationParams,
    body: z.object({
      subject: z.string().trim().min(3).max(200).optional().describe("Herald's standard wording when absent"),
      text: z.string().trim().min(1).max(20000).optional(),
    }).strict(),
    responses: { 202: { description: 'Queued; the obligation is met once the notice is delivered', schema: z.object({ obligationId: z.string(), queued: z.literal(true) }) } },
    errors: { 400: "The obligation is not a customer's notice", 404: 'Unknown incident or obligation', 409: 'The obligation was met already, or its notice is being sent' },
    async handler({ params, body, principal, deps }) {
      await obligationOf(deps, params.id, params.obligationId);
      const result = await incidentHandle(deps, params.id).executeUpdate(sendObligationNoticeUpdate, {
        args: [{ obligationId: params.obligationId, by: principal!.name, ...body }],
      });
      return { status: 202, body: result };
    },
  }),
];
