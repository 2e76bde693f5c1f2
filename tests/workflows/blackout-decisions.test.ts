import {
  editDraftUpdate,
  endBlackoutUpdate,
  incidentStateQuery,
  internalUpdateUpdate,
  publishUpdate,
  recordDecisionUpdate,
  startBlackoutUpdate,
} from '../../workflows/messages';
import { auditTrail, expectAt, expectShortlyAfter, refusal, sleepUntil } from '../support/clock';
import { isPublished, minute, timeSkippingSuite } from '../support/time-skipping';
import { waitFor } from '../support/wait';

// Hours and days of incident time pass here; on a loaded 2-core machine that takes minutes.
jest.setTimeout(300_000);

const t = timeSkippingSuite();

const lead = 'comms-lead@herald.internal';


describe('communication blackouts', () => {
  it('[M4.6] holds internal notices and a scheduled update for 30 minutes, then releases them in order at exactly +30 min', async () => {
    await t.withWorker(async (taskQueue) => {
      const { input, handle } = await t.declare(taskQueue, 'SEV3', isPublished);
      const tooLong = await refusal(handle.executeUpdate(startBlackoutUpdate, { args: [{ minutes: 61, reason: 'board call', by: lead }] }));
      expect(tooLong).toMatchObject({ type: 'TooLong', message: 'a blackout may last at most 60 minutes' });
      expect((await handle.query(incidentStateQuery)).blackout).toBeUndefined();

      const start = await t.env.currentTimeMs();
      const { until } = await handle.executeUpdate(startBlackoutUpdate, { args: [{ minutes: 30, reason: 'Regulator briefing in progress', by: lead }] });
      expectAt(until, start + 30 * minute);
      await handle.executeUpdate(internalUpdateUpdate, { args: [{ level: 'internal', summary: 'Rollback is under way; no customer action needed.', by: lead }] });
      const edit = await handle.executeUpdate(editDraftUpdate, {
        args: [{ baseVersion: 1, subject: 'Search is recovering', text: 'Search is coming back for most customers. We are watching it closely.', phase: 'monitoring', author: lead }],
      });
      expect(edit.version).toBe(2);
      expect(await handle.executeUpdate(publishUpdate, { args: [{ version: 2, by: lead }] })).toEqual({ version: 2, status: 'held' });

      const holding = await waitFor(() => handle.query(incidentStateQuery), (s) => s.held.length === 3);
      expect(holding.blackout).toMatchObject({ reason: 'Regulator briefing in progress', by: lead, until });
      expect(holding.held.map((h) => [h.kind, h.description])).toEqual([
        ['notice', `[SEV3] ${input.title}: update for internal-support`],
        ['notice', `[SEV3] ${input.title}: update for account-management`],
        ['publish', 'publish version 2'],
      ]);
      expect(holding.published.map((p) => p.version)).toEqual([1]);

      await sleepUntil(t.env, start + 29 * minute);
      const stillHeld = await handle.query(incidentStateQuery);
      expect(stillHeld.held).toHaveLength(3);
      expect(stillHeld.published.map((p) => p.version)).toEqual([1]);
      expect(await t.mailpit.search(`to:"support-leads@herald.internal" subject:"${input.title}"`)).toEqual([]);

      await sleepUntil(t.env, start + 31 * minute);
      const released = await waitFor(() => handle.query(incidentStateQuery), (s) => s.published.some((p) => p.version === 2));
      expect(released.blackout).toBeUndefined();
      expect(released.held).toEqual([]);
      expect(released.overrides).toEqual([]);
      const end = released.deadlines.find((d) => d.kind === 'blackout-end')!;
      expectAt(end.dueAt, start + 30 * minute);
      expectAt(end.firedAt, start + 30 * minute);
      // The update goes out right after the two notices held before it (real seconds, not skipped ones).
      expectShortlyAfter(released.published[1].publishedAt, start + 30 * minute);

      const audit = await waitFor(() => auditTrail(t.store, input.id), (a) => a.some((r) => r.step === 'published' && r.details.channel === 'email' && r.details.version === 2));
      const seq = (pred: (r: (typeof audit)[number]) => boolean) => audit.find(pred)!.seq;
      const started = audit.find((r) => r.step === 'blackout-started')!;
      expect(started).toMatchObject({ actor: lead, details: { until, reason: 'Regulator briefing in progress' } });
      const held = audit.filter((r) => r.step === 'held');
      expect(held.map((r) => r.details)).toEqual([
        { kind: 'notice', description: `[SEV3] ${input.title}: update for internal-support` },
        { kind: 'notice', description: `[SEV3] ${input.title}: update for account-management` },
        { kind: 'publish', description: 'publish version 2' },
      ]);
      for (const r of held) expect(r.seq).toBeGreaterThan(started.seq);
      const ended = audit.find((r) => r.step === 'blackout-ended')!;
      expect(ended).toMatchObject({ actor: 'herald', details: { released: 3 } });
      expectShortlyAfter(ended.at, start + 30 * minute);
      const release = audit.filter((r) => r.step === 'published' && r.details.version === 2);
      expect(release.map((r) => r.details.channel)).toEqual(['status-page', 'email']);
      // The records are written once each channel has taken the message, a moment after the release.
      for (const r of release) {
        expect(r.seq).toBeGreaterThan(held[2].seq);
        expect(Date.parse(r.at)).toBeGreaterThanOrEqual(Date.parse(released.published[1].publishedAt));
      }
      expect(seq((r) => r.step === 'blackout-ended')).toBeGreaterThan(held[2].seq);

      // The held notices went out on release, in the order they were held.
      const support = await waitFor(() => t.mailpit.search(`to:"support-leads@herald.internal" subject:"${input.title}"`), (m) => m.length === 1);
      expect(await t.mailpit.text(support[0].ID)).toContain('Rollback is under way; no customer action needed.');
      const accounts = await waitFor(() => t.mailpit.search(`to:"account-managers@herald.internal" subject:"${input.title}"`), (m) => m.length === 1);
      expect(Date.parse(accounts[0].Created)).toBeGreaterThanOrEqual(Date.parse(support[0].Created));
      const customers = await t.mailpit.waitFor(t.domain, (m) => m.filter((x) => x.Subject.includes('Search is recovering')).length === 3);
      expect(customers.filter((x) => x.Subject.includes('Search is recovering')).map((x) => x.To[0].Address).sort()).toEqual(t.fixtures.apiSubscribers);
    });
  });

  it('[M4.6] a critical publish goes out through a blackout at once and the override is recorded', async () => {
    await t.withWorker(async (taskQueue) => {
      const { input, handle } = await t.declare(taskQueue, 'SEV4', isPublished);
      await handle.executeUpdate(startBlackoutUpdate, { args: [{ minutes: 45, reason: 'Legal review of wording', by: lead }] });
      const edit = await handle.executeUpdate(editDraftUpdate, {
        args: [{ baseVersion: 1, subject: 'Action needed: rotate your API keys', text: 'Please rotate your API keys now. We will explain why in the next update.', phase: 'identified', author: lead }],
      });
      const at = await t.env.currentTimeMs();
      const answer = await handle.executeUpdate(publishUpdate, { args: [{ version: edit.version, by: lead, critical: true, byRoles: ['communication-lead'] }] });
      expect(answer).toEqual({ version: edit.version, status: 'publishing' });

      const state = await waitFor(() => handle.query(incidentStateQuery), (s) => s.published.some((p) => p.version === edit.version));
      expect(state.blackout).toBeDefined();
      expect(state.held).toEqual([]);
      expect(state.overrides).toEqual([{ version: edit.version, by: lead, at: expect.any(String) }]);
      expectAt(state.overrides[0].at, at);
      expectShortlyAfter(state.published.find((p) => p.version === edit.version)!.publishedAt, at);

      const audit = await waitFor(() => auditTrail(t.store, input.id), (a) => a.some((r) => r.step === 'published' && r.details.version === edit.version && r.details.channel === 'email'));
      const override = audit.find((r) => r.step === 'blackout-override')!;
      expect(override).toMatchObject({ actor: lead, details: { version: edit.version } });
      expect(audit.filter((r) => r.step === 'held')).toEqual([]);
      expect(audit.find((r) => r.step === 'published' && r.details.version === edit.version)!.seq).toBeGreaterThan(override.seq);

      expect(await handle.executeUpdate(endBlackoutUpdate, { args: [{ by: lead }] })).toEqual({ released: 0 });
      expect((await refusal(handle.executeUpdate(endBlackoutUpdate, { args: [{ by: lead }] }))).type).toBe('NoBlackout');
    });
  });
});

