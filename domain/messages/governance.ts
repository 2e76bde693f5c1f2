/**
 * Template governance and pre-approved language (M2.2, M2.3, M5.3). Pure: the workflow can ask
 * whether a template or a custom narrative may be published for an incident with given tags.
 */

export interface LegalApproval {
  approvedBy: string;
  at: string;
  /** The wording approved: a later edit has another hash and needs its own approval. */
  contentHash: string;
}

export interface DataProtectionReview {
  reviewedBy: string;
  at: string;
  /** Reviews expire: law, contracts and the product change under approved wording. */
  expiresAt: string;
  contentHash: string;
  regimes: string[];
}

export interface TemplateReview {
  legal?: LegalApproval;
  dataProtection?: DataProtectionReview;
}

/** Incidents with these tags publish only approved wording, or custom text legal has approved. */
export const restrictedTags = ['data-exposure', 'regulated-customer'] as const;

export interface Usability {
  ok: boolean;
  reasons: string[];
}

export function isRestricted(tags: readonly string[]): boolean {
  return tags.some((t) => (restrictedTags as readonly string[]).includes(t));
}

/** The review state of one template version, whatever the incident: what is current and what is not. */
export function reviewProblems(t: { contentHash: string; review?: TemplateReview }, now: Date): string[] {
  const reasons: string[] = [];
  const { legal, dataProtection } = t.review ?? {};
  if (!legal) reasons.push('the wording has no legal approval');
  else if (legal.contentHash !== t.contentHash) reasons.push('the legal approval is for other wording');
  if (!dataProtection) reasons.push('the wording has no data-protection (GDPR/CCPA) review');
  else if (dataProtection.contentHash !== t.contentHash) reasons.push('the data-protection review is for other wording');
  else if (Date.parse(dataProtection.expiresAt) <= now.getTime()) reasons.push(`the data-protection review expired at ${dataProtection.expiresAt}`);
  return reasons;
}

/**
 * Whether a template version may be published for an incident: any template may for ordinary
 * incidents; a data-exposure or regulated-customer incident needs current legal approval and a
 * current data-protection review of exactly this wording.
 */
export function templateUsable(
  t: { contentHash: string; review?: TemplateReview },
  ctx: { tags: readonly string[]; now: Date | string },
): Usability {
  if (!isRestricted(ctx.tags)) return { ok: true, reasons: [] };
  const reasons = reviewProblems(t, new Date(ctx.now));
  return { ok: reasons.length === 0, reasons };
}

export interface NarrativeApproval {
  approver: string;
  /** Rights the approver held when approving: legal, pr, executive, disclosure, … */
  rights: readonly string[];
  versionHash: string;
}

/** What a playbook says about custom narratives (text not from a template). */
export interface CustomNarrativePolicy {
  allowed: boolean;
  /** Rights whose approval of the exact version a custom narrative needs. */
  extraApprovals: readonly string[];
}

/**
 * Whether a custom narrative version may be published: the playbook must allow custom text, and
 * each extra approval it names (plus legal, for a restricted incident) must be given for this
 * exact version.
 */
export function customNarrativeUsable(ctx: {
  tags: readonly string[];
  policy: CustomNarrativePolicy;
  approvals: readonly NarrativeApproval[];
  versionHash: string;
}): Usability & { missingRights: string[] } {
  if (!ctx.policy.allowed) return { ok: false, reasons: ['the playbook does not allow custom narratives'], missingRights: [] };
  const needed = new Set(ctx.policy.extraApprovals);
  if (isRestricted(ctx.tags)) needed.add('legal');
  const valid = ctx.approvals.filter((a) => a.versionHash === ctx.versionHash);
  const missingRights = [...needed].filter((right) => !valid.some((a) => a.rights.includes(right))).sort();
  const reasons = missingRights.map((r) => `needs a ${r} approval of this exact version`);
  return { ok: missingRights.length === 0, reasons, missingRights };
}
