import { z } from 'zod';
import { aggregateKpis, defaultGraceMinutes, incidentKpis, kpiGroupings, kpiPeriods } from '../../domain/kpis';
import { toCsv } from '../../domain/kpis/csv';
import { categories, severities } from '../../domain/incident';
import { kpiRecords } from '../../store/kpis';
import { HttpError } from '../errors';
import { assertIncidentExists, IncidentParams } from '../incident-params';
import { defineRoute, type RouteResult } from '../route';
import { flushTraffic } from '../status-traffic';
import { wanted } from '../negotiation';

const definitions = [
  'Definitions (minutes; percentiles by nearest rank; drill incidents left out unless `drills=include`):',
  'time to first external message = first status-page publication − detection (p50/p90, per severity; share within the playbook\'s first-message deadline);',
  'cadence adherence = share of gaps between consecutive external updates no longer than the interval the earlier update promised (its next-update time − its publication) plus the grace (`graceMinutes`, 3 by default);',
  'longest silence = the longest stretch without an external message, from detection to the first and between consecutive ones;',
  'approval latency = sign-off time − the time the version was drafted, per approver role (p50/p95);',
  'time blocked = from a version stopped by the publication checks or a channel gate until the next version reached the page (or the end);',
  'channel lag = delivery on a channel − the version on the page (p50/p95); delivery success = delivered / (delivered + failed);',
  'inquiry volume = war-room inquiries per hour; status traffic = reads of the public status routes in the incident window (its detection hour to its resolution), counted by Herald without addresses; clicks = tracked-link clicks per channel and segment;',
  'recurrence = incidents found recurring at declaration (M7.5).',
].join(' ');

const list = <T extends readonly [string, ...string[]]>(values?: T) => z.string().max(500).transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(values ? z.array(z.enum(values)) : z.array(z.string().min(1).max(200)));

const Common = z.object({
  format: z.enum(['json', 'csv']).optional().describe('csv also with `Accept: text/csv`'),
  graceMinutes: z.coerce.number().min(0).max(1440).optional().describe(`Grace on a promised update (default ${defaultGraceMinutes})`),
});

const KpiQuery = Common.extend({
  by: z.enum(kpiGroupings).default('severity').describe('How incidents are grouped'),
  period: z.enum(kpiPeriods).default('week').describe('The period of `by=period`'),
  severity: list(severities).optional().describe('Comma-separated severities'),
  category: list(categories).optional().describe('Comma-separated categories'),
  playbook: list().optional().describe('Comma-separated playbook IDs'),
  team: list().optional().describe('Comma-separated communication leads'),
  from: z.iso.datetime().optional().describe('Detected at or after'),
  to: z.iso.datetime().optional().describe('Detected before'),
  drills: z.enum(['include', 'exclude']).default('exclude'),
});

const Group = z.object({ key: z.string(), incidents: z.number() }).passthrough();
const csv = (rows: unknown[]): RouteResult => ({ body: toCsv(rows), contentType: 'text/csv; charset=utf-8' });

export const kpiRoutes = [
  defineRoute({
    method: 'get', path: '/v1/kpis', tags: ['kpis'], roles: ['manager', 'executive'],
    summary: `Communication KPIs aggregated over incidents, grouped by category, severity, playbook, team or period, as JSON or CSV (one row per group). ${definitions}`,
    query: KpiQuery,
    responses: { 200: { description: 'The KPIs of every incident together and of each group', schema: z.object({ by: z.string(), incidents: z.number(), overall: Group, groups: z.array(Group) }), alternatives: ['text/csv'] } },
    async handler({ query, headers, deps }) {
      await flushTraffic(deps.store.models);
      const now = new Date();
      const records = await kpiRecords(deps.store.models, {
        severities: query.severity, categories: query.category, playbooks: query.playbook, teams: query.team, from: query.from, to: query.to, drills: query.drills === 'include',
      }, now);
      const list = records.map((r) => incidentKpis(r, { graceMinutes: query.graceMinutes ?? defaultGraceMinutes, now: now.toISOString() }));
      const { overall, groups } = aggregateKpis(list, query.by, query.period);
      if (wanted('csv', query.format, headers.accept)) return csv([overall, ...groups]);
      return { body: { by: query.by, incidents: list.length, overall, groups } };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/incidents/:id/kpis', tags: ['kpis'], roles: ['manager', 'executive'],
    summary: `One incident's communication KPIs, as JSON or CSV (one row). ${definitions}`,
    params: IncidentParams, query: Common,
    responses: { 200: { description: "The incident's KPIs", schema: z.object({ incident: z.object({ id: z.string() }).passthrough() }).passthrough(), alternatives: ['text/csv'] } },
    errors: { 404: 'Unknown incident' },
    async handler({ params, query, headers, deps }) {
      await flushTraffic(deps.store.models);
      const now = new Date();
      const [records] = await kpiRecords(deps.store.models, { ids: [params.id], drills: true }, now);
      if (!records) {
        await assertIncidentExists(deps, params.id);
        throw new HttpError(404, 'the incident has no summary yet');
      }
      const kpis = incidentKpis(records, { graceMinutes: query.graceMinutes ?? defaultGraceMinutes, now: now.toISOString() });
      return wanted('csv', query.format, headers.accept) ? csv([kpis]) : { body: kpis };
    },
  }),
];
