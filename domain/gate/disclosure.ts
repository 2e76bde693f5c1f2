/**
 * Disclosure level (M2.4): a root-cause statement in a message is a hypothesis or confirmed. A
 * hypothesis reaches an external audience only when an approver holding the disclosure right
 * approved that exact version; a confirmed cause only once the incident's root cause is confirmed.
 * Pure, for the workflow's publish step.
 */

export interface RootCauseStatement {
  statement: string;
  status: 'hypothesis' | 'confirmed';
}

export interface DisclosureApproval {
  approver: string;
  /** Rights the approver held: 'disclosure' is the one that matters here. */
  rights: readonly string[];
  versionHash: string;
}

export interface DisclosureCheck {
  rootCause?: RootCauseStatement;
  incidentRootCauseConfirmed: boolean;
  approvals: readonly DisclosureApproval[];
  versionHash: string;
  audience: 'external' | 'internal';
}

export interface DisclosureVerdict {
  ok: boolean;
  reason: string;
}

export function checkDisclosure(c: DisclosureCheck): DisclosureVerdict {
  if (!c.rootCause) return { ok: true, reason: 'the message states no root cause' };
  if (c.rootCause.status === 'confirmed') {
    return c.incidentRootCauseConfirmed
      ? { ok: true, reason: 'the root cause is confirmed on the incident' }
      : { ok: false, reason: 'the message calls the root cause confirmed, but the incident has not confirmed it' };
  }
  if (c.audience === 'internal') return { ok: true, reason: 'internal audiences may read hypotheses' };
  const approver = c.approvals.find((a) => a.rights.includes('disclosure') && a.versionHash === c.versionHash);
  return approver
    ? { ok: true, reason: `${approver.approver} approved disclosing this hypothesis in this exact version` }
    : { ok: false, reason: 'a root-cause hypothesis needs an approval with the disclosure right for this exact version' };
}

// Causal wording that states a root cause whether or not the draft declared one.
const causalPhrases: Record<string, RegExp> = {
  en: /\b(root cause|caused by|due to|because of|was triggered by|resulted from)\b/i,
  de: /\b(Ursache|verursacht durch|aufgrund|wegen|ausgelöst durch)\b/iu,
  fr: /(cause première|causée? par|en raison d|à cause d|provoquée? par|due? à)/iu,
};

/** Whether a text states a cause, so a draft that says one without declaring it can be stopped. */
export function mentionsRootCause(text: string, locale = 'en'): boolean {
  return (causalPhrases[locale.split('-')[0]] ?? causalPhrases.en).test(text);
}
