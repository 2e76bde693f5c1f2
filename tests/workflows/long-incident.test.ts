import type { temporal } from '@temporalio/proto';
import { workflowIdFor } from '../../domain/incident';
import type { incidentWorkflow } from '../../workflows/incident';
import { approveUpdate, editDraftUpdate, incidentStateQuery, internalUpdateUpdate, publishUpdate, resolveUpdate } from '../../workflows/messages';
import { timeSkippingSuite } from '../support/time-skipping';
import { waitFor, workflowIdle } from '../support/wait';

const t = timeSkippingSuite();

/**
 * By default four simulated hours under a history budget of 200 events (the workflow's
 * historyEventBudget input), so the incident crosses several runs in a few dozen steps;
 * HERALD_LONG_INCIDENT_DAYS=7 runs the long form, seven days under the shipped budget (2,000).
 */
const days = process.env.HERALD_LONG_INCIDENT_DAYS ? Number(process.env.HERALD_LONG_INCIDENT_DAYS) : undefined;
const updates = days ? days * 24 * 4 : 16;
const historyEventBudget = days ? 2_000 : 200;

describe('a long incident keeps its history bounded', () => {
  it(`[X1] ${updates} updates, one every 15 minutes, continue as new several times and no run exceeds 10,000 events`, async () => {
    await t.withWorker(async (taskQueue) => {
      // Nothing depends on webhook-delivery and no fixture customer subscribes to it, so each update costs no email.
      const input = await t.incident('SEV4', { components: ['webhook-delivery'] });
      const workflowId = workflowIdFor(input.id);
      const first = await t.env.client.workflow.start<typeof incidentWorkflow>('incidentWorkflow', { taskQueue, workflowId, args: [input, undefined, { historyEventBudget }] });
      const handle = t.env.client.workflow.getHandle(workflowId);
      await waitFor(() => handle.query(incidentStateQuery), (s) => s.status === 'published');
      let version = 1;
      for (let i = 1; i <= updates; i++) {
        const edit = await handle.executeUpdate(editDraftUpdate, {
          args: [{ baseVersion: version, subject: `Update ${i}`, text: `Still working on it (update ${i}).`, phase: 'identified', author: 'lead' }],
        });
        version = edit.version;
        await handle.executeUpdate(publishUpdate, { args: [{ version, by: 'lead' }] });
        // The update goes out and the workflow sets its deadlines before the 15 minutes pass, so those
        // due 15 minutes on fire inside the skip, not as the next Update lands: the test server refuses
        // a task that cancels a timer fired meanwhile and never hands the run another (sdk-java#3088).
        await workflowIdle(handle);
        await t.env.sleep('15 minutes');
      }
      const state = await waitFor(() => handle.query(incidentStateQuery), (s) => s.published.some((p) => p.version === version));
      expect(state.run).toBeGreaterThan(1);
      await handle.executeUpdate(resolveUpdate, { args: [{ summary: 'Done.', resolvedBy: 'lead' }] });
      const final = await handle.result();
      expect(final.status).toBe('resolved');

      // Follow the chain of runs from the first and measure each one's history.
      const sizes: number[] = [];
      let runId: string | undefined = first.firstExecutionRunId;
      while (runId) {
        const events: temporal.api.history.v1.IHistoryEvent[] = (await t.env.client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
        sizes.push(events.length);
        const next: string | null | undefined = events[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
        runId = next ?? undefined;
      }
      console.log(`long incident: ${updates} updates, runs of ${sizes.join(', ')} events`);
      expect(sizes.length).toBe(final.run);
      expect(final.run).toBeGreaterThanOrEqual(3);
      expect(Math.max(...sizes)).toBeLessThan(10_000);
      // A run continues as new once its history passes the budget, at the next quiet moment, not before.
      for (const size of sizes.slice(0, -1)) expect(size).toBeGreaterThan(historyEventBudget);
      expect(Math.max(...sizes)).toBeLessThan(historyEventBudget + 200);
      // Roughly 50 events per update: seven days in one run would have passed 10,000 long ago.
      expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThan(updates * 30);
    });
  }, 1_200_000);

  it('[X1] a run past its budget that may not hand over yet (its closing message awaits sign-off) still does its work and answers its Updates', async () => {
    await t.withWorker(async (taskQueue) => {
      const historyEventBudget = 60;
      const input = await t.incident('SEV2', { components: ['webhook-delivery'] });
      const workflowId = workflowIdFor(input.id);
      await t.env.client.workflow.start<typeof incidentWorkflow>('incidentWorkflow', { taskQueue, workflowId, args: [input, undefined, { historyEventBudget }] });
      const handle = t.env.client.workflow.getHandle<typeof incidentWorkflow>(workflowId);
      const waiting = await waitFor(() => handle.query(incidentStateQuery), (s) => s.status === 'awaiting-approval');
      await handle.executeUpdate(approveUpdate, { args: [{ version: 1, hash: waiting.currentDraft!.hash, approver: 'pr person', heldRoles: ['pr'] }] });
      await waitFor(() => handle.query(incidentStateQuery), (s) => s.status === 'published');
      // From the resolution until its sign-off the run may not continue as new, however long its history grows.
      await handle.executeUpdate(resolveUpdate, { args: [{ summary: 'Fixed.', resolvedBy: 'lead' }] });
      const closing = await waitFor(() => handle.query(incidentStateQuery), (s) => s.status === 'awaiting-approval' && s.currentDraft?.phase === 'resolved');
      const runId = (await handle.describe()).runId;
      const historyLength = async () => ((await t.env.client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? []).length;
      let updates = 0;
      while ((await historyLength()) <= historyEventBudget + 20) {
        await handle.executeUpdate(internalUpdateUpdate, { args: [{ level: 'engineering', summary: `Still watching the error rate (${++updates}).`, by: 'lead' }] });
      }
      // Past the budget with nothing to hand over: the run still answers, refuses what is wrong and takes the sign-off.
      const stale = await handle.executeUpdate(approveUpdate, { args: [{ version: 99, approver: 'pr person', heldRoles: ['pr'] }] }).then(() => undefined, (e: Error) => e);
      expect(stale).toBeInstanceOf(Error);
      await handle.executeUpdate(approveUpdate, { args: [{ version: closing.currentDraft!.version, hash: closing.currentDraft!.hash, approver: 'pr person', heldRoles: ['pr'] }] });
      const final = await handle.result();
      expect(final.status).toBe('resolved');
      expect((await handle.describe()).runId).toBe(runId);
      expect(final.published.map((p) => p.phase)).toEqual(['investigating', 'resolved']);
    });
  });
});
