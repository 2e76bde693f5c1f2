import { WorkflowIdReusePolicy } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { z, ZodError } from 'zod';
import { verifyChain, type ChainedAuditRecord } from '../../domain/audit';
import { approverRoleNames, type Role } from '../../config/api-keys';
import { applyTags, missingRequiredFields, selectPlaybook } from '../../domain/playbooks';
import { currentPlaybooks } from '../../store/playbooks';
import { IncidentDeclarationSchema, workflowIdFor, type IncidentInput } from '../../domain/incident';
import { approveUpdate, incidentStateQuery, resolveUpdate } from '../../workflows/messages';
import type { incidentWorkflow } from '../../workflows/incident';
import { searchAttributesFor } from '../../workflows/search-attributes';
import { found } from '../errors';
import { readableHistory } from '../history';
import { incidentHandle, IncidentParams } from '../incident-params';
import { defineRoute } from '../route';
import { ruleRegimes } from './regulatory';

const ApprovalBody = z
  .object({
    version: z.number().int().positive().describe('The message version being signed'),
    hash: z.string().regex(/^[0-9a-f]{64}$/).optional().describe('The content hash of that version; binds the sign-off to exact wording'),
    as: z.enum(approverRoleNames).optional().describe('The approver role signed as; default: the first pending role the key holds'),
    decision: z.enum(['approve', 'reject']).default('approve'),
    reason: z.string().trim().min(1).max(2000).optional().describe('Required with a rejection; goes back to the drafter'),
  })
  .refine((b) => b.decision === 'approve' || !!b.reason, { path: ['reason'], message: 'a rejection needs a reason' });

const ResolveBody = z.object({ summary: z.string().trim().min(1).max(5000).describe('What customers are told in the resolution message') });

const Declared = z.object({ incidentId: z.string(), workflowId: z.string(), status: z.string() });
const IncidentViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.string(),
  severity: z.string(),
  category: z.string(),
  components: z.array(z.string()),
}).passthrough();


/** Every role that may read incidents: one incident's live state, and the list (routes/incident-list.ts). */
export const incidentReaders: Role[] = ['viewer', 'responder', 'approver', 'manager'];

function newIncidentId(): string {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  return `INC-${day}-${randomBytes(3).toString('hex')}`;
}

