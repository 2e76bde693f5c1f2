import { z } from 'zod';
import { channelLagBoundMs } from '../../config/channels';
import { channelLagReport } from '../../domain/delivery/channel-deliveries';
import { defineRoute } from '../route';
import { assertIncidentExists, IncidentParams } from '../incident-params';

const ChannelLagSchema = z.object({
  channel: z.string(),
  deliveredAt: z.string(),
  count: z.number().describe('Recipients the channel reached: entries, customers, endpoints or lists'),
  failed: z.number().optional().describe('Recipients it could not reach after its retries'),
  inDoubtResent: z.number().optional().describe('Email: deliveries a worker crash left in doubt, resent with the same Message-ID (the only possible duplicates)'),
  lagMs: z.number().describe("Milliseconds behind the version's first channel"),
  late: z.boolean().describe('Behind the first channel by more than the bound'),
});

const VersionLagSchema = z.object({
  version: z.number(),
  firstChannel: z.string(),
  firstAt: z.string(),
  maxLagMs: z.number(),
  withinBound: z.boolean().describe('Every channel carried the version within the bound of the first'),
  channels: z.array(ChannelLagSchema),
});

export const channelRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/incidents/:id/channels',
    summary: 'When each channel carried each published version, and how far it lagged behind the first (M3.3)',
    tags: ['incidents'],
    roles: ['viewer', 'responder', 'approver', 'manager', 'admin'],
    params: IncidentParams,
    responses: {
      200: {
        description: 'Channel deliveries per version, oldest version first, against the lag bound (HERALD_CHANNEL_LAG_BOUND_SECONDS)',
        schema: z.object({ incidentId: z.string(), boundMs: z.number(), versions: z.array(VersionLagSchema) }),
      },
    },
    errors: {
      404: 'Unknown incident',
    },
    async handler({ params, deps }) {
      const rows = await deps.store.models.ChannelDelivery.find({ incidentId: params.id }, { _id: 0, version: 1, channel: 1, deliveredAt: 1, count: 1, failed: 1, inDoubtResent: 1 }).lean();
      if (!rows.length) await assertIncidentExists(deps, params.id);
      const boundMs = channelLagBoundMs();
      return { body: { incidentId: params.id, boundMs, versions: channelLagReport(rows, boundMs) } };
    },
  }),
];
