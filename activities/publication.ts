import { checkDisclosure, type RootCauseStatement } from '../domain/gate/disclosure';
import type { Category, Severity } from '../domain/incident';
import { requiredLocalesPresent } from '../domain/messages/localization';
import type { MessageVersion } from '../domain/messages';
import { customNarrativeUsable, isRestricted, templateUsable } from '../domain/messages/governance';
import type { NearMissKind } from '../domain/gate/near-misses';
import { versionConsistency } from '../domain/messages/version-locales';
import { lintPlainLanguage, type LintFinding } from '../domain/gate/plain-language';
import { defaultLintOptions } from '../config/gate';
import type { ApproverRole, Playbook } from '../domain/playbooks/schema';
import { builtinTemplates } from '../domain/messages/templates';
import { nearMissRecord } from '../domain/gate/near-miss-records';
import { saveNearMiss } from '../store/near-misses';
import { loadAudience } from '../store/service-model';
import { latestVersion } from '../store/templates';
import type { Models } from '../store/models';
import type { AudienceCollections, StoreDeps } from './deps';

/**
 * The last look before a version leaves (M2.1, M2.2, M2.3, M2.4, M2.5, M5.3): disclosure of the
 * root cause, template governance, plain language where the playbook enforces it, the locales the
 * audience reads, and whether those locales agree.
 * Everything it stops is a near miss (M5.6), keyed by incident, version and check so a retried
 * activity records it once.
 */

export interface PublicationCheckRequest {
  incident: { id: string; severity: Severity; category: Category; tags: string[]; components: string[] };
  message: MessageVersion & { rootCause?: RootCauseStatement };
  /** Sign-offs given to this exact version (approve decisions only). */
  approvals: { approver: string; role: ApproverRole; hash: string }[];
  rootCauseConfirmed: boolean;
  policy: Playbook['messages'];
  /** The pre-approved holding statement skips governance, disclosure and plain language, but not locales. */
  holdingStatement?: boolean;
  /** The workflow's clock, ISO: reviews expire relative to it. */
  at: string;
}

export type PublicationCheckName = 'disclosure' | 'governance' | 'plain-language' | 'locales' | 'consistency';

export interface PublicationProblem {
  kind: NearMissKind;
  check: PublicationCheckName;
  reason: string;
  details?: Record<string, unknown>;
}

export interface PublicationCheckResult {
  ok: boolean;
  problems: PublicationProblem[];
  /** The primary locale plus every locale of the affected audience. */
  requiredLocales: string[];
  availableLocales: string[];
  /** Set when the playbook's fallback locale stands in for missing locales: recorded with the publication. */
  fallback?: { locale: string; missing: string[] };
}

/** The near-miss key of one check of one version: the same check of the same version is one near miss. */
function publicationNearMissKey(incidentId: string, version: number, check: PublicationCheckName): string {
  return `${incidentId}#v${version}#${check}`;
}

function disclosureProblem(req: PublicationCheckRequest): PublicationProblem | undefined {
  const { message, policy } = req;
  const verdict = checkDisclosure({
    rootCause: message.rootCause,
    incidentRootCauseConfirmed: req.rootCauseConfirmed,
    approvals: req.approvals.map((a) => ({
      approver: a.approver,
      rights: policy.disclosureApprovers.includes(a.role) ? [a.role, 'disclosure'] : [a.role],
      versionHash: a.hash,
    })),
    versionHash: message.hash,
    audience: 'external',
  });
  if (verdict.ok) return undefined;
  return {
    kind: 'hypothesis-disclosure',
    check: 'disclosure',
    reason: verdict.reason,
    details: { rootCauseStatus: message.rootCause?.status, disclosureApprovers: policy.disclosureApprovers },
  };
}

/** Findings reported with a blocked version: enough to fix the text, bounded for the audit record. */
const reportedFindings = 10;

/**
 * The playbook's plain-language bar (M2.1), applied to every locale of the version with that
 * locale's glossary and reading-ease formula (a language without a formula has no score to fail).
 */
function plainLanguageProblem(req: PublicationCheckRequest, primary: string): PublicationProblem | undefined {
  const bar = req.policy.plainLanguage;
  if (!bar) return undefined;
  const { message } = req;
  const texts = [{ locale: primary, text: message.text }, ...Object.entries(message.translations ?? {}).map(([locale, t]) => ({ locale, text: t.text }))];
  const scores: Record<string, number | null> = {};
  const failing: { locale: string; findings: LintFinding[]; reasons: string[] }[] = [];
  for (const { locale, text } of texts) {
    const lint = lintPlainLanguage(text, { ...defaultLintOptions(locale), minReadingEase: bar.minReadingEase });
    scores[locale] = lint.score;
    const reasons: string[] = [];
    if (bar.maxFindings !== undefined && lint.findings.length > bar.maxFindings) {
      reasons.push(`${locale} has ${lint.findings.length} plain-language finding${lint.findings.length === 1 ? '' : 's'}, the playbook allows ${bar.maxFindings}`);
    }
    if (bar.minReadingEase !== undefined && lint.score !== null && lint.score < bar.minReadingEase) {
      reasons.push(`${locale} reads at ${lint.score} (${lint.formula}), the playbook needs ${bar.minReadingEase}`);
    }
    if (reasons.length) failing.push({ locale, findings: lint.findings, reasons });
  }
  if (!failing.length) return undefined;
  return {
    kind: 'blocked-publication',
    check: 'plain-language',
    reason: `not plain enough: ${failing.flatMap((f) => f.reasons).join('; ')}`,
    details: {
      findings: failing.flatMap((f) => f.findings.map((x) => ({ locale: f.locale, ...x }))).slice(0, reportedFindings),
      score: scores[primary],
      scores,
      minReadingEase: bar.minReadingEase,
      maxFindings: bar.maxFindings,
    },
  };
}

