import { z } from 'zod';
import { incidentTimeline, milestoneNames, type Timeline, type TimelineNotice } from '../../domain/timeline';
import { annotationsOf, type TimelineAnnotationDoc } from '../../store/timeline-annotations';
import { timelinePage } from '../../views/timeline';
import { found, HttpError } from '../errors';
import { IncidentParams } from '../incident-params';
import { defineRoute } from '../route';
import type { ApiDeps } from '../deps';
import { newRecordId } from '../ids';
import { wanted } from '../negotiation';

const Event = z.object({ at: z.string(), kind: z.string(), detail: z.string(), version: z.number().optional(), channel: z.string().optional() });
const Annotation = z.object({ id: z.string(), milestone: z.enum(milestoneNames), at: z.string(), note: z.string(), by: z.string(), annotatedAt: z.string() });
const TimelineQuery = z.object({ format: z.enum(['json', 'html']).optional().describe('html: the same timeline as a page for the post-incident review (also with `Accept: text/html`)') });
const AnnotationBody = z.strictObject({
  milestone: z.enum(milestoneNames),
  at: z.iso.datetime({ offset: true }).describe('When the milestone really happened, as the review found it'),
  note: z.string().trim().min(3).max(2000).describe('Why the time is corrected: the evidence'),
});

const readers = ['manager', 'executive'] as const;

async function timelineOf(deps: ApiDeps, id: string): Promise<{ detectedAt: string; title: string; severity: string; timeline: Timeline }> {
  const models = deps.store.models;
  const summary = found(await models.IncidentSummary.findById(id, { detectedAt: 1, title: 1, severity: 1, components: 1 }).lean(), 'incident');
  const [audit, annotations, notices, markers] = await Promise.all([
    models.AuditRecord.find({ incidentId: id }, { seq: 1, step: 1, at: 1, actor: 1, details: 1 }).sort({ seq: 1 }).lean(),
    annotationsOf(models, id),
    internalNotices(deps, id),
    models.ComponentMarker.find({ componentId: { $in: summary.components } }, { componentId: 1, status: 1, alertName: 1, setAt: 1 }).lean(),
  ]);
  const context = {
    notices, severity: summary.severity,
    markers: markers.map((m) => ({ componentId: m.componentId, status: m.status, alertName: m.alertName, setAt: new Date(m.setAt).toISOString() })),
  };
  return { detectedAt: summary.detectedAt, title: summary.title, severity: summary.severity, timeline: incidentTimeline(summary.detectedAt, audit, annotations, context) };
}

/** The incident's internal notices as their deliveries record them (activities/email.ts): one per notice, when it first went. */
async function internalNotices(deps: ApiDeps, incidentId: string): Promise<TimelineNotice[]> {
  const sent = await deps.store.models.Delivery.find({ incidentId, channel: 'internal', status: 'sent' }, { key: 1, sentAt: 1 }).lean();
  const byNotice = new Map<string, TimelineNotice>();
  for (const d of sent) {
    // The key is `<incident>|v0|internal:<notice>|<recipient>`.
    const noticeId = /\|internal:([^|]+)\|/.exec(d.key)?.[1];
    if (!noticeId || !d.sentAt) continue;
    const at = new Date(d.sentAt).toISOString();
    const n = byNotice.get(noticeId);
    if (!n) byNotice.set(noticeId, { noticeId, at, recipients: 1 });
    else {
      n.recipients++;
      if (at < n.at) n.at = at;
    }
  }
  return [...byNotice.values()];
}

export const timelineRoutes = [
  defineRoute({
    method: 'get', path: '/v1/incidents/:id/timeline', tags: ['incidents'], roles: [...readers], page: true,
    summary: 'The incident timeline for the review: milestones (detected, declared, identified, mitigated, resolved) against the communications per audience (customers: every version on every channel; internal: every notice to staff, updates and briefings), the lag in minutes from each milestone (its corrected time, where a reviewer annotated one) to the next message to each audience, and inconsistencies (a "resolved" message while an alert still fires, a component the page shows in another status than the message says, locales published apart); as JSON, or as a page (format=html; a browser signed in at /dashboard?key= reads it with its cookie)',
    params: IncidentParams,
    query: TimelineQuery,
    responses: {
      200: {
        description: 'The two lanes',
        alternatives: ['text/html'],
        schema: z.object({
          incidentId: z.string(),
          milestones: z.array(Event.extend({ milestone: z.string(), correctedAt: z.string().optional(), annotations: z.array(Annotation) })),
          communications: z.object({ customers: z.array(Event), internal: z.array(Event) }),
          lags: z.array(z.object({ milestone: z.string(), audience: z.string(), minutes: z.number().nullable() })),
          inconsistencies: z.array(z.object({ at: z.string(), kind: z.string(), detail: z.string(), version: z.number().optional() })),
        }),
      },
    },
    errors: { 404: 'Unknown incident' },
    async handler({ params, query, headers, deps }) {
      const t = await timelineOf(deps, params.id);
      if (wanted('html', query.format, headers.accept)) {
        return {
          body: timelinePage({ incidentId: params.id, title: t.title, severity: t.severity, timeline: t.timeline, now: new Date() }), contentType: 'text/html; charset=utf-8',
          headers: { 'Cache-Control': 'no-store', 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'", 'Referrer-Policy': 'no-referrer', 'X-Content-Type-Options': 'nosniff' },
        };
      }
      return { body: { incidentId: params.id, ...t.timeline } };
    },
  }),
  defineRoute({
    method: 'post', path: '/v1/incidents/:id/timeline/annotations', tags: ['incidents'], roles: ['manager', 'responder'],
    summary: "Correct a milestone's time for the review, with the evidence: an annotation beside the original, which stays; the lags are measured from the latest correction",
    params: IncidentParams,
    body: AnnotationBody,
    responses: { 201: { description: 'The annotation', schema: Annotation } },
    errors: { 404: 'Unknown incident', 409: 'The incident has not reached that milestone' },
    async handler({ params, body, principal, deps }) {
      const t = await timelineOf(deps, params.id);
      if (!t.timeline.milestones.some((m) => m.milestone === body.milestone)) throw new HttpError(409, `${params.id} has not reached the milestone ${body.milestone}`);
      const at = new Date(body.at);
      if (at.getTime() > Date.now()) throw new HttpError(400, 'a milestone cannot be corrected to a time in the future');
      const doc: TimelineAnnotationDoc = {
        _id: newRecordId('ta'), incidentId: params.id, milestone: body.milestone,
        at: at.toISOString(), note: body.note, by: principal!.name, annotatedAt: new Date().toISOString(),
      };
      await deps.store.models.TimelineAnnotation.create(doc);
      const { _id, incidentId: _incident, ...rest } = doc;
      return { status: 201, body: { id: _id, ...rest } };
    },
  }),
];
