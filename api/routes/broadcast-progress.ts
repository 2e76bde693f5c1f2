import { z } from 'zod';
import { broadcastProgress } from '../../domain/delivery/progress';
import { publicationFacts } from '../../store/broadcast-progress';
import { versionsQuery } from '../../workflows/messages';
import { HttpError } from '../errors';
import { assertIncidentExists, incidentHandle, IncidentParams } from '../incident-params';
import { routesUnder } from '../route';
import { incidentReaders } from './incidents';

/**
 * How far each published version's fan-out has come (sent of total, per channel, rate, ETA), read
 * from the store the fan-out writes (broadcast plans, receipts, the channel log, the audit trail).
 * `herald publish --wait` and `herald watch` poll it; so can a person.
 */

const ChannelProgressSchema = z.object({
  channel: z.string().describe('status-page, status-api, in-app, email, webhook, slack or internal-email'),
  state: z.enum(['sending', 'done']),
  total: z.number().int().describe('Recipients of the channel: entries, addresses, customers, endpoints or lists'),
  sent: z.number().int(),
  failed: z.number().int().describe('Refused for good, or still failing after their retries'),
  deferred: z.number().int().describe('Email: recipients emailed less than the playbook window ago, whose update waits for their digest'),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
});

const ProgressSchema = z.object({
  version: z.number().int(),
  state: z.enum(['not-started', 'sending', 'finished']).describe('finished once every channel has delivered the version'),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  total: z.number().int().describe('Over the channels known so far; more may join until the state is finished'),
  sent: z.number().int(),
  failed: z.number().int(),
  deferred: z.number().int(),
  pending: z.number().int(),
  ratePerSecond: z.number().describe('Email deliveries settled per second since the broadcast was planned'),
  etaSeconds: z.number().nullable().describe('Seconds until the email still pending is settled at that rate; 0 once done, null while unknown'),
  channels: z.array(ChannelProgressSchema),
});

const incidentRoute = routesUnder({ params: IncidentParams, notFound: 'Unknown incident', tags: ['incidents'], readers: incidentReaders });
const VersionParams = IncidentParams.extend({ version: z.coerce.number().int().positive() });

export const broadcastProgressRoutes = [
  incidentRoute({
    method: 'get',
    path: '/v1/incidents/:id/broadcasts',
    summary: "The delivery progress of every version the incident published or is publishing: sent of total, per channel, rate and ETA",
    responses: { 200: { description: 'Versions oldest first', schema: z.object({ incidentId: z.string(), broadcasts: z.array(ProgressSchema) }) } },
    async handler({ params, deps }) {
      const facts = await publicationFacts(deps.store.models, params.id);
      if (!facts.length) await assertIncidentExists(deps, params.id);
      const now = new Date();
      return { body: { incidentId: params.id, broadcasts: facts.map((f) => broadcastProgress(f, now)) }, headers: { 'Cache-Control': 'no-store' } };
    },
  }),
  incidentRoute<unknown, unknown, z.infer<typeof VersionParams>>({
    method: 'get',
    path: '/v1/incidents/:id/broadcasts/:version',
    params: VersionParams,
    summary: "One version's delivery progress (`not-started` while it awaits its sign-offs or its turn): sent of total, per channel, rate and ETA",
    responses: { 200: { description: 'The progress', schema: ProgressSchema.extend({ incidentId: z.string() }) } },
    errors: { 404: 'Unknown incident, or a version the incident does not hold' },
    async handler({ params, deps }) {
      const [facts] = await publicationFacts(deps.store.models, params.id, params.version);
      if (!facts) {
        // Nothing left yet: a version the incident holds has not started; any other is unknown.
        const versions = await incidentHandle(deps, params.id).query(versionsQuery);
        if (!versions.some((v) => v.version === params.version)) throw new HttpError(404, `${params.id} has no version ${params.version}`);
      }
      const progress = broadcastProgress(facts ?? { version: params.version, emailReceipts: { sent: 0, failed: 0 }, channelRows: [] }, new Date());
      return { body: { incidentId: params.id, ...progress }, headers: { 'Cache-Control': 'no-store' } };
    },
  }),
];
