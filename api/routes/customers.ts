import { z, ZodError } from 'zod';
import { inAppNotice } from '../../domain/status-page/notices';
import { affectedAudience } from '../../domain/audience';
import type { Severity } from '../../domain/incident';
import { CustomerSchema } from '../../domain/audience/service-model';
import type { StatusEntry } from '../../domain/status-page';
import { crossRowErrors, ImportTooLarge, readCustomerRows, toCustomerDoc, writeImport, type RowError } from '../../store/customer-import';
import type { CustomerDoc } from '../../store/models';
import type { ApiDeps } from '../deps';
import { found, HttpError } from '../errors';
import { defineRoute, routesUnder } from '../route';
import { isDuplicateKey } from '../../store/mongo';
import { newRecordId } from '../ids';


export const CustomerParams = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'not a valid customer ID') });
const customerRoute = routesUnder({ params: CustomerParams, notFound: 'Unknown customer', tags: ['service model'] });

const importLimits = { maxRows: 200_000, maxLineBytes: 64 * 1024 };
/** Row errors listed in one answer; the count covers them all. */
const reportedRowErrors = 1000;

/** A customer as the API shows it: webhook secrets never leave the store. */
function customerView(c: CustomerDoc) {
  const { webhooks, _id, __v, ...rest } = c as CustomerDoc & { _id?: unknown; __v?: unknown };
  return { ...rest, webhooks: (webhooks ?? []).map((w) => ({ url: w.url })) };
}

async function existingCustomerIds(deps: ApiDeps, ids: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += 1000) {
    const found = await deps.store.models.Customer.find({ customerId: { $in: ids.slice(i, i + 1000) } }, { customerId: 1 }).lean();
    for (const f of found) out.add(f.customerId);
  }
  return out;
}

async function knownComponentIds(deps: ApiDeps): Promise<Set<string>> {
  const all = await deps.store.models.Component.find({}, { componentId: 1 }).lean();
  return new Set(all.map((c) => c.componentId));
}

const CustomerViewSchema = z.object({ customerId: z.string(), name: z.string(), tier: z.string(), locale: z.string(), emails: z.array(z.string()), webhooks: z.array(z.object({ url: z.string() })), subscriptions: z.array(z.string()) }).passthrough();

const Notice = z.object({
  incidentId: z.string(),
  title: z.string(),
  severity: z.string(),
  category: z.string(),
  phase: z.string(),
  version: z.number(),
  subject: z.string(),
  body: z.string(),
  publishedAt: z.string(),
  via: z.array(z.string()),
  active: z.boolean(),
  statusPageUrl: z.string(),
});

