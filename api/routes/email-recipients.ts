import { z } from 'zod';
import { overrideReasons } from '../../domain/audience';
import { digestEntryId } from '../../domain/delivery/digests';
import { broadcastIdFor } from '../../domain/delivery';
import { deliveryKey } from '../../domain/messages';
import { findBroadcast, plannedRecipients } from '../../store/broadcasts';
import { receiptOutcomes } from '../../store/deliveries';
import { digestEntriesAmong } from '../../store/digests';
import { HttpError } from '../errors';
import { defineRoute } from '../route';
import { assertIncidentExists, IncidentParams } from '../incident-params';

/**
 * Who one version's email broadcast was planned for, each recipient with what happened to it and,
 * where the playbook's legal notice reached them against their preferences or an unsubscribe,
 * what it overrode (M1.4): the per-recipient record of that override.
 */
export const emailRecipientRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/incidents/:id/email-recipients',
    summary: "The recipients of one version's email broadcast: address, customer, outcome, and any legal-notice override",
    tags: ['incidents'],
    roles: ['manager', 'admin'],
    params: IncidentParams,
    query: z.object({ version: z.coerce.number().int().min(1) }),
    responses: {
      200: {
        description: 'The planned recipients, by address',
        schema: z.object({
          incidentId: z.string(),
          version: z.number(),
          legalNotice: z.object({ regime: z.string(), overridden: z.number() }).optional(),
          recipients: z.array(z.object({
            email: z.string(), customerId: z.string(), locale: z.string(), tier: z.string().optional(),
            status: z.enum(['sent', 'failed', 'held-for-digest', 'not-sent']),
            override: z.object({ regime: z.string(), overrode: z.array(z.enum(overrideReasons)) }).optional(),
          })),
        }),
      },
    },
    errors: { 404: 'Unknown incident, or no email broadcast of this version' },
    async handler({ params, query, deps }) {
      const { models } = deps.store;
      const header = await findBroadcast(models, broadcastIdFor(params.id, query.version, 'email'));
      if (!header) {
        await assertIncidentExists(deps, params.id);
        throw new HttpError(404, `version ${query.version} of ${params.id} has no email broadcast`);
      }
      const planned = await plannedRecipients(models, header);
      const keys = planned.map((r) => deliveryKey(params.id, query.version, 'email', r.email));
      const outcome = await receiptOutcomes(models, keys);
      const heldIds = await digestEntriesAmong(models, planned.map((r) => digestEntryId(params.id, r.email, query.version)));
      return {
        body: {
          incidentId: params.id,
          version: query.version,
          ...(header.legalNotice ? { legalNotice: header.legalNotice } : {}),
          recipients: planned.map((r, i) => ({
            email: r.email, customerId: r.customerId, locale: r.locale, ...(r.tier ? { tier: r.tier } : {}),
            status: outcome.get(keys[i]) ?? (heldIds.has(digestEntryId(params.id, r.email, query.version)) ? 'held-for-digest' : 'not-sent'),
            ...(r.override ? { override: r.override } : {}),
          })),
        },
      };
    },
  }),
];
