import { randomUUID } from 'node:crypto';
import { z, ZodError } from 'zod';
import { maintenanceStatus } from '../../domain/status-page/maintenance';
import type { MaintenanceDoc } from '../../store/maintenances';
import { found, HttpError } from '../errors';
import { defineRoute } from '../route';

/** Scheduled maintenance (M3.1): windows managers announce on the status page ahead of time. */

const MaintenanceBody = z
  .object({
    title: z.string().trim().min(1).max(200).describe('What customers read as the heading'),
    components: z.array(z.string().min(1).max(64)).min(1).max(500).describe('IDs of the components the work affects'),
    startsAt: z.iso.datetime({ offset: true }).describe('When the window opens'),
    endsAt: z.iso.datetime({ offset: true }).describe('When the window closes; after startsAt'),
    description: z.string().trim().max(5000).default('').describe('What is done and what customers may notice'),
  })
  .refine((b) => Date.parse(b.endsAt) > Date.parse(b.startsAt), { path: ['endsAt'], message: 'must be after startsAt' });

const MaintenanceView = z.object({
  id: z.string(), title: z.string(), description: z.string(), components: z.array(z.string()),
  startsAt: z.string(), endsAt: z.string(), status: z.enum(['scheduled', 'in_progress', 'completed', 'cancelled']),
  createdBy: z.string(), createdAt: z.string(), cancelledAt: z.string().optional(), cancelledBy: z.string().optional(),
});

const view = (d: MaintenanceDoc, now: Date): z.infer<typeof MaintenanceView> => ({
  id: d._id, title: d.title, description: d.description, components: d.components,
  startsAt: d.startsAt.toISOString(), endsAt: d.endsAt.toISOString(),
  status: d.cancelledAt ? 'cancelled' : maintenanceStatus(d, now),
  createdBy: d.createdBy, createdAt: d.createdAt.toISOString(),
  ...(d.cancelledAt ? { cancelledAt: d.cancelledAt.toISOString(), cancelledBy: d.cancelledBy } : {}),
});

const MaintenanceParams = z.object({ id: z.string().min(1).max(64) });

export const maintenanceRoutes = [
  defineRoute({
    method: 'post', path: '/v1/maintenances', tags: ['status'], roles: ['manager', 'admin'],
    summary: 'Schedule maintenance: the status page announces it and, during its window, shows its components under maintenance (no uptime lost)',
    body: MaintenanceBody,
    responses: { 201: { description: 'Scheduled', schema: MaintenanceView } },
    async handler({ body, principal, deps }) {
      const known = new Set((await deps.store.models.Component.find({ componentId: { $in: body.components } }, { componentId: 1 }).lean()).map((c) => c.componentId));
      const unknown = body.components.map((c, i) => ({ c, i })).filter(({ c }) => !known.has(c));
      if (unknown.length) throw new ZodError(unknown.map(({ c, i }) => ({ code: 'custom' as const, path: ['components', i], message: `unknown component "${c}"`, input: c })));
      const now = new Date();
      const doc: MaintenanceDoc = {
        _id: randomUUID(), title: body.title, description: body.description, components: [...new Set(body.components)],
        startsAt: new Date(body.startsAt), endsAt: new Date(body.endsAt), createdBy: principal!.name, createdAt: now,
      };
      await deps.store.models.Maintenance.create(doc);
      return { status: 201, body: view(doc, now), headers: { Location: `/v1/maintenances/${doc._id}` } };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/maintenances', tags: ['status'], roles: ['viewer', 'responder', 'approver', 'manager', 'admin'],
    summary: 'Scheduled maintenance windows, soonest first, cancelled and completed ones included',
    responses: { 200: { description: 'Windows', schema: z.object({ maintenances: z.array(MaintenanceView) }) } },
    async handler({ deps }) {
      const docs = await deps.store.models.Maintenance.find({}).sort({ startsAt: 1, _id: 1 }).lean<MaintenanceDoc[]>();
      const now = new Date();
      return { body: { maintenances: docs.map((d) => view(d, now)) } };
    },
  }),
  defineRoute({
    method: 'post', path: '/v1/maintenances/:id/cancel', tags: ['status'], roles: ['manager', 'admin'],
    summary: 'Cancel a maintenance window: it leaves the status page at once',
    params: MaintenanceParams,
    responses: { 200: { description: 'Cancelled', schema: MaintenanceView } },
    errors: { 404: 'No such maintenance', 409: 'Already cancelled' },
    async handler({ params, principal, deps }) {
      const { Maintenance } = deps.store.models;
      const doc = found(await Maintenance.findOne({ _id: params.id }).lean<MaintenanceDoc>(), `maintenance ${params.id}`);
      if (doc.cancelledAt) throw new HttpError(409, `maintenance ${params.id} was cancelled already`);
      const now = new Date();
      const res = await Maintenance.updateOne({ _id: params.id, cancelledAt: { $exists: false } }, { $set: { cancelledAt: now, cancelledBy: principal!.name } });
      if (res.modifiedCount === 0) throw new HttpError(409, `maintenance ${params.id} was cancelled already`);
      return { body: view({ ...doc, cancelledAt: now, cancelledBy: principal!.name }, now) };
    },
  }),
];
