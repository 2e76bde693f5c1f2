import { z } from 'zod';
import { clickSummary, readTrackingToken, statusPageDestination, trackedLink } from '../../domain/tracking';
import { linkSecret } from '../../config/tracking';
import { clickCounts, recordClick } from '../../store/tracking';
import { HttpError } from '../errors';
import { assertIncidentExists, IncidentParams } from '../incident-params';
import { defineRoute } from '../route';

const label = z.string().regex(/^[A-Za-z0-9._-]{1,50}$/, 'letters, digits, dot, dash or underscore; up to 50');

export const trackingRoutes = [
  defineRoute({
    method: 'get',
    path: '/r/:token',
    summary: 'Tracked status-page link: counts the click and forwards to the page with UTM parameters (public)',
    tags: ['tracking'],
    params: z.object({ token: z.string().max(600).regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'not a tracking token') }),
    responses: { 302: { description: 'Forward to the status page' } }, errors: { 404: 'Not a link Herald made' },
    async handler({ params, deps }) {
      const ctx = readTrackingToken(params.token, linkSecret());
      if (!ctx) throw new HttpError(404, 'this link was not made by Herald');
      await recordClick(deps.store.models, ctx);
      const location = statusPageDestination(deps.publicUrl, ctx);
      return { status: 302, headers: { Location: location }, body: `Found. Redirecting to ${location}`, contentType: 'text/plain' };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/incidents/:id/tracked-links',
    summary: 'Make a tracked status-page link for a channel, segment and message version',
    tags: ['tracking'],
    roles: ['responder'],
    params: IncidentParams,
    body: z.object({ channel: label, segment: label, version: z.number().int().min(1) }),
    responses: { 201: { description: 'The link', schema: z.object({ url: z.string() }) } }, errors: { 404: 'Unknown incident' },
    async handler({ params, body, deps }) {
      await assertIncidentExists(deps, params.id);
      return { status: 201, body: { url: trackedLink(deps.publicUrl, { incidentId: params.id, ...body }, linkSecret()) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/incidents/:id/clicks',
    summary: 'Status-page link clicks of an incident, per message version, channel and segment',
    tags: ['tracking'],
    roles: ['manager'],
    params: IncidentParams,
    responses: {
      200: {
        description: 'Click counts',
        schema: z.object({
          incidentId: z.string(), total: z.number(), byVersion: z.record(z.string(), z.number()), byChannel: z.record(z.string(), z.number()),
          bySegment: z.record(z.string(), z.number()), rows: z.array(z.object({ version: z.number(), channel: z.string(), segment: z.string(), count: z.number() })),
        }),
      },
    },
    errors: {
      404: 'Unknown incident',
    },
    async handler({ params, deps }) {
      const rows = await clickCounts(deps.store.models, params.id);
      if (!rows.length) await assertIncidentExists(deps, params.id);
      return { body: { incidentId: params.id, ...clickSummary(rows), rows: rows.map(({ version, channel, segment, count }) => ({ version, channel, segment, count })) } };
    },
  }),
];
