import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncidentInput, Severity } from '../../../domain/incident';
import { Refusal } from '../../../domain/incident/refusals';
import { PlaybookSchema } from '../../../domain/playbooks';
import type { MessageVersion } from '../../../domain/messages';
import { IncidentState, type WorkItem } from '../../../workflows/incident-state';

// The aggregate alone, without a Temporal server: handlers, validators, deadlines and the work they queue.

const detectedAt = Date.parse('2026-03-02T10:00:00.000Z');
const minute = 60_000;
const playbook = (id: string) => ({ id, version: 1, body: PlaybookSchema.parse(JSON.parse(readFileSync(join(__dirname, '../../../playbooks', `${id}.json`), 'utf8'))) });

function input(severity: Severity, extra: Partial<IncidentInput> = {}): IncidentInput {
  return {
    id: 'INC-UNIT-1', title: 'Checkout errors', category: 'outage', severity, components: ['api'], summary: 'Some payments fail.',
    declaredBy: 'responder@herald.test', detectedAt: new Date(detectedAt).toISOString(), ...extra,
  };
}

function message(version: number, extra: Partial<MessageVersion> = {}): MessageVersion {
  return {
    version, hash: `hash-${version}`, phase: 'investigating', subject: 'We are investigating', text: 'Some payments fail.', html: '<p>Some payments fail.</p>',
    templateId: 'outage-investigating', createdAt: new Date(Date.now()).toISOString(), author: 'herald', locale: 'en', ...extra,
  };
}

function declare(severity: Severity, extra: Partial<IncidentInput> = {}): IncidentState {
  const s = IncidentState.start(input(severity, extra), playbook('outage-single'));
  s.declared(message(s.firstDraftRequest().version), []);
  return s;
}

function work(s: IncidentState): WorkItem[] {
  const items: WorkItem[] = [];
  for (let item = s.nextWork(); item; item = s.nextWork()) items.push(item);
  return items;
}

function refusal(fn: () => void): { type: string; details?: unknown } | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof Refusal) return { type: err.type, details: err.details };
    throw err;
  }
  return undefined;
}

const approver = { approver: 'approver@herald.test', heldRoles: ['pr', 'executive'] as ('pr' | 'executive')[] };

beforeEach(() => {
  jest.useFakeTimers({ now: detectedAt + 2 * minute });
});

afterEach(() => {
  jest.useRealTimers();
});

describe('IncidentState: a plain class', () => {
  it('[X1] loads without the Temporal workflow runtime', () => {
    jest.isolateModules(() => {
      jest.doMock('@temporalio/workflow', () => {
        throw new Error('workflows/incident-state.ts must not load @temporalio/workflow');
      });
      expect(() => jest.requireActual('../../../workflows/incident-state')).not.toThrow();
    });
  });
});

describe('IncidentState: declaration', () => {
  it('[M1.1] a SEV3 queues its first message for publication ahead of the internal notices, then plans its audience', () => {
    const s = declare('SEV3');
    const items = work(s);
    const kinds = items.filter((i) => i.kind !== 'audit').map((i) => i.kind);
    expect(kinds).toEqual(['publish', 'notice', 'plan-audience']);
    expect(items.filter((i) => i.kind === 'audit').map((i) => (i.kind === 'audit' ? i.step : ''))).toEqual(['declared', 'drafted']);
    expect(s.view().status).toBe('drafting');
  });

  it('[M2.1] a SEV2 waits for its approvers and asks each of them', () => {
    const s = declare('SEV2');
    const view = s.view();
    expect(view.status).toBe('awaiting-approval');
    expect(view.requiredApprovers).toEqual(['pr']);
    const notices = work(s).filter((i) => i.kind === 'notice');
    expect(notices.map((n) => (n.kind === 'notice' ? n.noticeId : ''))).toEqual(['approval-request-v1-pr', 'declared']);
    expect(view.deadlines.some((d) => d.kind === 'approval-timeout' && d.state === 'open')).toBe(true);
  });
});

describe('IncidentState: approvals', () => {
  it('[M2.1] refuses a stale version with the current one, a role not held and a rejection without reason', () => {
    const s = declare('SEV2');
    expect(refusal(() => s.refuseApproval({ ...approver, version: 7 }))).toEqual({ type: 'StaleVersion', details: { currentVersion: 1, currentHash: 'hash-1' } });
    expect(refusal(() => s.refuseApproval({ ...approver, version: 1, hash: 'other' }))?.type).toBe('StaleVersion');
    expect(refusal(() => s.refuseApproval({ ...approver, version: 1, heldRoles: ['legal'] }))?.type).toBe('Forbidden');
    expect(refusal(() => s.refuseApproval({ ...approver, version: 1, decision: 'reject' }))?.type).toBe('ReasonRequired');
    expect(refusal(() => s.refuseApproval({ ...approver, version: 1 }))).toBeUndefined();
  });

  it('[M2.1] the last sign-off queues the publication; nothing is left to sign', () => {
    const s = declare('SEV2');
    work(s);
    const receipt = s.approve({ ...approver, version: 1 });
    expect(receipt).toMatchObject({ version: 1, role: 'pr', pending: [] });
    expect(work(s).map((i) => i.kind)).toEqual(['audit', 'publish']);
    expect(refusal(() => s.refuseApproval({ ...approver, version: 1 }))?.type).toBe('Forbidden');
    expect(refusal(() => s.refuseApproval({ ...approver, as: 'executive', version: 1 }))?.type).toBe('NotRequired');
  });

  it('[M2.1] a rejection sends the draft back to the drafter and the lead', () => {
    const s = declare('SEV2');
    work(s);
    s.approve({ ...approver, version: 1, decision: 'reject', reason: 'too vague' });
    const notice = work(s).find((i) => i.kind === 'notice');
    expect(notice).toMatchObject({ noticeId: 'rejected-v1-pr', subject: 'Draft v1 sent back by pr', text: 'Reason: too vague' });
    expect(s.view().status).toBe('drafting');
  });
});

