import { z } from 'zod';
import { surveySecret } from '../../config/surveys';
import { scoreRange, surveyResults } from '../../domain/surveys';
import { readSurveyToken, surveyInvitationId } from '../../domain/surveys/token';
import { findInvitation, recordResponse, surveyRows, type SurveyInvitationDoc } from '../../store/surveys';
import { surveyFormPage, surveyNoticePage, type SurveyNotice } from '../../views/survey';
import type { ApiDeps } from '../deps';
import { assertIncidentExists, IncidentParams } from '../incident-params';
import { ErrorBodySchema, HttpError } from '../errors';
import { wanted } from '../negotiation';
import { defineRoute, type RouteResult } from '../route';

/**
 * Post-incident surveys (M6.3). The form is public: the signed token in the email's link is the
 * authority, and the store takes one answer per contact. A person who reaches the form from an
 * email reads every answer as a page in their language; the results are JSON for managers and
 * executives, per incident and over all incidents (drills left out).
 */

const TokenParams = z.object({ token: z.string().max(1000).regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'not a survey token') });

const score = z.coerce.number().int().min(scoreRange.min).max(scoreRange.max);
const SurveyAnswer = z.object({
  clarity: score.describe('How clear the updates were, 1 to 5'),
  frequency: score.describe('Whether they came often enough, 1 to 5'),
  usefulness: score.describe('How useful they were, 1 to 5'),
  comment: z.string().trim().max(2000).optional().describe('Free text'),
});

const page = 'text/html';
const pageHeaders = {
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};
const html = (body: string, status = 200): RouteResult => ({ status, body, contentType: `${page}; charset=utf-8`, headers: pageHeaders });
const notice = (language: string | undefined, what: SurveyNotice, status = 200) => html(surveyNoticePage(language, what), status);

type Headers = Record<string, string | string[] | undefined>;
const refusals: Record<Exclude<SurveyNotice, 'thanks'>, { status: number; message: string }> = {
  invalid: { status: 404, message: 'this survey link was not made by Herald or was altered; use the link of the email itself' },
  expired: { status: 404, message: 'this survey link has expired' },
  answered: { status: 409, message: 'this survey was answered already; each link takes one answer' },
};

/** A refusal: a page for a browser (it asks for text/html), else the one JSON error body. */
function refuse(headers: Headers, language: string | undefined, what: keyof typeof refusals): RouteResult {
  const { status, message } = refusals[what];
  if (!wanted('html', undefined, headers.accept)) throw new HttpError(status, message);
  return notice(language, what, status);
}
const asPage = (description: string) => ({ description: `${description}; a page saying so when the request accepts text/html`, schema: ErrorBodySchema, alternatives: [page] });
const notALink = asPage('Not a survey link Herald made (or altered), or one that has expired');

type Opened = { ok: true; invitation: SurveyInvitationDoc } | { ok: false; refusal: RouteResult };

/** The invitation a token names, or its refusal. */
async function open(deps: ApiDeps, headers: Headers, token: string): Promise<Opened> {
  const reading = readSurveyToken(token, surveySecret(), Date.now());
  if (!reading.ok) return { ok: false, refusal: refuse(headers, undefined, reading.reason === 'expired' ? 'expired' : 'invalid') };
  const invitation = await findInvitation(deps.store.models, surveyInvitationId(reading.invite.incidentId, reading.invite.address));
  return invitation ? { ok: true, invitation } : { ok: false, refusal: refuse(headers, undefined, 'invalid') };
}

