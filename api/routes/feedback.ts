import { z } from 'zod';
import { FeedbackSchema } from '../../domain/feedback';
import type { FeedbackDoc, MessageTemplateUseDoc } from '../../store/feedback';
import { latestVersion } from '../../store/templates';
import { HttpError } from '../errors';
import { IncidentParams } from '../incident-params';
import { defineRoute } from '../route';
import { newRecordId } from '../ids';

/**
 * Feedback drives revisions (M6.5): support and account teams say what confused customers or
 * what was missing, on a message version or a template; template revisions cite the items they
 * answer (PUT /v1/templates/:templateId with `answers` and `reason`); the unanswered are listed.
 */

const FeedbackView = z.object({
  feedbackId: z.string(),
  incidentId: z.string().optional(),
  version: z.number().int().optional(),
  templateId: z.string().optional(),
  templateVersion: z.number().int().optional().describe('The template version the message came from'),
  confused: z.string().optional(),
  missing: z.string().optional(),
  submittedBy: z.string(),
  submittedAt: z.string(),
  answeredBy: z.object({ templateId: z.string(), version: z.number().int(), reason: z.string(), at: z.string() }).optional().describe('The revision that answered it'),
});

function view(f: FeedbackDoc): z.infer<typeof FeedbackView> {
  const { _id, submittedAt, answeredBy, ...rest } = f as FeedbackDoc & { __v?: number };
  delete (rest as { __v?: number }).__v;
  return {
    feedbackId: _id, ...rest, submittedAt: submittedAt.toISOString(),
    ...(answeredBy ? { answeredBy: { ...answeredBy, at: new Date(answeredBy.at).toISOString() } } : {}),
  };
}

const submitters = ['responder', 'manager', 'viewer', 'admin'] as const;

export const feedbackRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/feedback',
    summary: 'Feedback from support or account teams on a message version (incidentId and version) or a template: what confused customers, what was missing',
    tags: ['feedback'],
    roles: [...submitters],
    body: FeedbackSchema,
    responses: { 201: { description: 'The feedback item, with the template version the message came from', schema: FeedbackView } },
    errors: { 404: 'Unknown incident, message version or template' },
    async handler({ body, principal, deps }) {
      const { IncidentSummary, MessageTemplateUse } = deps.store.models;
      let templateId = body.templateId;
      let templateVersion: number | undefined;
      if (body.incidentId) {
        if (!(await IncidentSummary.exists({ _id: body.incidentId }))) throw new HttpError(404, `incident ${body.incidentId} not found`);
        const use = await MessageTemplateUse.findOne({ _id: `${body.incidentId}#${body.version}` }).lean<MessageTemplateUseDoc>();
        if (use && (!templateId || templateId === use.templateId)) {
          templateId = use.templateId;
          templateVersion = use.templateVersion;
        }
      }
      if (body.templateId && !(await latestVersion(deps.store.models, body.templateId))) throw new HttpError(404, `template ${body.templateId} not found`);
      const doc: FeedbackDoc = {
        _id: newRecordId('fb'),
        ...(body.incidentId ? { incidentId: body.incidentId, version: body.version } : {}),
        ...(templateId ? { templateId } : {}),
        ...(templateVersion !== undefined ? { templateVersion } : {}),
        ...(body.confused ? { confused: body.confused } : {}),
        ...(body.missing ? { missing: body.missing } : {}),
        submittedBy: principal!.name,
        submittedAt: new Date(),
      };
      await deps.store.models.Feedback.create(doc);
      return { status: 201, body: view(doc), headers: { Location: `/v1/feedback?templateId=${templateId ?? ''}` } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/feedback',
    summary: 'Feedback items, newest first; `unanswered=true` lists those no revision answers yet',
    tags: ['feedback'],
    roles: [...submitters],
    query: z.object({
      unanswered: z.enum(['true', 'false']).optional().transform((v) => v === 'true'),
      templateId: z.string().max(64).optional(),
      incidentId: z.string().max(100).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    responses: { 200: { description: 'Feedback', schema: z.object({ feedback: z.array(FeedbackView) }) } },
    async handler({ query, deps }) {
      const filter = {
        ...(query.unanswered ? { answeredBy: { $exists: false } } : {}),
        ...(query.templateId ? { templateId: query.templateId } : {}),
        ...(query.incidentId ? { incidentId: query.incidentId } : {}),
      };
      const items = await deps.store.models.Feedback.find(filter, { __v: 0 }).sort({ submittedAt: -1, _id: 1 }).limit(query.limit).lean<FeedbackDoc[]>();
      return { body: { feedback: items.map(view) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/incidents/:id/message-templates',
    summary: 'The template and template version each message version of the incident was drafted from (a version a person rewrote has none)',
    tags: ['feedback'],
    roles: [...submitters],
    params: IncidentParams,
    responses: {
      200: {
        description: 'Message versions and their templates, oldest first',
        schema: z.object({ incidentId: z.string(), versions: z.array(z.object({ version: z.number().int(), templateId: z.string(), templateVersion: z.number().int().optional(), draftedAt: z.string() })) }),
      },
    },
    errors: { 404: 'Unknown incident' },
    async handler({ params, deps }) {
      if (!(await deps.store.models.IncidentSummary.exists({ _id: params.id }))) throw new HttpError(404, `incident ${params.id} not found`);
      const uses = await deps.store.models.MessageTemplateUse.find({ incidentId: params.id }).sort({ version: 1 }).lean<MessageTemplateUseDoc[]>();
      return {
        body: {
          incidentId: params.id,
          versions: uses.map((u) => ({ version: u.version, templateId: u.templateId, ...(u.templateVersion !== undefined ? { templateVersion: u.templateVersion } : {}), draftedAt: u.draftedAt })),
        },
      };
    },
  }),
];
