import { z } from 'zod';
import { LocaleSchema } from '../../domain/messages/locale-schema';
import { categories, severities } from '../../domain/incident';
import { diffVersions } from '../../domain/messages/diff';
import { reviewProblems, templateUsable } from '../../domain/messages/governance';
import { checkTemplateSource, MissingVariablesError, renderDeclared } from '../../domain/messages/template-schema';
import { templatePhases } from '../../domain/messages/templates';
import { feedbackIdPattern, RevisionSchema } from '../../domain/feedback';
import { answerFeedback, unknownFeedback } from '../../store/feedback';
import { latestVersion, RegistryConflict, RegistryNotFound, recordReview, saveTemplate, templateHistory } from '../../store/templates';
import type { ApiDeps } from '../deps';
import { found, HttpError } from '../errors';
import type { ApproverRoleName } from '../../config/api-keys';
import { defineRoute, routesUnder, type Route } from '../route';

/** Registry failures as HTTP answers: 409 with the current version to rebase on, 404, 400. */
export async function registryCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof RegistryConflict) {
      throw new HttpError(409, err.message, err.current ? { currentVersion: err.current.version, currentHash: err.current.contentHash } : undefined);
    }
    if (err instanceof RegistryNotFound) throw new HttpError(404, err.message);
    if (err instanceof MissingVariablesError) throw new HttpError(400, err.message, { missing: err.missing });
    throw err;
  }
}


const readers = ['viewer', 'responder', 'approver', 'manager'] as const;
const editors = ['manager', 'admin'] as const;

const TemplateParams = z.object({ templateId: z.string().regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, 'lower-case letters, digits, dot, dash or underscore; 3 to 64 characters') });
const templateRoute = routesUnder({ params: TemplateParams, notFound: 'Unknown template', tags: ['templates'], readers });

const VariableDeclarationSchema = z.object({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,40}$/),
  required: z.boolean().default(true),
  description: z.string().max(300).optional(),
});

const TemplateFields = z.object({
  category: z.enum([...categories, '*']),
  phase: z.enum(templatePhases),
  severities: z.array(z.enum(severities)).max(4).default([]).describe('Empty means every severity'),
  locale: LocaleSchema.default('en'),
  tags: z.array(z.string().min(1).max(50)).max(20).default([]),
  description: z.string().max(500).optional(),
  subject: z.string().min(1).max(300),
  body: z.string().min(1).max(10_000),
  variables: z.array(VariableDeclarationSchema).max(20).describe('Every variable the template uses, and whether it is required'),
});

type TemplateFieldsInput = z.infer<typeof TemplateFields>;

