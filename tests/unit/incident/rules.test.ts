import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { movesWithLead, stepDeadlinesBroughtForward, type Deadline } from '../../../domain/incident/deadlines';
import { checkEditWording } from '../../../domain/incident/edits';
import { blockedNotice, briefingNotice, declaredNotice, internalUpdateNotice, lateNotice } from '../../../domain/incident/notices';
import { Refusal } from '../../../domain/incident/refusals';
import { audienceAddresses, playbookTeam, routeInternalUpdate } from '../../../domain/incident/routing';
import { PlaybookSchema } from '../../../domain/playbooks';

const pb = PlaybookSchema.parse(JSON.parse(readFileSync(join(__dirname, '../../../playbooks/outage-single.json'), 'utf8')));
const minute = 60_000;

function refusalType(fn: () => void): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof Refusal) return err.type;
    throw err;
  }
  return undefined;
}

describe('checkEditWording', () => {
  const current = { subject: 'We are investigating', text: 'Payments fail.', phase: 'investigating' as const, locale: 'en' };
  const allowed = { playbookId: 'outage-single', customNarrativesAllowed: true };

  it('[M2.5] refuses a malformed locale, the version\'s own locale and an empty translation', () => {
    expect(refusalType(() => checkEditWording({ ...current, translations: { DE: { subject: 'a', text: 'b' } } }, current, allowed))).toBe('InvalidLocale');
    expect(refusalType(() => checkEditWording({ ...current, translations: { en: { subject: 'a', text: 'b' } } }, current, allowed))).toBe('InvalidLocale');
    expect(refusalType(() => checkEditWording({ ...current, translations: { 'pt-BR': { subject: 'a' } } }, current, allowed))).toBe('InvalidTranslation');
    expect(refusalType(() => checkEditWording({ ...current, translations: { 'pt-BR': { subject: 'a', text: 'b' } } }, current, allowed))).toBeUndefined();
  });

  it('[M2.2] a playbook with template wording only refuses new words, not a translation of the same ones', () => {
    const templateOnly = { playbookId: 'regulated', customNarrativesAllowed: false };
    expect(refusalType(() => checkEditWording({ ...current, text: 'Payments fail for some.' }, current, templateOnly))).toBe('CustomNarrativeNotAllowed');
    expect(refusalType(() => checkEditWording({ ...current, phase: 'identified' }, current, templateOnly))).toBe('CustomNarrativeNotAllowed');
    expect(refusalType(() => checkEditWording({ ...current, text: ' Payments fail. ', translations: { de: { subject: 'a', text: 'b' } } }, current, templateOnly))).toBeUndefined();
  });
});

describe('deadline rules', () => {
  const detectedAt = Date.parse('2026-03-02T10:00:00.000Z');
  const step = (id: string, s: Deadline['step'], dueMinutes: number, extra: Partial<Deadline> = {}): Deadline => ({
    id, kind: 'step', step: s, role: 'communication-lead', dueAt: detectedAt + dueMinutes * minute, owner: 'lead@x', state: 'open', ...extra,
  });

  it('[M1.5] a graver severity brings open step deadlines forward, never into the past and never later', () => {
    const deadlines = [step('a', 'first-external-message', 60), step('b', 'first-internal-notice', 15, { state: 'met' }), step('c', 'draft-ready', 5)];
    const moves = stepDeadlinesBroughtForward(pb, 'SEV1', detectedAt, deadlines, detectedAt + 20 * minute);
    // first-external-message: 60 → 15 min, but it is already 20 min: now. draft-ready (8 min at SEV1) is later than 5: unchanged.
    expect(moves).toEqual([{ id: 'a', dueAt: detectedAt + 20 * minute, holdingStatement: true }]);
    expect(stepDeadlinesBroughtForward(pb, 'SEV1', detectedAt, deadlines, detectedAt)).toEqual([{ id: 'a', dueAt: detectedAt + 15 * minute, holdingStatement: true }]);
    expect(stepDeadlinesBroughtForward(pb, 'SEV4', detectedAt, deadlines, detectedAt)).toEqual([]);
  });

  it('[M4.4] at a handoff the lead\'s steps, the cadence and the fatigue reminder move; other roles\' steps and the acknowledgement stay', () => {
    const base = { dueAt: detectedAt, owner: 'lead@x', state: 'open' as const };
    const moving = (dl: Omit<Deadline, 'dueAt' | 'owner' | 'state'> & Partial<Deadline>) => movesWithLead({ ...base, ...dl });
    expect(moving({ id: '1', kind: 'step', role: 'communication-lead' })).toBe(true);
    expect(moving({ id: '2', kind: 'step', role: 'drafter' })).toBe(false);
    expect(moving({ id: '3', kind: 'cadence-reminder' })).toBe(true);
    expect(moving({ id: '4', kind: 'cadence-overdue' })).toBe(true);
    expect(moving({ id: '5', kind: 'fatigue' })).toBe(true);
    expect(moving({ id: '6', kind: 'handoff-ack', role: 'communication-lead' })).toBe(false);
    expect(moving({ id: '7', kind: 'approval-timeout', role: 'pr' })).toBe(false);
    expect(moving({ id: '8', kind: 'fatigue', state: 'met' })).toBe(false);
    expect(moving({ id: '9', kind: 'cadence-overdue', owner: undefined })).toBe(false);
  });
});