const Means = z.object({ clarity: z.number().nullable(), frequency: z.number().nullable(), usefulness: z.number().nullable() });
const Figures = z.object({
  invited: z.number().describe('Key-account contacts asked'),
  reminded: z.number().describe('Contacts reminded (once)'),
  responses: z.number(),
  responseRate: z.number().nullable().describe('responses / invited, 0 to 1; null when nobody was asked'),
  means: Means.describe('Mean score per question, 1 to 5; null without answers'),
});
const ByAccount = Figures.extend({ customerId: z.string(), tier: z.string().optional() });
const ByTemplate = Figures.extend({ templateId: z.string().nullable(), templateVersion: z.number().nullable() }).describe('By the template version of the last message each contact received (null: a message written without a template)');
const Comment = z.object({ incidentId: z.string(), customerId: z.string(), templateId: z.string().nullable(), templateVersion: z.number().nullable(), text: z.string(), answeredAt: z.string() });
const IncidentResults = Figures.extend({ incidentId: z.string(), byAccount: z.array(ByAccount), byTemplateVersion: z.array(ByTemplate), comments: z.array(Comment) });
const AllResults = Figures.extend({
  incidents: z.number(), byIncident: z.array(Figures.extend({ incidentId: z.string() })), byAccount: z.array(ByAccount), byTemplateVersion: z.array(ByTemplate), comments: z.array(Comment),
});

export const surveyRoutes = [
  defineRoute({
    method: 'get',
    path: '/survey/:token',
    summary: "The survey form of a survey email's link (public; the signed token names the contact): three 1–5 scales and free text, in the contact's language, no script",
    tags: ['surveys'],
    params: TokenParams,
    responses: { 200: { description: 'The form, or the page saying it was answered already', contentType: page }, 404: notALink },
    async handler({ params, headers, deps }) {
      const opened = await open(deps, headers, params.token);
      if (!opened.ok) return opened.refusal;
      const { invitation } = opened;
      if (await deps.store.models.SurveyResponse.exists({ _id: invitation._id })) return notice(invitation.language, 'answered');
      return html(surveyFormPage({ incidentId: invitation.incidentId, language: invitation.language, action: `/survey/${params.token}` }));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/survey/:token',
    summary: 'Answer a survey (public; the form posts it, as application/x-www-form-urlencoded or JSON): recorded once per link, a second answer is refused',
    tags: ['surveys'],
    params: TokenParams,
    body: SurveyAnswer,
    responses: {
      200: { description: 'Recorded: a page thanking the contact', contentType: page },
      404: notALink,
      409: asPage('This link was answered already'),
    },
    async handler({ params, body, headers, deps }) {
      const opened = await open(deps, headers, params.token);
      if (!opened.ok) return opened.refusal;
      const { _id, incidentId, customerId, tier, templateId, templateVersion, language } = opened.invitation;
      const recorded = await recordResponse(deps.store.models, {
        _id, incidentId, customerId, ...(tier ? { tier } : {}), ...(templateId ? { templateId } : {}), ...(templateVersion !== undefined && templateVersion !== null ? { templateVersion } : {}),
        scores: { clarity: body.clarity, frequency: body.frequency, usefulness: body.usefulness },
        ...(body.comment ? { comment: body.comment } : {}), answeredAt: new Date(),
      });
      return recorded ? notice(language, 'thanks') : refuse(headers, language, 'answered');
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/incidents/:id/survey',
    summary: "An incident's survey results: contacts asked and reminded, answers, the response rate and the mean per question, in all, per account and per template version, and the free text",
    tags: ['surveys'],
    roles: ['manager', 'executive'],
    params: IncidentParams,
    responses: { 200: { description: 'The results (zeros until the survey has gone out)', schema: IncidentResults } },
    errors: { 404: 'Unknown incident' },
    async handler({ params, deps }) {
      const rows = await surveyRows(deps.store.models, { incidentId: params.id });
      if (!rows.invited.length) await assertIncidentExists(deps, params.id);
      const { byIncident: _byIncident, ...results } = surveyResults(rows.invited, rows.answered);
      return { body: { incidentId: params.id, ...results } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/surveys',
    summary: 'Survey results over every incident surveyed (drill incidents left out): in all, per incident, per account and per template version, with the response rates and means, and the free text',
    tags: ['surveys'],
    roles: ['manager', 'executive'],
    responses: { 200: { description: 'The results', schema: AllResults } },
    async handler({ deps }) {
      const drills = (await deps.store.models.IncidentSummary.find({ drill: true }, { _id: 1 }).lean()).map((d) => String(d._id));
      const rows = await surveyRows(deps.store.models, { excludeIncidents: drills });
      const results = surveyResults(rows.invited, rows.answered);
      return { body: { incidents: results.byIncident.length, ...results } };
    },
  }),
];