describe('IncidentState: edits', () => {
  const edit = { baseVersion: 1, subject: 'We are investigating', text: 'Some payments fail.', phase: 'investigating' as const, author: 'drafter@herald.test' };

  it('[M2.5] refuses a translation into an unknown or its own locale, and a stale base', () => {
    const s = declare('SEV2');
    expect(refusal(() => s.refuseEdit({ ...edit, translations: { german: { subject: 'a', text: 'b' } } }))?.type).toBe('InvalidLocale');
    expect(refusal(() => s.refuseEdit({ ...edit, translations: { en: { subject: 'a', text: 'b' } } }))?.type).toBe('InvalidLocale');
    expect(refusal(() => s.refuseEdit({ ...edit, translations: { de: { subject: ' ', text: 'b' } } }))?.type).toBe('InvalidTranslation');
    expect(refusal(() => s.refuseEdit({ ...edit, baseVersion: 3 }))?.type).toBe('StaleVersion');
    expect(refusal(() => s.refuseEdit({ ...edit, decisionIds: ['D9'] }))?.type).toBe('UnknownDecision');
    expect(refusal(() => s.refuseEdit({ ...edit, translations: { de: { subject: 'Wir prüfen', text: 'Zahlungen schlagen fehl.' } } }))).toBeUndefined();
  });

  it('[M2.3, M2.5] a translation keeps the template; new words make a custom version; approvals of the parent are void', () => {
    const s = declare('SEV2');
    s.approve({ ...approver, version: 1 });
    work(s);
    const translated = s.editDraft({ ...edit, translations: { de: { subject: 'Wir prüfen', text: 'Zahlungen schlagen fehl.' } } });
    expect(translated).toMatchObject({ version: 2, parent: 1, voidedApprovals: 1 });
    expect(s.view().approvals).toEqual([]);
    expect(s.view().currentDraft).toMatchObject({ templateId: 'outage-investigating', locale: 'en', translations: { de: { subject: 'Wir prüfen' } } });
    const reworded = s.editDraft({ ...edit, baseVersion: 2, text: 'Payments fail for some customers.' });
    expect(reworded.version).toBe(3);
    expect(s.view().currentDraft).toMatchObject({ templateId: 'custom', translations: undefined });
    expect(s.versions().map((v) => [v.version, v.current])).toEqual([[1, false], [2, false], [3, true]]);
  });
});