describe('audience routing', () => {
  const team = { lead: 'lead@x', reviewers: ['reviewer@x'] };

  it('[M4.2] an internal update reaches engineering with the team, executives and the support and account lists by its level', () => {
    expect(routeInternalUpdate(pb, 'engineering', team)).toEqual([{ audience: 'engineering', to: ['lead@x', 'reviewer@x'] }]);
    expect(routeInternalUpdate(pb, 'executive', team)).toEqual([{ audience: 'executives', to: ['exec-oncall@herald.internal'] }]);
    expect(routeInternalUpdate(pb, 'internal', team)).toEqual([
      { audience: 'internal-support', to: ['support-leads@herald.internal'] },
      { audience: 'account-management', to: ['account-managers@herald.internal'] },
    ]);
  });

  it('[M1.2] escalation audiences are the playbook\'s contacts; engineering is its on-call lead; external audiences have no address', () => {
    expect(audienceAddresses(pb, 'legal', playbookTeam(pb))).toEqual(['legal-oncall@herald.internal']);
    expect(audienceAddresses(pb, 'engineering', playbookTeam(pb))).toEqual(['comms-lead@herald.internal']);
    expect(audienceAddresses(pb, 'customers', playbookTeam(pb))).toEqual([]);
  });
});

describe('notice texts', () => {
  const incident = { id: 'INC-1', title: 'Checkout errors', severity: 'SEV2' as const };

  it('[M4.1] the declaration notice names the declarer, the playbook and the summary', () => {
    expect(declaredNotice({ ...incident, declaredBy: 'ann', summary: 'Payments fail.' }, { id: 'outage-single', version: 3 }, true)).toEqual({
      subject: '[SEV2] Incident declared: Checkout errors',
      text: 'Incident INC-1 was declared by ann. You are the communication lead / technical reviewer.\nPlaybook: outage-single v3.\n\nPayments fail.',
    });
  });

  it('[M4.2] only engineering gets the technical details of an internal update', () => {
    const u = { summary: 'Recovering.', technicalDetails: 'db failover' };
    expect(internalUpdateNotice(incident, 'engineering', u).text).toBe('Recovering.\n\nTechnical details:\ndb failover');
    expect(internalUpdateNotice(incident, 'executives', u)).toEqual({ subject: '[SEV2] Checkout errors: update for executives', text: 'Recovering.' });
  });

  it('[M2.3, M3.3] a stopped or late version says which, why and where to look', () => {
    const blocked = blockedNotice(incident, 4, ['no legal review'], 'nothing was published');
    expect(blocked.subject).toBe('[SEV2] INC-1: version 4 was not published');
    expect(blocked.text).toContain('- no legal review');
    expect(blocked.text).toContain('GET /v1/incidents/INC-1/near-misses');
    const late = lateNotice(incident, 4, { boundMs: 300_000, late: [{ channel: 'webhook', lagMs: 301_250 }] });
    expect(late.text).toContain('more than 300 s after the status page');
    expect(late.text).toContain('- webhook: 301.3 s behind');
  });

  it('[M4.1] a briefing before any publication says so', () => {
    const b = briefingNotice(incident, { number: 1, category: 'outage', minutesOpen: 12, decisions: [], escalationPath: 'legal' });
    expect(b.subject).toBe('[SEV2] Briefing #1: Checkout errors');
    expect(b.text).toContain('Nothing has been published yet');
    expect(b.text).toContain('- none recorded');
    expect(b.text).toContain('when the first message is approved');
  });
});