export const incidentRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/incidents',
    summary: 'Declare an incident and start its communication workflow',
    tags: ['incidents'],
    roles: ['responder'],
    body: IncidentDeclarationSchema,
    responses: { 201: { description: 'Declared', schema: Declared } }, errors: { 409: 'An incident with this ID exists' },
    async handler({ body, principal, deps }) {
      const known = await deps.store.models.Component.find({ componentId: { $in: body.components } }).lean();
      const unknown = body.components
        .map((c, i) => ({ c, i }))
        .filter(({ c }) => !known.some((k) => k.componentId === c));
      if (unknown.length) {
        throw new ZodError(unknown.map(({ c, i }) => ({ code: 'custom' as const, path: ['components', i], message: `unknown component "${c}"`, input: c })));
      }
      if (body.tags?.length) {
        const playbook = selectPlaybook((await currentPlaybooks(deps.store)).map((p) => p.playbook), {
          category: body.category, severity: body.severity, scope: body.scope ?? 'single',
        });
        const missing = playbook ? missingRequiredFields(applyTags(playbook, body.tags), body.fields ?? {}) : [];
        if (missing.length) {
          throw new ZodError(missing.map((f) => ({ code: 'custom' as const, path: ['fields', f], message: `required by the incident's tags (${body.tags!.join(', ')})`, input: undefined })));
        }
      }
      const id = body.id ?? newIncidentId();
      const detectedAt = new Date(deps.drill ? await deps.drill.now() : Date.now()).toISOString();
      const input: IncidentInput = { ...body, id, declaredBy: principal!.name, detectedAt, ...(deps.drill ? { drill: true } : {}) };
      const workflowId = workflowIdFor(id);
      await deps.temporal.workflow.start<typeof incidentWorkflow>('incidentWorkflow', {
        taskQueue: deps.taskQueue,
        workflowId,
        // The regimes a playbook rule may start (X3): the workflow reads no file.
        args: [input, undefined, { regimes: ruleRegimes() }],
        typedSearchAttributes: searchAttributesFor({ ...input, status: 'drafting', drill: !!input.drill }),
        // An incident ID is never reused, even after the incident closed.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      return { status: 201, body: { incidentId: id, workflowId, status: 'declared' }, headers: { Location: `/v1/incidents/${id}` } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/incidents/:id',
    summary: "An incident's live communication state, from its workflow",
    tags: ['incidents'],
    roles: incidentReaders,
    params: IncidentParams,
    responses: { 200: { description: 'The incident', schema: IncidentViewSchema } }, errors: { 404: 'Unknown incident' },
    async handler(ctx) {
      return { body: await incidentHandle(ctx.deps, ctx.params.id).query(incidentStateQuery) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/incidents/:id/history',
    summary: "The incident workflow's history as a readable list of events",
    tags: ['incidents'],
    roles: ['manager'],
    params: IncidentParams,
    responses: { 200: { description: 'Events in order', schema: z.object({ incidentId: z.string(), events: z.array(z.object({ id: z.number(), time: z.string(), type: z.string(), description: z.string() })) }) } }, errors: { 404: 'Unknown incident' },
    async handler(ctx) {
      const history = await incidentHandle(ctx.deps, ctx.params.id).fetchHistory();
      return { body: { incidentId: ctx.params.id, events: readableHistory(history.events ?? []) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/incidents/:id/audit',
    summary: "The incident's audit trail with its hash-chain verdict",
    tags: ['incidents'],
    roles: ['manager'],
    params: IncidentParams,
    responses: { 200: { description: 'Audit records in order', schema: z.object({ incidentId: z.string(), verdict: z.object({ valid: z.boolean(), records: z.number() }).passthrough(), records: z.array(z.any()) }) } }, errors: { 404: 'Unknown incident' },
    async handler({ params, deps }) {
      const records = found(await deps.store.models.AuditRecord.find({ incidentId: params.id }, { _id: 0, __v: 0 }).sort({ seq: 1 }).lean<ChainedAuditRecord[]>(), 'incident');
      return { body: { incidentId: params.id, verdict: verifyChain(records), records } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/incidents/:id/approvals',
    summary: 'Approve or reject the current message version as one approver role (bound to its number and hash)',
    tags: ['incidents'],
    roles: ['approver'],
    params: IncidentParams,
    body: ApprovalBody,
    responses: { 200: { description: 'Approved', schema: z.object({ version: z.number(), hash: z.string(), role: z.string(), approvedBy: z.string(), approvedAt: z.string(), pending: z.array(z.string()) }) } }, errors: { 404: 'Unknown incident', 409: 'Stale version, nothing awaiting approval, or no pending sign-off for the role' },
    async handler(ctx) {
      const receipt = await incidentHandle(ctx.deps, ctx.params.id).executeUpdate(approveUpdate, {
        args: [{
          version: ctx.body.version, hash: ctx.body.hash, as: ctx.body.as, decision: ctx.body.decision, reason: ctx.body.reason,
          approver: ctx.principal!.name, heldRoles: ctx.principal!.approverRoles,
        }],
      });
      return { body: receipt };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/incidents/:id/resolve',
    summary: 'Resolve the incident: draft the resolution message, publish it once its approvers (the same matrix as any message) signed it, then close the workflow',
    tags: ['incidents'],
    roles: ['responder'],
    params: IncidentParams,
    body: ResolveBody,
    responses: { 202: { description: 'Resolution accepted; the message goes out now, or after its sign-offs', schema: z.object({ accepted: z.boolean() }) } }, errors: { 404: 'Unknown incident', 409: 'Already resolved' },
    async handler(ctx) {
      const result = await incidentHandle(ctx.deps, ctx.params.id).executeUpdate(resolveUpdate, {
        args: [{ summary: ctx.body.summary, resolvedBy: ctx.principal!.name }],
      });
      return { status: 202, body: result };
    },
  }),
];
