import type { UpdateDefinition } from '@temporalio/client';
import { z } from 'zod';
import { phases, severities } from '../../domain/incident';
import { incidentRoles } from '../../domain/playbooks';
import {
  acknowledgeHandoffUpdate,
  assignRoleUpdate,
  changeClassificationUpdate,
  editDraftUpdate,
  incidentStateQuery,
  versionBodiesQuery,
  endBlackoutUpdate,
  handOffUpdate,
  internalUpdateUpdate,
  publishUpdate,
  recordDecisionUpdate,
  requestBriefingUpdate,
  startBlackoutUpdate,
  technicalReviewUpdate,
} from '../../workflows/messages';
import type { Role } from '../../config/api-keys';
import type { Principal } from '../route';
import { defineRoute, type Route } from '../route';
import { recordNearMissSafely } from './near-miss-hook';
import { diffVersions } from '../../domain/messages/diff';
import { HttpError } from '../errors';
import { incidentHandle, IncidentParams } from '../incident-params';

const errors = {
  404: 'Unknown incident',
  409: 'The incident is not in a state that allows this (stale version, closed, pending handoff...); details say what is current',
};

/** The incident's own crew: who may act on it, unless an action says otherwise. */
const crew: Role[] = ['responder', 'manager'];

/** The arguments of most actions: the body as validated, and who acted. */
const byName = <B>(body: B, who: Principal) => ({ ...body, by: who.name });

/**
 * A POST that becomes one workflow Update: the body is validated here, the workflow's validator
 * decides whether the incident's state allows it, and a rejection leaves nothing in history.
 */
function action<B, A>(spec: {
  path: string;
  summary: string;
  roles?: Role[];
  body: z.ZodType<B>;
  update: UpdateDefinition<unknown, [A]>;
  toArgs: (body: B, who: Principal) => A;
  status?: number;
  nearMissOnConflict?: 'unapproved-publish-attempt';
}): Route {
  return defineRoute<IncidentParams, unknown, B>({
    method: 'post',
    path: `/v1/incidents/:id/${spec.path}`,
    summary: spec.summary,
    tags: ['incident actions'],
    roles: spec.roles ?? crew,
    params: IncidentParams,
    body: spec.body,
    responses: { [spec.status ?? 200]: { description: 'Done; the answer of the incident workflow' } },
    errors,
    async handler({ params, body, principal, deps }) {
      const handle = incidentHandle(deps, params.id);
      try {
        const result = await handle.executeUpdate(spec.update, { args: [spec.toArgs(body, principal!)] });
        return { status: spec.status ?? 200, body: result };
      } catch (err) {
        if (spec.nearMissOnConflict) await recordNearMissSafely(deps, params.id, spec.nearMissOnConflict, err, principal!);
        throw err;
      }
    },
  });
}

const RootCause = z.object({ statement: z.string().trim().min(1).max(2000), status: z.enum(['hypothesis', 'confirmed']) });
const version = z.number().int().positive();
const text = (max: number) => z.string().trim().min(1).max(max);

