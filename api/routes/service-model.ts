import { z, ZodError } from 'zod';
import { contractDeadlines, legalNoticeFor, overrideReasons, type LegalNotice } from '../../domain/audience';
import { severities, type Severity } from '../../domain/incident';
import { ComponentSchema } from '../../domain/audience/service-model';
import { playbookAtVersion } from '../../store/playbooks';
import { loadAudience } from '../../store/service-model';
import { incidentStateQuery } from '../../workflows/messages';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { incidentHandle, IncidentParams } from '../incident-params';
import { defineRoute } from '../route';
import { isDuplicateKey } from '../../store/mongo';


const ComponentView = z.object({
  componentId: z.string(),
  name: z.string(),
  service: z.string(),
  description: z.string().optional(),
  dependsOn: z.array(z.string()),
});

const AudienceQuery = z
  .object({
    incident: IncidentParams.shape.id.optional()
      .describe("An incident: its components, current severity, tags and pinned playbook's legal notice decide the audience"),
    components: z
      .string()
      .min(1)
      .transform((s) => s.split(',').map((c) => c.trim()).filter(Boolean))
      .optional()
      .describe('Comma-separated IDs of the affected components (without `incident`)'),
    severity: z.enum(severities).optional().describe('Without `incident`'),
    detectedAt: z.iso.datetime().optional().describe("Defaults to the incident's detection, or now"),
  })
  .superRefine((q, ctx) => {
    if (q.incident) {
      if (q.components || q.severity) ctx.addIssue({ code: 'custom', path: ['incident'], message: 'give an incident or components and severity, not both' });
      return;
    }
    if (!q.components?.length) ctx.addIssue({ code: 'custom', path: ['components'], message: 'components are required without an incident' });
    if (!q.severity) ctx.addIssue({ code: 'custom', path: ['severity'], message: 'severity is required without an incident' });
  });

const Member = z.object({
  customerId: z.string(),
  tier: z.string(),
  locale: z.string(),
  via: z.array(z.string()),
  channels: z.array(z.string()).describe('Every channel that carries this incident to the customer'),
  declined: z.array(z.string()).describe("Channels the customer's preferences leave out"),
  emails: z.array(z.string()).describe('The addresses the email broadcast and digests reach'),
  suppressed: z.array(z.string()).describe('Addresses on the suppression list (unsubscribed)'),
  override: z.object({ regime: z.string(), overrode: z.array(z.enum(overrideReasons)) }).optional()
    .describe("What the playbook's legal notice overrode to reach this customer by email"),
  notifyWithinMinutes: z.number().optional(),
});

/** What an audience is computed for: the given components and severity, or a running incident as it stands. */
async function audienceSubject(
  deps: ApiDeps,
  query: z.infer<typeof AudienceQuery>,
): Promise<{ components: string[]; severity: Severity; detectedAt: string; legalNotice?: LegalNotice; incidentId?: string }> {
  if (!query.incident) return { components: query.components!, severity: query.severity!, detectedAt: query.detectedAt ?? new Date().toISOString() };
  // An unknown incident answers 404 (WorkflowNotFoundError).
  const view = await incidentHandle(deps, query.incident).query(incidentStateQuery);
  const pinned = view.playbook ? await playbookAtVersion(deps.store, view.playbook.id, view.playbook.version) : undefined;
  const legalNotice = legalNoticeFor(pinned?.playbook.distribution, view);
  return {
    components: view.components, severity: view.severity, detectedAt: query.detectedAt ?? view.detectedAt, incidentId: view.id,
    ...(legalNotice ? { legalNotice } : {}),
  };
}

export const serviceModelRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/components',
    summary: 'Add a component to the service model, with the components it depends on',
    tags: ['service model'],
    roles: ['admin'],
    body: ComponentSchema,
    responses: { 201: { description: 'Created', schema: ComponentView } }, errors: { 409: 'A component with this ID exists' },
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
    responses: { 200: { description: 'Components by name', schema: z.object({ components: z.array(ComponentView) }) } },
    async handler({ deps }) {
      const components = await deps.store.models.Component.find({}, { _id: 0, __v: 0, createdAt: 0 }).sort({ name: 1 }).lean();
      return { body: { components: components.map((c) => ({ ...c, dependsOn: c.dependsOn ?? [] })) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/audience',
    summary: 'Who an incident reaches, on which channels and addresses (the one audience every channel uses), and their contractual deadlines',
    tags: ['service model'],
    roles: ['responder', 'manager', 'admin'],
    query: AudienceQuery,
    responses: {
      200: {
        description: 'The audience and its deadlines',
        schema: z.object({
          incidentId: z.string().optional(),
          severity: z.enum(severities).optional().describe("The incident's current severity"),
          components: z.array(z.string()).optional().describe("The incident's affected components"),
          legalNotice: z.object({ regime: z.string() }).optional().describe("The legal notice of the incident's playbook, when it applies"),
          impactedComponents: z.array(z.string()),
          customers: z.array(Member),
          deadlines: z.array(z.object({ notifyWithinMinutes: z.number(), dueAt: z.string(), escalateAt: z.string(), customerIds: z.array(z.string()), tiers: z.array(z.string()) })),
        }),
      },
    },
    errors: { 404: 'Unknown incident' },
    async handler({ query, deps }) {
      const subject = await audienceSubject(deps, query);
      const known = await deps.store.models.Component.find({ componentId: { $in: subject.components } }, { componentId: 1 }).lean();
      const unknown = subject.components.filter((c) => !known.some((k) => k.componentId === c));
      if (unknown.length) {
        throw new ZodError(unknown.map((c) => ({ code: 'custom' as const, path: ['components'], message: `unknown component "${c}"`, input: c })));
      }
      const { impacted, audience } = await loadAudience(deps.store.models, subject, subject.legalNotice ? { legalNotice: subject.legalNotice } : {});
      return {
        body: {
          ...(subject.incidentId ? { incidentId: subject.incidentId, severity: subject.severity, components: subject.components } : {}),
          ...(subject.legalNotice ? { legalNotice: subject.legalNotice } : {}),
          impactedComponents: impacted,
          customers: audience.map(({ deadlines: _d, ...m }) => m),
          deadlines: contractDeadlines(audience, subject.severity, subject.detectedAt),
        },
      };
    },
  }),
];