describe('the decision log', () => {
  it('[M4.5] records decisions with an id, links the message versions that cite them, and refuses an unknown decision', async () => {
    await t.withWorker(async (taskQueue) => {
      const { input, handle } = await t.declare(taskQueue, 'SEV4', isPublished, { components: ['eu-region'] });
      const at = await t.env.currentTimeMs();
      const d1 = await handle.executeUpdate(recordDecisionUpdate, { args: [{ what: 'Do not name the upstream provider', why: 'Contract requires their consent first', by: lead }] });
      expect(d1).toMatchObject({ id: 'D1', what: 'Do not name the upstream provider', why: 'Contract requires their consent first', by: lead, linkedVersions: [] });
      expectAt(d1.at, at);
      const d2 = await handle.executeUpdate(recordDecisionUpdate, { args: [{ what: 'Offer service credits', why: 'SLA breached for enterprise tier', by: 'vp-support@herald.internal' }] });
      expect(d2.id).toBe('D2');

      const edit = await handle.executeUpdate(editDraftUpdate, {
        args: [{ baseVersion: 1, subject: 'EU region: cause identified', text: 'A supplier network fault caused the outage. Service credits will be offered.', phase: 'identified', author: lead, decisionIds: ['D1', 'D2'] }],
      });
      const unknown = await refusal(handle.executeUpdate(editDraftUpdate, {
        args: [{ baseVersion: edit.version, subject: 'x y z', text: 'cites nothing real', phase: 'identified', author: lead, decisionIds: ['D2', 'D9'] }],
      }));
      expect(unknown).toMatchObject({ type: 'UnknownDecision', message: 'unknown decisions: D9' });

      const state = await handle.query(incidentStateQuery);
      expect(state.currentDraft).toMatchObject({ version: edit.version, decisionIds: ['D1', 'D2'] });
      expect(state.decisions.map((x) => [x.id, x.linkedVersions])).toEqual([['D1', [edit.version]], ['D2', [edit.version]]]);

      const audit = await waitFor(() => auditTrail(t.store, input.id), (a) => a.some((r) => r.step === 'drafted' && r.details.version === edit.version));
      expect(audit.filter((r) => r.step === 'decision-recorded').map((r) => [r.actor, r.details.id, r.details.what])).toEqual([
        [lead, 'D1', 'Do not name the upstream provider'],
        ['vp-support@herald.internal', 'D2', 'Offer service credits'],
      ]);
      expect(audit.find((r) => r.step === 'drafted' && r.details.version === edit.version)!.details.decisions).toEqual(['D1', 'D2']);
    });
  });
});
