import { z } from 'zod';
import { categories, severities } from '../../domain/incident/core';
import { incidentStatuses } from '../../domain/incident/summary';
import { approverRoleNames } from '../../config/api-keys';
import { listIncidentSummaries, type IncidentCursor, type IncidentSortKey } from '../../store/incident-summaries';
import { defineRoute } from '../route';
import { incidentReaders } from './incidents';

/** A filter given once, repeated (`?severity=SEV1&severity=SEV2`) or as a comma list (`?severity=SEV1,SEV2`). */
function listOf<T extends string>(item: z.ZodType<T, string>, what: string) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(item).min(1).max(20))
    .optional()
    .describe(`${what}; repeated or comma-separated, any of them matches`);
}

const oneOf = (values: readonly string[]) => values.join(', ');

const sortKeys = ['detectedAt', 'severity', 'updatedAt'] as const satisfies readonly IncidentSortKey[];
const orders = ['asc', 'desc'] as const;

const CursorSchema = z.object({ sort: z.enum(sortKeys), order: z.enum(orders), value: z.string(), id: z.string() });

/** The cursor is opaque to callers: the position of a page's last incident, base64url JSON. */
const encodeCursor = (c: IncidentCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

const cursorParam = z
  .string()
  .max(1000)
  .transform((s, ctx) => {
    try {
      return CursorSchema.parse(JSON.parse(Buffer.from(s, 'base64url').toString('utf8')));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not a cursor this API gave out' });
      return z.NEVER;
    }
  });

const ListQuery = z
  .object({
    status: listOf(z.enum(['open', ...incidentStatuses]), `open (anything not resolved) or a status: ${oneOf(incidentStatuses)}`),
    severity: listOf(z.enum(severities), oneOf(severities)),
    category: listOf(z.enum(categories), oneOf(categories)),
    component: listOf(z.string().min(1).max(100), 'Component IDs the incident touches'),
    tag: listOf(z.string().min(1).max(63), 'Tags the incident carries'),
    lead: z.string().min(1).max(200).optional().describe('The communication lead, exactly'),
    declaredVia: z.enum(['alert', 'person']).optional().describe('Opened by a monitoring alert, or declared by a person'),
    from: z.iso.datetime({ offset: true }).optional().describe('Detected at or after'),
    to: z.iso.datetime({ offset: true }).optional().describe('Detected before'),
    drill: z.enum(['true', 'false']).default('false').describe('Drills instead of real incidents (default: real ones)'),
    q: z.string().trim().min(1).max(200).optional().describe('Words the title contains, in any case'),
    sort: z.enum(sortKeys).default('detectedAt').describe('detectedAt, severity (descending: SEV1 first) or updatedAt'),
    order: z.enum(orders).default('desc'),
    cursor: cursorParam.optional().describe('The `next` of the previous page, with the same sort and order'),
    limit: z.coerce.number().int().min(1).max(100).default(25),
  })
  .superRefine((q, ctx) => {
    if (q.cursor && (q.cursor.sort !== q.sort || q.cursor.order !== q.order)) {
      ctx.addIssue({ code: 'custom', path: ['cursor'], message: `the cursor belongs to sort=${q.cursor.sort}&order=${q.cursor.order}` });
    }
    if (q.from && q.to && Date.parse(q.from) >= Date.parse(q.to)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be later than from' });
  });

const iso = (s: string) => new Date(s).toISOString();

const IncidentSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(incidentStatuses),
  severity: z.enum(severities),
  category: z.enum(categories),
  tags: z.array(z.string()),
  components: z.array(z.string()),
  lead: z.string().optional(),
  playbook: z.object({ id: z.string(), version: z.number() }).optional(),
  declaredBy: z.string(),
  declaredVia: z.enum(['alert', 'person']),
  drill: z.boolean(),
  detectedAt: z.string(),
  openDeadlines: z.array(z.object({ kind: z.string(), dueAt: z.string(), tiers: z.array(z.string()).optional(), customers: z.number().optional() })),
  firstMessageDueAt: z.string(),
  firstExternalMessageAt: z.string().optional(),
  lastExternalUpdate: z.object({ version: z.number(), phase: z.string(), publishedAt: z.string() }).optional(),
  nextExternalUpdateDueAt: z.string().optional(),
  pendingApprovers: z.array(z.enum(approverRoleNames)),
  customersAffected: z.number(),
  customersByTier: z.record(z.string(), z.number()),
  impact: z.string(),
  resolvedAt: z.string().optional(),
  alertFingerprints: z.array(z.string()).optional().describe('Fingerprints of the alerts that opened or joined it'),
  rootCause: z.string().optional().describe('The confirmed root cause'),
  recurrence: z.object({ count: z.number().int(), chronic: z.boolean(), priorIncidents: z.array(z.string()) }).optional()
    .describe('Earlier incidents of the same problem, found at declaration (see GET /v1/incidents/{id}/recurrence)'),
  seq: z.number().int().describe('The summary\'s number: each change of the incident writes the next'),
  updatedAt: z.string().describe('When the incident last changed'),
});

const IncidentList = z.object({
  incidents: z.array(IncidentSummarySchema),
  next: z.string().nullable().describe('The cursor of the next page; null on the last'),
  counts: z.object({
    total: z.number().int().describe('Incidents matching the filter, on every page'),
    byStatus: z.record(z.string(), z.number().int()),
    bySeverity: z.record(z.string(), z.number().int()),
  }),
});

/** The open statuses, for `status=open`. */
const openStatuses = incidentStatuses.filter((s) => s !== 'resolved');

export const incidentListRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/incidents',
    summary: 'Incidents from the read model: filtered, searched by title, sorted, a page at a time, with counts by status and severity',
    tags: ['incidents'],
    roles: incidentReaders,
    query: ListQuery,
    responses: { 200: { description: 'A page of incident summaries', schema: IncidentList } },
    async handler({ query, deps }) {
      const statuses = query.status && [...new Set(query.status.flatMap((s) => (s === 'open' ? openStatuses : [s])))];
      const page = await listIncidentSummaries(deps.store.models, {
        statuses, severities: query.severity, categories: query.category, components: query.component, tags: query.tag,
        lead: query.lead, declaredVia: query.declaredVia, from: query.from && iso(query.from), to: query.to && iso(query.to),
        drill: query.drill === 'true', text: query.q,
      }, { sort: query.sort, order: query.order, limit: query.limit, after: query.cursor });
      return {
        body: {
          incidents: page.incidents.map(({ _id, ...summary }) => summary),
          next: page.next ? encodeCursor(page.next) : null,
          counts: page.counts,
        },
      };
    },
  }),
];