export const incidentActionRoutes: Route[] = [
  action({
    path: 'drafts', update: editDraftUpdate, status: 201, roles: ['responder'], toArgs: (b, who) => ({ ...b, author: who.name }),
    summary: 'Edit the message draft: a new version from the latest one (409 with the current version when the base is stale); approvals of the old version are void',
    body: z.object({
      baseVersion: version, subject: z.string().trim().min(3).max(200), text: text(20000), phase: z.enum(phases).default('investigating'),
      rootCause: RootCause.optional(), decisionIds: z.array(z.string().max(20)).max(50).optional(),
    }),
  }),
  action({
    path: 'publish', update: publishUpdate, status: 202, roles: ['responder'], nearMissOnConflict: 'unapproved-publish-attempt',
    summary: 'Publish a version: now if every required approver signed it, else when they have; critical=true passes a blackout (recorded)',
    body: z.object({ version, critical: z.boolean().default(false) }),
    toArgs: (b, who) => ({ ...b, by: who.name, byRoles: who.roles.includes('manager') || who.roles.includes('responder') ? (['communication-lead'] as const).slice() : [] }),
  }),
  action({
    path: 'roles', update: assignRoleUpdate, roles: ['manager', 'responder'], toArgs: byName,
    summary: 'Assign an incident role (communication lead, drafter, reviewer, approver) to a person',
    body: z.object({ role: z.enum(incidentRoles), person: z.string().email() }),
  }),
  action({
    path: 'handoffs', update: handOffUpdate, status: 202, toArgs: byName,
    summary: 'Hand communication ownership to someone, with notes; they must acknowledge within the playbook window',
    body: z.object({ to: z.string().email(), notes: text(5000) }),
  }),
  action({
    path: 'handoffs/acknowledge', update: acknowledgeHandoffUpdate, body: z.object({}), toArgs: (_b, who) => ({ by: who.email }),
    summary: 'Acknowledge a handoff made to you; open deadlines move to you',
  }),
  action({
    path: 'decisions', update: recordDecisionUpdate, status: 201, toArgs: byName,
    summary: 'Record a war-room decision (what, why, who); drafts can cite it',
    body: z.object({ what: text(2000), why: text(2000) }),
  }),
  action({
    path: 'blackouts', update: startBlackoutUpdate, status: 201, toArgs: byName,
    summary: 'Start a communication blackout: non-critical notices and scheduled updates are held until it ends',
    body: z.object({ minutes: z.number().int().positive().max(24 * 60), reason: text(1000) }),
  }),
  action({
    path: 'blackouts/end', update: endBlackoutUpdate, body: z.object({}), toArgs: byName,
    summary: 'End the blackout now and release what it held, in order',
  }),
  action({
    path: 'classification', update: changeClassificationUpdate, toArgs: byName,
    summary: 'Raise severity, add tags or set the number of affected customers; escalation rules are evaluated again',
    body: z.object({
      severity: z.enum(severities).optional(),
      addTags: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/)).max(20).optional(),
      customersAffected: z.number().int().nonnegative().optional(),
    }),
  }),
  action({
    path: 'internal-updates', update: internalUpdateUpdate, status: 202, toArgs: byName,
    summary: 'Post an internal update at an audience level; non-technical audiences get the summary only',
    body: z.object({ level: z.enum(['engineering', 'internal', 'executive']), summary: text(5000), technicalDetails: z.string().trim().max(20000).optional() }),
  }),
  action({
    path: 'briefings', update: requestBriefingUpdate, status: 202, body: z.object({}), toArgs: byName,
    summary: 'Send a briefing now to the support and account-management lists',
  }),
  action({
    path: 'reviews', update: technicalReviewUpdate, status: 201, toArgs: (b, who) => ({ ...b, reviewer: who.email }),
    summary: "A technical reviewer's verdict on the latest version",
    body: z.object({ version, verdict: z.enum(['accurate', 'needs-changes']), notes: z.string().max(5000).optional() }),
  }),
  defineRoute<IncidentParams, { from?: number; to?: number }>({
    method: 'get',
    path: '/v1/incidents/:id/diff',
    summary: 'Line diff of two message versions (default: the latest against its parent)',
    tags: ['incident actions'],
    roles: ['viewer', 'responder', 'approver', 'manager'],
    params: IncidentParams,
    query: z.object({ from: z.coerce.number().int().positive().optional(), to: z.coerce.number().int().positive().optional() }),
    responses: { 200: { description: 'The two versions and their line diff' } },
    errors,
    async handler({ params, query, deps }) {
      const handle = incidentHandle(deps, params.id);
      const latest = (await handle.query(incidentStateQuery)).currentDraft;
      const to = query.to ?? latest?.version;
      const from = query.from ?? (query.to ? query.to - 1 : latest?.parent);
      if (!to || !from) throw new HttpError(409, 'the incident has only one version so far');
      const bodies = await handle.query(versionBodiesQuery, { from, to });
      if (!bodies.from || !bodies.to) throw new HttpError(404, `version ${!bodies.from ? from : to} is not held by the incident`);
      return {
        body: {
          from: bodies.from, to: bodies.to,
          subject: diffVersions(bodies.from.subject, bodies.to.subject),
          text: diffVersions(bodies.from.text, bodies.to.text),
        },
      };
    },
  }),
];
