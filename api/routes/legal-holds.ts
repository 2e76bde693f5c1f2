import { z } from 'zod';
import { HoldScopeSchema } from '../../domain/archive/retention';
import { activeHolds, placeHold, releaseHold, type LegalHoldDoc } from '../../store/archive';
import { holdBundle } from '../../store/archive-bundle';
import { bundleAnswer, refusedRewrite } from './archive';
import { found, HttpError } from '../errors';
import { newRecordId } from '../ids';
import { defineRoute } from '../route';

/**
 * Legal holds (M5.1): placed and released by the `holds` role alone, each with a scope (incident,
 * customer, category, time range), a reason and a custodian. While a hold is active no path
 * deletes what it covers: the retention workflow skips it and the store refuses it.
 */

const Scope = HoldScopeSchema.refine((s) => !s.from || !s.to || Date.parse(s.from) < Date.parse(s.to), 'from must be before to');
const Hold = z.object({
  id: z.string(), scope: z.record(z.string(), z.string()), reason: z.string(), custodian: z.string(),
  placedBy: z.string(), placedAt: z.string(), releasedAt: z.string().optional(), releasedBy: z.string().optional(),
});
const HoldParams = z.object({ holdId: z.string().regex(/^hold-[a-z0-9-]+$/, 'not a legal hold ID') });

function view(h: LegalHoldDoc) {
  return {
    id: h._id, scope: h.scope as Record<string, string>, reason: h.reason, custodian: h.custodian, placedBy: h.placedBy, placedAt: new Date(h.placedAt).toISOString(),
    ...(h.releasedAt ? { releasedAt: new Date(h.releasedAt).toISOString(), releasedBy: h.releasedBy } : {}),
  };
}

export const legalHoldRoutes = [
  defineRoute({
    method: 'post', path: '/v1/legal-holds', tags: ['archive'], roles: ['holds'],
    summary: 'Place a legal hold: nothing archived in its scope (every criterion given must match) can be deleted, by retention or any other path, until it is released',
    body: z.strictObject({
      scope: Scope,
      reason: z.string().trim().min(3).max(2000).describe('Why: the matter, the request'),
      custodian: z.email().describe('Who answers for the held records'),
    }),
    responses: { 201: { description: 'The hold', schema: Hold } },
    async handler({ body, principal, deps }) {
      const hold: LegalHoldDoc = { _id: newRecordId('hold'), scope: body.scope, reason: body.reason, custodian: body.custodian, placedBy: principal!.name, placedAt: new Date() };
      await placeHold(deps.store.models, hold);
      return { status: 201, body: view(hold) };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/legal-holds', tags: ['archive'], roles: ['holds', 'records', 'manager'],
    summary: 'The legal holds: active ones, or every one ever placed with `all=true`',
    query: z.strictObject({ all: z.enum(['true', 'false']).optional() }),
    responses: { 200: { description: 'The holds, oldest first', schema: z.object({ holds: z.array(Hold) }) } },
    async handler({ query, deps }) {
      const models = deps.store.models;
      const holds = query.all === 'true' ? await models.LegalHold.find({}).sort({ placedAt: 1 }).lean<LegalHoldDoc[]>() : await activeHolds(models);
      return { body: { holds: holds.map(view) } };
    },
  }),
  defineRoute({
    method: 'post', path: '/v1/legal-holds/:holdId/release', tags: ['archive'], roles: ['holds'],
    summary: 'Release a legal hold: what it covered is governed by the retention policies again',
    params: HoldParams,
    responses: { 200: { description: 'The released hold', schema: Hold } },
    errors: { 404: 'Unknown legal hold', 409: 'The hold was released already' },
    async handler({ params, principal, deps }) {
      const models = deps.store.models;
      const before = found(await models.LegalHold.findById(params.holdId).lean<LegalHoldDoc>(), `legal hold ${params.holdId}`);
      if (before.releasedAt) throw new HttpError(409, `legal hold ${params.holdId} was released at ${new Date(before.releasedAt).toISOString()} by ${before.releasedBy}`);
      return { body: view((await releaseHold(models, params.holdId, principal!.name))!) };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/legal-holds/:holdId/archive', tags: ['archive'], roles: ['holds', 'records', 'manager'],
    summary: "Everything a legal hold covers as one tar bundle, as `GET /v1/incidents/:id/archive` gives an incident's (manifest scope `holdId`); check it with `npx herald-verify`",
    params: HoldParams,
    responses: { 200: { description: 'The bundle (a tar of herald-archive/…)', contentType: 'application/x-tar' } },
    errors: { 404: 'Unknown legal hold', 409: 'The archive log no longer extends its last signed tree head: Herald refuses to sign it' },
    async handler({ params, deps }) {
      const hold = found(await deps.store.models.LegalHold.findById(params.holdId).lean<LegalHoldDoc>(), `legal hold ${params.holdId}`);
      const bundle = await holdBundle(deps.store.models, hold).catch((err: unknown) => {
        throw refusedRewrite(err);
      });
      return bundleAnswer(params.holdId, bundle);
    },
  }),
];
