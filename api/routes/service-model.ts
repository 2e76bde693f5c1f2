import { z, ZodError } from 'zod';
import { contractDeadlines } from '../../domain/audience';
import { severities } from '../../domain/incident';
import { ComponentSchema } from '../../domain/service-model';
import { loadAudience } from '../../store/service-model';
import { HttpError } from '../errors';
import { defineRoute } from '../route';

const ErrorSchema = z.object({ error: z.string(), message: z.string(), issues: z.array(z.any()).optional() });
const errors = {
  400: { description: 'Invalid input, with the validation issues', schema: ErrorSchema },
  401: { description: 'Missing or unknown API key', schema: ErrorSchema },
  403: { description: 'The key lacks the role for this action', schema: ErrorSchema },
};

const ComponentView = z.object({
  componentId: z.string(),
  name: z.string(),
  service: z.string(),
  description: z.string().optional(),
  dependsOn: z.array(z.string()),
});

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

const AudienceQuery = z.object({
  components: z
    .string()
    .min(1)
    .transform((s) => s.split(',').map((c) => c.trim()).filter(Boolean))
    .describe('Comma-separated IDs of the affected components'),
  severity: z.enum(severities),
  detectedAt: z.iso.datetime().optional().describe('Defaults to now'),
});

const Member = z.object({
  customerId: z.string(),
  tier: z.string(),
  locale: z.string(),
  via: z.array(z.string()),
  channels: z.array(z.string()),
  notifyWithinMinutes: z.number().optional(),
});

export const serviceModelRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/components',
    summary: 'Add a component to the service model, with the components it depends on',
    tags: ['service model'],
    roles: ['admin'],
    body: ComponentSchema,
    responses: { 201: { description: 'Created', schema: ComponentView }, ...errors, 409: { description: 'A component with this ID exists', schema: ErrorSchema } },
    async handler({ body, deps }) {
      const { Component } = deps.store.models;
      const known = await Component.find({ componentId: { $in: body.dependsOn } }, { componentId: 1 }).lean();
      const issues = body.dependsOn.flatMap((d, i) =>
        d === body.componentId
          ? [{ code: 'custom' as const, path: ['dependsOn', i], message: 'a component cannot depend on itself', input: d }]
          : known.some((k) => k.componentId === d)
            ? []
            : [{ code: 'custom' as const, path: ['dependsOn', i], message: `unknown component "${d}"`, input: d }],
      );
      if (issues.length) throw new ZodError(issues);
      try {
        await Component.create({ ...body, createdAt: new Date() });
      } catch (err) {
        if (isDuplicateKey(err)) throw new HttpError(409, `component "${body.componentId}" already exists`);
        throw err;
      }
      return { status: 201, body: body, headers: { Location: `/v1/components/${body.componentId}` } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/components',
    summary: 'The service model: every component and what it depends on',
    tags: ['service model'],
    roles: ['viewer', 'responder', 'approver', 'manager', 'admin'],
    responses: { 200: { description: 'Components by name', schema: z.object({ components: z.array(ComponentView) }) }, ...errors },
    async handler({ deps }) {
      const components = await deps.store.models.Component.find({}, { _id: 0, __v: 0, createdAt: 0 }).sort({ name: 1 }).lean();
      return { body: { components: components.map((c) => ({ ...c, dependsOn: c.dependsOn ?? [] })) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/audience',
    summary: 'Who an incident on these components reaches, through the dependency graph, and their contractual deadlines',
    tags: ['service model'],
    roles: ['responder', 'manager', 'admin'],
    query: AudienceQuery,
    responses: {
      200: {
        description: 'The audience and its deadlines',
        schema: z.object({
          impactedComponents: z.array(z.string()),
          customers: z.array(Member),
          deadlines: z.array(z.object({ notifyWithinMinutes: z.number(), dueAt: z.string(), escalateAt: z.string(), customerIds: z.array(z.string()), tiers: z.array(z.string()) })),
        }),
      },
      ...errors,
    },
    async handler({ query, deps }) {
      const known = await deps.store.models.Component.find({ componentId: { $in: query.components } }, { componentId: 1 }).lean();
      const unknown = query.components.filter((c) => !known.some((k) => k.componentId === c));
      if (unknown.length) {
        throw new ZodError(unknown.map((c) => ({ code: 'custom' as const, path: ['components'], message: `unknown component "${c}"`, input: c })));
      }
      const { impacted, audience } = await loadAudience(deps.store.models, query);
      return {
        body: {
          impactedComponents: impacted,
          customers: audience.map(({ deadlines: _d, ...m }) => m),
          deadlines: contractDeadlines(audience, query.severity, query.detectedAt ?? new Date().toISOString()),
        },
      };
    },
  }),
];