describe('IncidentState: handoffs, blackouts and deadlines', () => {
  it('[M4.4] a handoff waits for the recipient, who alone may acknowledge; the lead\'s deadlines move to them', () => {
    const s = declare('SEV3');
    work(s);
    expect(refusal(() => s.refuseHandoff({ to: 'comms-lead@herald.internal', notes: 'n', by: 'x' }))?.type).toBe('SameOwner');
    s.handOff({ to: 'next@herald.test', notes: 'Customers asked about refunds.', by: 'comms-lead@herald.internal' });
    const notice = work(s).find((i) => i.kind === 'notice');
    expect(notice).toMatchObject({ to: ['next@herald.test'], subject: 'Handoff: you are asked to take over communication for INC-UNIT-1' });
    expect(refusal(() => s.refuseHandoff({ to: 'other@herald.test', notes: 'n', by: 'x' }))?.type).toBe('HandoffPending');
    expect(refusal(() => s.refuseAcknowledgement({ by: 'other@herald.test' }))?.type).toBe('Forbidden');
    const ack = s.acknowledgeHandoff({ by: 'next@herald.test' });
    expect(ack.lead).toBe('next@herald.test');
    expect(ack.movedDeadlines).toBeGreaterThan(0);
    expect(s.view().roles['communication-lead']).toEqual(['next@herald.test']);
    expect(refusal(() => s.refuseAcknowledgement({ by: 'next@herald.test' }))?.type).toBe('NoHandoff');
  });

  it('[M4.6] a blackout holds internal notices; its end records itself, then releases them in order', () => {
    const s = declare('SEV3');
    work(s);
    expect(refusal(() => s.refuseBlackout({ minutes: 500, reason: 'r', by: 'x' }))?.type).toBe('TooLong');
    s.startBlackout({ minutes: 30, reason: 'legal review', by: 'comms-lead@herald.internal' });
    expect(refusal(() => s.refuseBlackout({ minutes: 10, reason: 'r', by: 'x' }))?.type).toBe('BlackoutActive');
    s.postInternalUpdate({ level: 'executive', summary: 'Payments recovering.', by: 'x' });
    const held = work(s).filter((i) => s.holds(i));
    expect(held.map((i) => i.kind)).toEqual(['notice']);
    for (const item of held) s.hold(item);
    expect(s.view().held).toHaveLength(1);
    expect(s.endBlackout({ by: 'x' })).toEqual({ released: 1 });
    expect(work(s).map((i) => (i.kind === 'audit' ? i.step : i.kind))).toEqual(['blackout-ended', 'notice']);
    expect(refusal(() => s.refuseEndBlackout())?.type).toBe('NoBlackout');
  });

  it('[M1.5] a SEV1 whose first message is late tells each backup and queues the holding statement at +15 min', () => {
    const s = declare('SEV1');
    work(s);
    jest.setSystemTime(detectedAt + 15 * minute);
    s.fireDue();
    const items = work(s);
    expect(items.filter((i) => i.kind === 'notice').map((i) => (i.kind === 'notice' ? i.subject : ''))).toContain('[SEV1] Checkout errors: deadline missed (first-external-message)');
    expect(items.some((i) => i.kind === 'holding-statement')).toBe(true);
    expect(s.holdingStatementRequest()).toMatchObject({ template: { templateId: 'holding-statement' } });
  });

  it('[M1.5] raising a SEV3 to SEV1 brings its open step deadlines forward', () => {
    const s = declare('SEV3');
    const before = s.view().deadlines.find((d) => d.kind === 'step:first-external-message')!.dueAt;
    s.changeClassification({ severity: 'SEV1', by: 'x' });
    const after = s.view().deadlines.find((d) => d.kind === 'step:first-external-message')!.dueAt;
    expect(before).toBe(new Date(detectedAt + 60 * minute).toISOString());
    expect(after).toBe(new Date(detectedAt + 15 * minute).toISOString());
    expect(work(s).some((i) => i.kind === 'plan-audience')).toBe(true);
  });
});

describe('IncidentState: alerts, resolution and closing', () => {
  it('[M1.3] a repeated alert fingerprint counts on one entry', () => {
    const s = declare('SEV3');
    const alert = { source: 'generic' as const, fingerprint: 'fp-1', status: 'firing' as const, alertName: 'HighErrorRate', severity: 'SEV3' as const, components: ['api'], labels: {} };
    s.joinAlert({ ...alert, receivedAt: '2026-03-02T10:01:00.000Z' });
    s.joinAlert({ ...alert, status: 'resolved', receivedAt: '2026-03-02T10:05:00.000Z' });
    expect(s.view().alerts).toEqual([{ fingerprint: 'fp-1', alertName: 'HighErrorRate', status: 'resolved', count: 2, firstSeenAt: '2026-03-02T10:01:00.000Z', lastSeenAt: '2026-03-02T10:05:00.000Z' }]);
  });

  it('[M1.1] a resolution drafts the closing message; the incident closes once it is published and then refuses changes', () => {
    const s = declare('SEV3');
    work(s);
    s.resolve({ summary: 'Payments work again.', resolvedBy: 'comms-lead@herald.internal' });
    expect(refusal(() => s.refuseResolution())?.type).toBe('AlreadyResolved');
    expect(work(s).map((i) => i.kind)).toEqual(['resolution']);
    expect(s.closingRequest()).toMatchObject({ phase: 'resolved', version: 2, summary: 'Payments work again.' });
    expect(s.closingDrafted(message(2, { phase: 'resolved' }))).toMatchObject({ step: 'drafted', details: { version: 2, phase: 'resolved' } });
    expect(work(s).map((i) => i.kind)).toEqual(['publish']);
    expect(s.resolutionPublished).toBe(false);
    s.published({ version: 2, hash: 'hash-2', phase: 'resolved', subject: 's', publishedAt: new Date(Date.now()).toISOString(), emailRecipients: 0, holdingStatement: false, channels: [] });
    expect(s.resolutionPublished).toBe(true);
    expect(refusal(() => s.refuseWhenClosed())).toBeUndefined();
    expect(s.close()).toMatchObject({ step: 'resolved', details: { version: 2, summary: 'Payments work again.' } });
    expect(s.view().status).toBe('resolved');
    expect(refusal(() => s.refuseWhenClosed())?.type).toBe('IncidentClosed');
  });

  it('[X1] numbers audit records in order and carries its whole state into the next run', () => {
    const s = declare('SEV3');
    const [first] = work(s);
    expect(first.kind === 'audit' && s.auditRecord(first)).toMatchObject({ incidentId: 'INC-UNIT-1', seq: 1, step: 'declared' });
    const next = IncidentState.resume(JSON.parse(JSON.stringify(s.snapshot())));
    expect(next.view()).toEqual({ ...s.view(), run: 2 });
    expect(next.auditRecord({ step: 'drafted', actor: 'herald', details: {} }).seq).toBe(2);
  });
});