export const customerRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/customers',
    summary: 'Add one customer with its contract, contacts, subscriptions and preferences',
    tags: ['service model'],
    roles: ['admin'],
    body: CustomerSchema,
    responses: { 201: { description: 'Created', schema: CustomerViewSchema } }, errors: { 409: 'A customer with this ID exists' },
    async handler({ body, deps }) {
      const known = await knownComponentIds(deps);
      const unknown = body.subscriptions.map((s, i) => ({ s, i })).filter(({ s }) => !known.has(s));
      if (unknown.length) {
        throw new ZodError(unknown.map(({ s, i }) => ({ code: 'custom' as const, path: ['subscriptions', i], message: `unknown component "${s}"`, input: s })));
      }
      // A DPA names sub-processors of the vendor registry (M5.4): an unknown one would never be assessed.
      const named = body.dpa?.subProcessors ?? [];
      const vendors = new Set(named.length ? (await deps.store.models.Vendor.find({ _id: { $in: named } }, { _id: 1 }).lean()).map((v) => v._id) : []);
      const unknownVendors = named.map((v, i) => ({ v, i })).filter(({ v }) => !vendors.has(v));
      if (unknownVendors.length) {
        throw new ZodError(unknownVendors.map(({ v, i }) => ({ code: 'custom' as const, path: ['dpa', 'subProcessors', i], message: `unknown vendor "${v}"`, input: v })));
      }
      const doc = toCustomerDoc(body);
      try {
        await deps.store.models.Customer.create(doc);
      } catch (err) {
        if (isDuplicateKey(err)) throw new HttpError(409, `customer "${body.customerId}" already exists`);
        throw err;
      }
      return { status: 201, body: customerView(doc), headers: { Location: `/v1/customers/${body.customerId}` } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/customers/import',
    summary: 'Bulk-import customers from an NDJSON stream: all rows land, or none do',
    tags: ['service model'],
    roles: ['admin'],
    streamBody: { contentType: 'application/x-ndjson', description: 'One customer per line, in the shape of POST /v1/customers' },
    responses: {
      201: { description: 'Every row imported', schema: z.object({ importId: z.string(), imported: z.number() }) },
    },
    errors: {
      400: 'Some rows are not valid; nothing was written. details.rows lists line numbers and issues',
      409: 'Some customers already exist; nothing was written',
      413: 'Too many rows or an overlong line',
      415: 'The body is not application/x-ndjson',
    },
    async handler({ request, deps }) {
      const type = String(request?.headers['content-type'] ?? '');
      if (!request || !/^application\/(x-ndjson|jsonl)\b/i.test(type)) {
        throw new HttpError(415, 'send the customers as application/x-ndjson, one JSON object per line');
      }
      let parsed;
      try {
        parsed = await readCustomerRows(request as AsyncIterable<Buffer>, importLimits);
      } catch (err) {
        if (err instanceof ImportTooLarge) throw new HttpError(413, `the import is too large: ${err.message}`);
        throw err;
      }
      const ids = parsed.rows.map((r) => r.customer.customerId);
      const rowErrors: RowError[] = [
        ...parsed.errors,
        ...crossRowErrors(parsed.rows, await knownComponentIds(deps), await existingCustomerIds(deps, ids)),
      ].sort((a, b) => a.line - b.line);
      if (rowErrors.length) {
        const onlyConflicts = rowErrors.every((e) => e.issues.every((i) => i.code === 'conflict'));
        throw new HttpError(
          onlyConflicts ? 409 : 400,
          `${rowErrors.length} of ${parsed.rows.length + parsed.errors.length} rows cannot be imported; nothing was written`,
          { invalidRows: rowErrors.length, rows: rowErrors.slice(0, reportedRowErrors) },
        );
      }
      if (!parsed.rows.length) throw new HttpError(400, 'the import has no rows');
      const importId = newRecordId('imp');
      const now = new Date();
      try {
        await writeImport(deps.store.models.Customer, parsed.rows.map((r) => toCustomerDoc(r.customer, importId, now)), importId, undefined, { transactions: deps.store.capabilities.transactions });
      } catch (err) {
        if (isDuplicateKey(err)) throw new HttpError(409, 'a customer in this import was created meanwhile; nothing was written');
        throw err;
      }
      return { status: 201, body: { importId, imported: parsed.rows.length } };
    },
  }),
  customerRoute({
    method: 'get',
    path: '/v1/customers/:id',
    summary: 'One customer: tier, locale, contract, contacts (webhook secrets withheld), subscriptions, preferences',
    roles: ['responder', 'manager', 'admin'],
    responses: { 200: { description: 'The customer', schema: CustomerViewSchema } },
    async handler({ params, deps }) {
      const c = found(await deps.store.models.Customer.findOne({ customerId: params.id }).lean<CustomerDoc>(), 'customer');
      return { body: customerView(c) };
    },
  }),
  customerRoute({
    method: 'get',
    path: '/v1/customers/:id/notices',
    summary: "In-app notices: the published messages of every incident that reaches this customer, newest first",
    roles: ['viewer', 'responder', 'approver', 'manager', 'admin'],
    responses: { 200: { description: 'Notices', schema: z.object({ customerId: z.string(), notices: z.array(Notice) }) } },
    async handler({ params, deps }) {
      const { Customer, Component, StatusEntry: Entries } = deps.store.models;
      const customer = found(await Customer.findOne({ customerId: params.id }, { 'webhooks.secret': 0 }).lean<CustomerDoc>(), 'customer');
      const [graph, entries] = await Promise.all([
        Component.find({}, { componentId: 1, dependsOn: 1 }).lean(),
        Entries.find({}).sort({ publishedAt: -1, version: -1 }).lean<StatusEntry[]>(),
      ]);
      const latest = new Map<string, StatusEntry>();
      for (const e of entries) if ((latest.get(e.incidentId)?.version ?? 0) < e.version) latest.set(e.incidentId, e);
      const reach = new Map<string, string[]>();
      for (const [incidentId, e] of latest) {
        // The one audience rule (M1.4): in-app notices only where the customer's preferences allow them.
        const [member] = affectedAudience(graph, [customer], { components: e.components, severity: e.severity as Severity });
        if (member?.channels.includes('in-app')) reach.set(incidentId, member.via);
      }
      const notices = entries
        .filter((e) => reach.has(e.incidentId))
        // The notice as the archive keeps it (M5.1), and the reader's own reach.
        .map((e) => ({ ...inAppNotice(e, deps.publicUrl), via: reach.get(e.incidentId)!, active: latest.get(e.incidentId)!.phase !== 'resolved' }));
      return { body: { customerId: customer.customerId, notices } };
    },
  }),
];