async function governanceProblem(models: Pick<Models, 'Template' | 'TemplateVersion'>, req: PublicationCheckRequest): Promise<PublicationProblem | undefined> {
  const { message, incident, policy } = req;
  const blocked = (reason: string, details: Record<string, unknown>): PublicationProblem => ({
    kind: 'blocked-publication', check: 'governance', reason, details: { templateId: message.templateId, ...details },
  });
  if (message.templateId === 'custom') {
    const usable = customNarrativeUsable({
      tags: incident.tags,
      policy: policy.customNarratives,
      approvals: req.approvals.map((a) => ({ approver: a.approver, rights: [a.role], versionHash: a.hash })),
      versionHash: message.hash,
    });
    return usable.ok ? undefined : blocked(`custom narrative: ${usable.reasons.join('; ')}`, { reasons: usable.reasons, missingRights: usable.missingRights });
  }
  if (!isRestricted(incident.tags)) return undefined;
  const template = await latestVersion(models, message.templateId);
  if (!template) {
    const builtin = builtinTemplates.some((t) => t.templateId === message.templateId);
    const what = builtin ? `the built-in template "${message.templateId}"` : `template "${message.templateId}"`;
    return blocked(`${what} is not in the template registry, so it has no legal or data-protection review; a restricted incident publishes only reviewed wording`, {
      builtin, tags: incident.tags,
    });
  }
  const usable = templateUsable(template, { tags: incident.tags, now: req.at });
  return usable.ok
    ? undefined
    : blocked(`template "${message.templateId}" v${template.version}: ${usable.reasons.join('; ')}`, { templateVersion: template.version, reasons: usable.reasons, tags: incident.tags });
}

export function createPublicationActivities({ store }: StoreDeps<AudienceCollections | 'Template' | 'TemplateVersion' | 'NearMiss'>) {
  return {
    /** Whether a version may publish, and what would stop it; every problem is recorded as a near miss. */
    async checkPublication(req: PublicationCheckRequest): Promise<PublicationCheckResult> {
      const { message, incident, policy } = req;
      const primary = message.locale ?? policy.locale;
      const problems: PublicationProblem[] = [];

      if (!req.holdingStatement) {
        const disclosure = disclosureProblem(req);
        if (disclosure) problems.push(disclosure);
        const governance = await governanceProblem(store.models, req);
        if (governance) problems.push(governance);
        const plain = plainLanguageProblem(req, primary);
        if (plain) problems.push(plain);
      }

      const { audience } = await loadAudience(store.models, incident);
      const requiredLocales = [...new Set([primary, ...audience.map((m) => m.locale)])].sort();
      const availableLocales = [...new Set([primary, ...Object.keys(message.translations ?? {})])].sort();
      const coverage = requiredLocalesPresent(requiredLocales, availableLocales, policy.fallbackLocale);
      if (!coverage.ok) {
        problems.push({
          kind: 'blocked-publication',
          check: 'locales',
          reason: `affected customers read ${coverage.missing.join(', ')}, which this version lacks; ${
            policy.fallbackLocale ? `the fallback locale ${policy.fallbackLocale} is missing too` : 'the playbook names no fallback locale'
          }`,
          details: { missing: coverage.missing, required: requiredLocales, available: availableLocales },
        });
      }
      const fallback = coverage.fallbackUsed.length && policy.fallbackLocale ? { locale: policy.fallbackLocale, missing: coverage.fallbackUsed } : undefined;

      const consistency = versionConsistency(message, policy.locale);
      if (!consistency.consistent) {
        const locales = [...new Set(consistency.disagreements.map((d) => d.locale))].sort();
        problems.push({
          kind: 'locale-inconsistency',
          check: 'consistency',
          reason: `${locales.join(', ')} state${locales.length > 1 ? '' : 's'} other ${[...new Set(consistency.disagreements.map((d) => d.kind))].join(', ')} facts than ${consistency.reference}`,
          details: { reference: consistency.reference, disagreements: consistency.disagreements },
        });
      }

      for (const p of problems) {
        await saveNearMiss(store.models, nearMissRecord({
          incidentId: incident.id,
          kind: p.kind,
          key: publicationNearMissKey(incident.id, message.version, p.check),
          at: req.at,
          details: { check: p.check, version: message.version, hash: message.hash, reason: p.reason, ...p.details },
        }));
      }
      return { ok: problems.length === 0, problems, requiredLocales, availableLocales, ...(fallback ? { fallback } : {}) };
    },
  };
}
