import { z } from 'zod';
import { isOverdue, outreachOutcomes, outreachStatuses, outreachTaskId, type OutreachTask } from '../../domain/outreach';
import { completeOutreachTask, incidentOutreach } from '../../store/outreach';
import { found, HttpError } from '../errors';
import { defineRoute } from '../route';
import { assertIncidentExists, IncidentParams } from '../incident-params';

/** Direct outreach to top-tier accounts (M3.5): the calls account managers owe, and recording them. */

const TaskView = z.object({
  id: z.string(),
  incidentId: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  tier: z.string(),
  phone: z.string().optional(),
  accountManager: z.object({ name: z.string(), email: z.string() }).optional(),
  version: z.number(),
  talkingPoints: z.object({ subject: z.string(), text: z.string() }),
  createdAt: z.string(),
  dueAt: z.string(),
  status: z.enum(outreachStatuses),
  overdue: z.boolean().describe('Not done and past its deadline'),
  completedAt: z.string().optional(),
  completedBy: z.string().optional(),
  outcome: z.enum(outreachOutcomes).optional(),
  notes: z.string().optional(),
  escalatedAt: z.string().optional(),
  escalatedTo: z.array(z.string()).optional(),
});

const TaskParams = IncidentParams.extend({ customerId: z.string().min(1).max(64) });

const Completion = z.object({
  outcome: z.enum(outreachOutcomes).describe('reached: spoke to the customer; voicemail: left a message; unreachable: no way through'),
  notes: z.string().trim().max(2000).optional(),
});

const view = (t: OutreachTask, now: Date) => ({ ...t, overdue: isOverdue(t, now) });

export const outreachRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/incidents/:id/outreach',
    summary: 'Direct outreach tasks of an incident: which top-tier accounts are to be called, by whom and by when, with overdue flags',
    tags: ['outreach'],
    roles: ['viewer', 'responder', 'approver', 'manager', 'admin'],
    params: IncidentParams,
    responses: {
      200: {
        description: 'Tasks, soonest deadline first',
        schema: z.object({ incidentId: z.string(), open: z.number(), overdue: z.number(), tasks: z.array(TaskView) }),
      },
    },
    errors: {
      404: 'Unknown incident',
    },
    async handler({ params, deps }) {
      const tasks = await incidentOutreach(deps.store.models, params.id);
      if (!tasks.length) await assertIncidentExists(deps, params.id);
      const now = new Date();
      const views = tasks.map((t) => view(t, now));
      return {
        body: {
          incidentId: params.id,
          open: views.filter((t) => t.status !== 'done').length,
          overdue: views.filter((t) => t.overdue).length,
          tasks: views,
        },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/incidents/:id/outreach/:customerId/complete',
    summary: 'Record the outcome of a direct call (an escalated task can still be completed); 409 when it is already done',
    tags: ['outreach'],
    roles: ['responder', 'manager', 'admin'],
    params: TaskParams,
    body: Completion,
    responses: {
      200: { description: 'The completed task', schema: TaskView },
    },
    errors: {
      404: 'No such outreach task',
      409: 'The task is already done',
    },
    async handler({ params, body, principal, deps }) {
      const res = await completeOutreachTask(deps.store.models, outreachTaskId(params.id, params.customerId), {
        by: principal!.email, outcome: body.outcome, notes: body.notes, at: new Date(),
      });
      const task = found(res.task, `outreach task for customer ${params.customerId} in incident ${params.id}`);
      if (!res.completed) {
        throw new HttpError(409, `the call to ${task.customerName} is already recorded (${task.outcome} by ${task.completedBy} at ${task.completedAt})`, { task });
      }
      return { body: view(task, new Date()) };
    },
  }),
];
