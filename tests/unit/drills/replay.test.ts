import { replayScript, type ReplayAuditRecord } from '../../../domain/drills/replay';
import { approvalRequestOf, approvalToken, readApprovalToken } from '../../../domain/incident/approval-link';

const t0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (s: number) => new Date(t0 + s * 1000).toISOString();
let seq = 0;
const rec = (s: number, step: string, actor: string, details: Record<string, unknown> = {}): ReplayAuditRecord => ({ seq: ++seq, step, at: at(s), actor, details });
const incident = {
  id: 'INC-20260301-abc123', title: 'Payments fail', category: 'outage' as const, severity: 'SEV2' as const, components: ['payments'],
  summary: 'Card payments fail.', scope: 'single' as const, tags: [], detectedAt: at(0), status: 'resolved',
};
const hash = 'a'.repeat(64);

describe('replay of a recorded incident', () => {
  it('[M6.6, X4] turns the audit trail into injects at their times from detection, and leaves out what Herald did by itself', () => {
    seq = 0;
    const audit = [
      rec(0, 'declared', 'Riley', { title: 'Payments fail', category: 'outage', severity: 'SEV2', components: ['payments'], tags: [] }),
      rec(0, 'drafted', 'herald', { version: 1, hash, phase: 'investigating' }),
      rec(90, 'approved', 'Avery', { version: 1, hash, role: 'pr' }),
      rec(95, 'published', 'herald', { version: 1, channel: 'status-page' }),
      rec(300, 'reclassified', 'Riley', { severity: 'SEV1', tags: ['vendor'] }),
      rec(330, 'alert-joined', 'prometheus', { fingerprint: 'fp1', status: 'firing', alertName: 'PaymentsDown' }),
      rec(600, 'drafted', 'Riley', { version: 2, hash, parent: 1, phase: 'identified' }),
      rec(610, 'approval-rejected', 'Lee', { version: 2, role: 'legal', reason: 'no' }),
      rec(3600, 'drafted', 'Riley', { version: 3, hash, phase: 'resolved', templateId: 'closing' }),
      rec(3700, 'resolved', 'Riley', { version: 3, summary: 'Payments work again.' }),
    ];
    const r = replayScript({ incident, audit, bodies: { 2: { subject: 'The vendor fails', text: 'Our payment provider fails; we are moving traffic.' } } });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.script.incident).toMatchObject({ title: 'Payments fail', severity: 'SEV2', components: ['payments'], summary: 'Card payments fail.' });
    expect(r.script.injects).toEqual([
      { at: '1m30s', kind: 'approve', as: ['pr'] },
      { at: '5m', kind: 'severity', severity: 'SEV1' },
      { at: '5m', kind: 'tag', tags: ['vendor'] },
      { at: '5m30s', kind: 'alert', alertName: 'PaymentsDown', fingerprint: 'fp1', status: 'firing' },
      { at: '10m', kind: 'update', phase: 'identified', subject: 'The vendor fails', text: 'Our payment provider fails; we are moving traffic.', publish: false },
      { at: '1h', kind: 'resolve', summary: 'Payments work again.' },
    ]);
    expect(r.skipped).toEqual([expect.objectContaining({ step: 'approval-rejected' })]);
    expect(r.script.expect.messages).toEqual([{ audience: 'status-page', atLeast: 1 }]);
  });

  it('[M6.6, X4] refuses an incident that is still open', () => {
    const r = replayScript({ incident: { ...incident, status: 'published' }, audit: [rec(0, 'declared', 'Riley', {})], bodies: {} });
    expect(r.ok).toBe(false);
  });
});

describe('sign-off link tokens', () => {
  const grant = { incidentId: 'INC-20260301-abc123', version: 2, hash, role: 'pr' as const, approver: 'PR@herald.example', expiresAt: t0 + 60_000 };
  it('[M6.6, X4] bind incident, version, hash, role and approver; forged, re-keyed or expired tokens are refused', () => {
    const token = approvalToken(grant, 'k1');
    expect(readApprovalToken(token, 'k1', t0)).toEqual({ ok: true, grant: { ...grant, approver: 'pr@herald.example' } });
    expect(readApprovalToken(token, 'k2', t0)).toEqual({ ok: false, reason: 'forged' });
    expect(readApprovalToken(token, 'k1', t0 + 120_000)).toEqual({ ok: false, reason: 'expired' });
    const [, mac] = token.split('.');
    const other = Buffer.from(JSON.stringify([grant.incidentId, 3, hash, 'pr', 'pr@herald.example', grant.expiresAt])).toString('base64url');
    expect(readApprovalToken(`${other}.${mac}`, 'k1', t0)).toEqual({ ok: false, reason: 'forged' });
    expect(approvalRequestOf('approval-request-v2-pr', `... version 2 (hash ${hash}).`)).toEqual({ version: 2, role: 'pr', hash });
    expect(approvalRequestOf('declared', `(hash ${hash})`)).toBeUndefined();
  });
});
