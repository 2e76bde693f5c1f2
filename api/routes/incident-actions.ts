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

/**
 * A POST that becomes one workflow Update: the body is validated here, the workflow's validator
 * decides whether the incident's state allows it, and a rejection leaves nothing in history.
 */
function action<B, A>(spec: {
  path: string;
  summary: string;
  roles: Role[];
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
    roles: spec.roles,
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

export const incidentActionRoutes: Route[] = [
  action({
    path: 'drafts',
    summary: 'Edit the message draft: a new version from the latest one (409 with the current version when the base is stale); approvals of the old version are void',
    roles: ['responder'],
    status: 201,
    body: z.object({
      baseVersion: z.number().int().positive(),
      subject: z.string().trim().min(3).max(200),
      text: z.string().trim().min(1).max(20000),
      phase: z.enum(phases).default('investigating'),
      rootCause: RootCause.optional(),
      decisionIds: z.array(z.string().max(20)).max(50).optional(),
    }),
    update: editDraftUpdate,
    toArgs: (b, who) => ({ ...b, author: who.name }),
  }),
  action({
    path: 'publish',
    summary: 'Publish a version: now if every required approver signed it, else when they have; critical=true passes a blackout (recorded)',
    roles: ['responder'],
    status: 202,
    body: z.object({ version: z.number().int().positive(), critical: z.boolean().default(false) }),
    update: publishUpdate,
    toArgs: (b, who) => ({ ...b, by: who.name, byRoles: who.roles.includes('manager') || who.roles.includes('responder') ? (['communication-lead'] as const).slice() : [] }),
    nearMissOnConflict: 'unapproved-publish-attempt',
  }),
  action({
    path: 'roles',
    summary: 'Assign an incident role (communication lead, drafter, reviewer, approver) to a person',
    roles: ['manager', 'responder'],
    body: z.object({ role: z.enum(incidentRoles), person: z.string().email() }),
    update: assignRoleUpdate,
    toArgs: (b, who) => ({ ...b, by: who.name }),
  }),
  action({
    path: 'handoffs',
    summary: 'Hand communication ownership to someone, with notes; they must acknowledge within the playbook window',
    roles: ['responder', 'manager'],
    status: 202,
    body: z.object({ to: z.string().email(), notes: z.string().trim().min(1).max(5000) }),
    update: handOffUpdate,
    toArgs: (b, who) => ({ ...b, by: who.name }),
  }),
  action({
    path: 'handoffs/acknowledge',
    summary: 'Acknowledge a handoff made to you; open deadlines move to you',
    roles: ['responder', 'manager'],
    body: z.object({}),
    update: acknowledgeHandoffUpdate,
    toArgs: (_b, who) => ({ by: who.email }),
  }),
  action({
    path: 'decisions',
    summary: 'Record a war-room decision (what, why, who); drafts can cite it',
    roles: ['responder', 'manager'],
    status: 201,
    body: z.object({ what: z.string().trim().min(1).max(2000), why: z.string().trim().min(1).max(2000) }),
    update: recordDecisionUpdate,
    toArgs: (b, who) => ({ ...b, by: who.name }),
  }),
  action({
    path: 'blackouts',
    summary: 'Start a communication blackout: non-critical notices and scheduled updates are held until it ends',
    roles: ['responder', 'manager'],
    status: 201,
    body: z.object({ minutes: z.number().int().positive().max(24 * 60), reason: z.string().trim().min(1).max(1000) }),
    update: startBlackoutUpdate,
    toArgs: (b, who) => ({ ...b, by: who.name }),
  }),
  action({
    path: 'blackouts/end',
    summary: 'End the blackout now and release what it held, in order',
    roles: ['responder', 'manager'],
    body: z.object({}),
    update: endBlackoutUpdate,
    toArgs: (_b, who) => ({ by: who.name }),
  }),
  action({
    path: 'classification',
    summary: 'Raise severity, add tags or set the number of affected customers; escalation rules are evaluated again',
    roles: ['responder', 'manager'],
    body: z.object({
      severity: z.enum(severities).optional(),
      addTags: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/)).max(20).optional(),
      customersAffected: z.number().int().nonnegative().optional(),
    }),
    update: changeClassificationUpdate,
    toArgs: (b, who) => ({ ...b, by: who.name }),
  }),
  action({
    path: 'internal-updates',
    summary: 'Post an internal update at an audience level; non-technical audiences get the summary only',
    roles: ['responder', 'manager'],
    status: 202,
    body: z.object({
      level: z.enum(['engineering', 'internal', 'executive']),
      summary: z.string().trim().min(1).max(5000),
      technicalDetails: z.string().trim().max(20000).optional(),
    }),
    update: internalUpdateUpdate,
    toArgs: (b, who) => ({ ...b, by: who.name }),
  }),
  action({
    path: 'briefings',
    summary: 'Send a briefing now to the support and account-management lists',
    roles: ['responder', 'manager'],
    status: 202,
    body: z.object({}),
    update: requestBriefingUpdate,
    toArgs: (_b, who) => ({ by: who.name }),
  }),
  action({
    path: 'reviews',
    summary: "A technical reviewer's verdict on the latest version",
    roles: ['responder', 'manager'],
    status: 201,
    body: z.object({ version: z.number().int().positive(), verdict: z.enum(['accurate', 'needs-changes']), notes: z.string().max(5000).optional() }),
    update: technicalReviewUpdate,
    toArgs: (b, who) => ({ ...b, reviewer: who.email }),
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
