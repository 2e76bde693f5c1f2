import { z } from 'zod';
import { LocaleSchema } from '../../domain/messages/locale-schema';
import { versionConsistency } from '../../domain/messages/version-locales';
import { confirmRootCauseUpdate, editDraftUpdate, incidentStateQuery, type IncidentView } from '../../workflows/messages';
import { HttpError } from '../errors';
import { defineRoute, type Route } from '../route';
import type { ApiDeps } from '../deps';
import { incidentHandle, IncidentParams } from '../incident-params';

/**
 * Translations of a draft (M2.5) and the confirmation of the root cause (M2.4). A translation
 * belongs to its version: attaching one makes a new version (approvals of the old one are void),
 * and the answer carries the consistency check so the drafter sees disagreeing facts at once.
 */

const VersionParams = IncidentParams.extend({ version: z.coerce.number().int().positive() });
const TranslationParams = VersionParams.extend({ locale: LocaleSchema });

const Consistency = z.object({
  consistent: z.boolean(),
  reference: z.string().optional(),
  disagreements: z.array(z.object({ kind: z.string(), locale: z.string(), values: z.record(z.string(), z.array(z.string())) })),
});
const Wording = z.object({ subject: z.string(), text: z.string() });

type CurrentDraft = NonNullable<IncidentView['currentDraft']>;

async function currentDraft(deps: ApiDeps, incidentId: string): Promise<CurrentDraft | undefined> {
  return (await incidentHandle(deps, incidentId).query(incidentStateQuery)).currentDraft;
}

const primaryLocale = (d: CurrentDraft) => d.locale ?? 'en';

export const translationRoutes: Route[] = [
  defineRoute<z.infer<typeof TranslationParams>, unknown, z.infer<typeof Wording>>({
    method: 'put',
    path: '/v1/incidents/:id/drafts/:version/translations/:locale',
    summary: 'Attach or replace one locale of the current draft: a new version (approvals of the old one are void), answered with the locales\' consistency',
    tags: ['incident actions'],
    roles: ['responder', 'manager', 'admin'],
    params: TranslationParams,
    body: z.object({ subject: z.string().trim().min(3).max(200), text: z.string().trim().min(1).max(20000) }),
    responses: {
      201: {
        description: 'The new version, its locales and whether they state the same facts',
        schema: z.object({
          version: z.number(), hash: z.string(), parent: z.number(), voidedApprovals: z.number(),
          locale: z.string().describe('the locale attached'), primaryLocale: z.string(), locales: z.array(z.string()), consistency: Consistency,
        }),
      },
    },
    errors: {
      404: 'Unknown incident, or the version is not the current draft',
      409: 'The version is not the current draft (details.currentVersion), or the incident is closed',
    },
    async handler({ params, body, principal, deps }) {
      const draft = await currentDraft(deps, params.id);
      if (!draft || draft.version !== params.version) {
        throw new HttpError(409, `version ${params.version} is not the current draft${draft ? ` (current: ${draft.version})` : ''}`, draft ? { currentVersion: draft.version, currentHash: draft.hash } : undefined);
      }
      const primary = primaryLocale(draft);
      if (params.locale === primary) {
        throw new HttpError(400, `${params.locale} is the draft's primary locale; edit the draft itself to change it`);
      }
      const translations = { ...(draft.translations ?? {}), [params.locale]: { subject: body.subject, text: body.text } };
      const receipt = await incidentHandle(deps, params.id).executeUpdate(editDraftUpdate, {
        args: [{
          baseVersion: params.version, subject: draft.subject, text: draft.text, phase: draft.phase, rootCause: draft.rootCause,
          decisionIds: draft.decisionIds, author: principal!.name, translations,
        }],
      });
      const wording = { locale: primary, subject: draft.subject, text: draft.text, translations };
      return {
        status: 201,
        body: { ...receipt, locale: params.locale, primaryLocale: primary, locales: [primary, ...Object.keys(translations).sort()], consistency: versionConsistency(wording) },
      };
    },
  }),
  defineRoute<z.infer<typeof VersionParams>>({
    method: 'get',
    path: '/v1/incidents/:id/drafts/:version/translations',
    summary: 'The locales of the current draft and whether they state the same numbers, times and links',
    tags: ['incident actions'],
    roles: ['viewer', 'responder', 'approver', 'manager', 'admin'],
    params: VersionParams,
    responses: {
      200: {
        description: 'The primary locale, every translation and their consistency',
        schema: z.object({
          incidentId: z.string(), version: z.number(), hash: z.string(), locale: z.string(), locales: z.array(z.string()),
          translations: z.record(z.string(), Wording), consistency: Consistency,
        }),
      },
    },
    errors: {
      404: 'Unknown incident, or the version is not the current draft',
    },
    async handler({ params, deps }) {
      const draft = await currentDraft(deps, params.id);
      if (!draft || draft.version !== params.version) {
        throw new HttpError(404, `version ${params.version} is not the current draft${draft ? ` (current: ${draft.version})` : ''}`);
      }
      const primary = primaryLocale(draft);
      const translations = draft.translations ?? {};
      return {
        body: {
          incidentId: params.id, version: draft.version, hash: draft.hash, locale: primary,
          locales: [primary, ...Object.keys(translations).filter((l) => l !== primary).sort()], translations,
          consistency: versionConsistency({ locale: primary, subject: draft.subject, text: draft.text, translations }),
        },
      };
    },
  }),
  defineRoute<IncidentParams, unknown, { statement: string }>({
    method: 'post',
    path: '/v1/incidents/:id/root-cause',
    summary: 'Confirm the incident\'s root cause, so messages may state it as confirmed rather than as a hypothesis',
    tags: ['incident actions'],
    roles: ['responder', 'manager', 'admin'],
    params: IncidentParams,
    body: z.object({ statement: z.string().trim().min(1).max(2000) }),
    responses: {
      200: { description: 'Confirmed', schema: z.object({ confirmedAt: z.string() }) },
    },
    errors: {
      404: 'Unknown incident, or the version is not the current draft',
      409: 'The incident is closed',
    },
    async handler({ params, body, principal, deps }) {
      const result = await incidentHandle(deps, params.id).executeUpdate(confirmRootCauseUpdate, {
        args: [{ statement: body.statement, by: principal!.name }],
      });
      return { body: result };
    },
  }),
];