/** The save-time check: an undeclared, unknown or unguarded variable is a 400, never a blank later. */
function sourceChecked<T extends z.ZodType<TemplateFieldsInput>>(schema: T) {
  return schema.superRefine((t, ctx) => {
    for (const p of checkTemplateSource(t)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
  });
}

const CreateTemplate = sourceChecked(TemplateFields.extend({ templateId: TemplateParams.shape.templateId }));
const UpdateTemplate = sourceChecked(
  TemplateFields.extend({
    baseVersion: z.number().int().min(1).describe('The version this edit was made against; anything but the latest is a 409'),
    reason: RevisionSchema.shape.reason.optional(),
    answers: z.array(z.string().regex(feedbackIdPattern, 'not a feedback ID')).max(50).optional().describe('Feedback items (GET /v1/feedback) this revision answers; needs a reason'),
  }).refine((b) => !b.answers?.length || !!b.reason, { path: ['reason'], message: 'a revision that answers feedback says why it is made' }),
);

const TemplateView = z.object({
  templateId: z.string(), version: z.number(), category: z.string(), phase: z.string(), locale: z.string(),
  subject: z.string(), body: z.string(), contentHash: z.string(), review: z.any(),
}).passthrough();

const LegalApprovalBody = z.object({ version: z.number().int().min(1) });
const DataProtectionBody = z.object({
  version: z.number().int().min(1),
  expiresAt: z.iso.datetime({ offset: true }).describe('When the review lapses and must be renewed'),
  regimes: z.array(z.enum(['GDPR', 'CCPA'])).min(1).default(['GDPR', 'CCPA']),
}).refine((b) => Date.parse(b.expiresAt) > Date.now(), { path: ['expiresAt'], message: 'a review must expire in the future' });

const tagList = z
  .string()
  .max(500)
  .default('')
  .transform((s) => s.split(',').map((t) => t.trim()).filter(Boolean));

/** A review of the latest version's wording, recorded by an approver who holds the right it needs. */
function reviewRoute<B extends { version: number }>(spec: {
  path: string;
  summary: string;
  answer: string;
  body: z.ZodType<B>;
  right: ApproverRoleName;
  refusal: string;
  review: (body: B, by: string, at: string) => Parameters<typeof recordReview>[3];
}): Route {
  return templateRoute<unknown, B>({
    method: 'post',
    path: `/v1/templates/:templateId/${spec.path}`,
    summary: spec.summary,
    roles: ['approver'],
    body: spec.body,
    responses: { 200: { description: spec.answer, schema: TemplateView } }, errors: { 409: 'Not the latest version' },
    async handler({ params, body, principal, deps }) {
      if (!principal!.approverRoles?.includes(spec.right)) throw new HttpError(403, spec.refusal);
      const review = spec.review(body, principal!.name, new Date().toISOString());
      return { body: await registryCall(() => recordReview(deps.store.models, params.templateId, body.version, review)) };
    },
  });
}

async function mustFind(deps: ApiDeps, templateId: string) {
  return found(await latestVersion(deps.store.models, templateId), `template ${templateId}`);
}

export const templateRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/templates',
    summary: 'The latest version of every template, filtered by phase, category, locale or tag',
    tags: ['templates'],
    roles: [...readers],
    query: z.object({
      phase: z.enum(templatePhases).optional(),
      category: z.enum([...categories, '*']).optional(),
      locale: z.string().max(10).optional(),
      tag: z.string().max(50).optional(),
    }),
    responses: { 200: { description: 'Templates', schema: z.object({ templates: z.array(z.any()) }) } },
    async handler({ query, deps }) {
      const filter = Object.fromEntries(Object.entries({ phase: query.phase, category: query.category, locale: query.locale, tags: query.tag }).filter(([, v]) => v));
      const templates = await deps.store.models.Template.find(filter, { _id: 0, __v: 0 }).sort({ templateId: 1 }).lean();
      return { body: { templates } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/templates',
    summary: 'Create a template (version 1); its variables are checked against its declaration',
    tags: ['templates'],
    roles: [...editors],
    body: CreateTemplate,
    responses: { 201: { description: 'Created', schema: TemplateView } }, errors: { 409: 'The template exists' },
    async handler({ body, principal, deps }) {
      const { templateId, ...draft } = body;
      const saved = await registryCall(() => saveTemplate(deps.store.models, templateId, draft, { author: principal!.name, at: new Date().toISOString() }));
      return { status: 201, body: saved, headers: { Location: `/v1/templates/${templateId}` } };
    },
  }),
  templateRoute({
    method: 'get',
    path: '/v1/templates/:templateId',
    summary: 'The latest version of a template with its review state',
    responses: { 200: { description: 'The template', schema: TemplateView } },
    async handler({ params, deps }) {
      const t = await mustFind(deps, params.templateId);
      return { body: { ...t, reviewProblems: reviewProblems(t, new Date()) } };
    },
  }),
  templateRoute({
    method: 'put',
    path: '/v1/templates/:templateId',
    summary: 'Save a new version of a template, made against the latest version',
    roles: [...editors],
    body: UpdateTemplate,
    responses: {
      200: { description: 'The new version', schema: TemplateView },
    },
    errors: {
      404: 'Unknown template, or a cited feedback item Herald does not know',
      409: 'The edit was made against an older version; details carry the current one',
    },
    async handler({ params, body, principal, deps }) {
      const { baseVersion, reason, answers, ...draft } = body;
      const missing = await unknownFeedback(deps.store.models, answers ?? []);
      if (missing.length) throw new HttpError(404, `no feedback ${missing.join(', ')}`);
      const revision = reason ? { revision: { reason, answers: answers ?? [] } } : {};
      const saved = await registryCall(() =>
        saveTemplate(deps.store.models, params.templateId, { ...draft, ...revision }, { author: principal!.name, at: new Date().toISOString(), baseVersion }),
      );
      if (answers?.length) await answerFeedback(deps.store.models, answers, { templateId: saved.templateId, version: saved.version, reason: reason!, at: new Date() });
      return { body: saved };
    },
  }),
  templateRoute({
    method: 'get',
    path: '/v1/templates/:templateId/versions',
    summary: "A template's history: every version with its number, hash, parent, author and time",
    responses: { 200: { description: 'Versions, oldest first', schema: z.object({ templateId: z.string(), versions: z.array(TemplateView) }) } },
    async handler({ params, deps }) {
      return { body: { templateId: params.templateId, versions: found(await templateHistory(deps.store.models, params.templateId), `template ${params.templateId}`) } };
    },
  }),
  templateRoute({
    method: 'get',
    path: '/v1/templates/:templateId/diff',
    summary: 'A line diff of two versions of a template (subject and body)',
    query: z.object({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1) }),
    responses: { 200: { description: 'The diff', schema: z.object({ from: z.number(), to: z.number(), subject: z.any(), body: z.any() }) } }, errors: { 404: 'Unknown template or version' },
    async handler({ params, query, deps }) {
      const versions = await templateHistory(deps.store.models, params.templateId);
      const pick = (n: number) => {
        const v = versions.find((x) => x.version === n);
        if (!v) throw new HttpError(404, `template ${params.templateId} has no version ${n}`);
        return v;
      };
      const [a, b] = [pick(query.from), pick(query.to)];
      return { body: { from: a.version, to: b.version, subject: diffVersions(a.subject, b.subject), body: diffVersions(a.body, b.body) } };
    },
  }),
  reviewRoute({
    path: 'legal-approval', summary: 'Approve the wording of the latest version (needs the legal right)', answer: 'Approved', body: LegalApprovalBody,
    right: 'legal', refusal: 'approving template wording needs the legal right',
    review: (_b, by, at) => ({ legal: { approvedBy: by, at } }),
  }),
  reviewRoute({
    path: 'data-protection-review', answer: 'Reviewed', body: DataProtectionBody,
    summary: 'Record the data-protection (GDPR/CCPA) review of the latest version, with its expiry (needs the dpo right)',
    right: 'dpo', refusal: 'a data-protection review needs the dpo right',
    review: (b, by, at) => ({ dataProtection: { reviewedBy: by, at, expiresAt: new Date(b.expiresAt).toISOString(), regimes: b.regimes } }),
  }),
  templateRoute({
    method: 'get',
    path: '/v1/templates/:templateId/usability',
    summary: 'Whether the latest version may be published for an incident with the given tags',
    query: z.object({ tags: tagList.describe('Comma-separated incident tags, e.g. data-exposure,regulated-customer') }),
    responses: { 200: { description: 'The verdict', schema: z.object({ templateId: z.string(), version: z.number(), ok: z.boolean(), reasons: z.array(z.string()) }) } },
    async handler({ params, query, deps }) {
      const t = await mustFind(deps, params.templateId);
      return { body: { templateId: t.templateId, version: t.version, ...templateUsable(t, { tags: query.tags, now: new Date() }) } };
    },
  }),
  templateRoute({
    method: 'post',
    path: '/v1/templates/:templateId/preview',
    summary: 'Render the latest version with sample values: subject, plain text and HTML',
    roles: ['responder', 'approver', 'manager'],
    body: z.object({ variables: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,40}$/), z.string().max(5000)) }),
    responses: { 200: { description: 'Rendered', schema: z.object({ subject: z.string(), text: z.string(), html: z.string(), hash: z.string() }) } },
    async handler({ params, body, deps }) {
      const t = await mustFind(deps, params.templateId);
      return { body: await registryCall(async () => renderDeclared(t, body.variables)) };
    },
  }),
];
