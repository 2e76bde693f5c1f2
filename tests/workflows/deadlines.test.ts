import { incidentStateQuery } from '../../workflows/messages';
import { saveHistoryFixture } from '../support/history-fixtures';
import { missed, minute, timeSkippingSuite } from '../support/time-skipping';
import { waitFor } from '../support/wait';

const t = timeSkippingSuite();

describe('first-message deadlines on the time-skipping server', () => {
  it('[M1.5, M5.2, X1] escalates a SEV1 left unapproved at each deadline and publishes the holding statement at 15 minutes', async () => {
    await t.withWorker(async (taskQueue) => {
      const { input, handle, state: waiting, detected } = await t.declare(taskQueue, 'SEV1', (s) => s.status === 'awaiting-approval');
      expect(waiting.requiredApprovers).toEqual(['pr', 'executive']);
      await t.env.sleep('9 minutes');
      expect(missed(await handle.query(incidentStateQuery), 'approval-timeout')).toEqual([]);
      await t.env.sleep('7 minutes');
      const state = await waitFor(() => handle.query(incidentStateQuery), (s) => {
        return s.published.length === 1;
      });

      const timeouts = missed(state, 'approval-timeout');
      expect(timeouts.map((d) => d.backup).sort()).toEqual(['cto@herald.internal', 'head-of-communications@herald.internal']);
      for (const t of timeouts) expect(Math.abs(Date.parse(t.firedAt) - Date.parse(t.dueAt))).toBeLessThan(1000);
      for (const [kind, min] of [['step:review-complete', 11], ['step:approval', 14], ['step:first-external-message', 15]] as const) {
        const [m] = missed(state, kind);
        expect(m.dueAt).toBe(new Date(detected + min * minute).toISOString());
        expect(Math.abs(Date.parse(m.firedAt) - (detected + min * minute))).toBeLessThan(1000);
      }
      expect(state.published[0]).toMatchObject({ holdingStatement: true, subject: 'We are investigating a service disruption', emailRecipients: 3 });
      // The deadline fires on the minute (above); rendering and gating the statement takes real time after it.
      expect(Date.parse(state.published[0].publishedAt)).toBeGreaterThanOrEqual(detected + 15 * minute);
      expect(Date.parse(state.published[0].publishedAt) - (detected + 15 * minute)).toBeLessThan(30_000);
      // The real draft still waits for its approvers; the holding statement did not approve it.
      expect(state.status).toBe('awaiting-approval');
      expect(state.currentDraft!.version).toBe(1);

      const backup = await t.mailpit.search(`to:"comms-lead-backup@herald.internal" subject:"${input.title}"`);
      expect(backup.some((m) => m.Subject.includes('deadline missed (first-external-message)'))).toBe(true);
      const holding = await t.mailpit.waitFor(t.domain, (m) => m.filter((x) => x.Subject === 'We are investigating a service disruption').length >= 3);
      expect(holding.filter((x) => x.Subject === 'We are investigating a service disruption').length).toBeGreaterThanOrEqual(3);
      await handle.terminate('test over');
      await saveHistoryFixture('sev1-deadlines-holding-statement', handle);
    });
  }, 120_000);

});
