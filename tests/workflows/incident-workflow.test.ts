import { WorkflowUpdateFailedError } from '@temporalio/client';
import { approveUpdate, editDraftUpdate, incidentStateQuery, resolveUpdate } from '../../workflows/messages';
import { saveHistoryFixture } from '../support/history-fixtures';
import { isPublished, timeSkippingSuite } from '../support/time-skipping';
import { waitFor } from '../support/wait';

const t = timeSkippingSuite();

const allRoles = ['legal', 'pr', 'executive', 'dpo'] as const;

describe('incident workflow on the time-skipping server', () => {
  it('[M1.5] publishes a SEV3 without approval and completes on resolve', async () => {
    await t.withWorker(async (taskQueue) => {
      const { handle, state: published } = await t.declare(taskQueue, 'SEV3', isPublished);
      expect(published.approvals).toEqual([]);
      expect(published.requiredApprovers).toEqual([]);
      expect(published.published.map((p) => p.version)).toEqual([1]);
      expect(published.playbook).toEqual({ id: 'outage-single', version: 1 });
      await handle.executeUpdate(resolveUpdate, { args: [{ summary: 'Fixed.', resolvedBy: 'lead' }] });
      const result = await handle.result();
      expect(result.status).toBe('resolved');
      expect(result.published.map((p) => p.phase)).toEqual(['investigating', 'resolved']);
      await saveHistoryFixture('sev3-auto-publish', handle);
    });
  });

  it('[M5.2] waits for the approver the matrix names for a SEV2, then publishes the approved version', async () => {
    await t.withWorker(async (taskQueue) => {
      const { handle, state: waiting } = await t.declare(taskQueue, 'SEV2', (s) => s.status === 'awaiting-approval');
      expect(waiting.published).toEqual([]);
      expect(waiting.requiredApprovers).toEqual(['pr']);
      const receipt = await handle.executeUpdate(approveUpdate, {
        args: [{ version: 1, hash: waiting.currentDraft!.hash, approver: 'pr person', heldRoles: ['pr'] }],
      });
      expect(receipt).toMatchObject({ version: 1, hash: waiting.currentDraft!.hash, approvedBy: 'pr person', role: 'pr', pending: [] });
      const published = await waitFor(() => handle.query(incidentStateQuery), (s) => s.status === 'published');
      expect(published.published[0]).toMatchObject({ version: 1, hash: waiting.currentDraft!.hash, emailRecipients: 3 });
      await handle.executeUpdate(resolveUpdate, { args: [{ summary: 'Fixed.', resolvedBy: 'lead' }] });
      // The resolution message of a SEV2 needs the same sign-off before it goes out.
      const closing = await waitFor(() => handle.query(incidentStateQuery), (s) => s.status === 'awaiting-approval' && s.currentDraft?.phase === 'resolved');
      expect(closing.requiredApprovers).toEqual(['pr']);
      expect(closing.published).toHaveLength(1);
      await handle.executeUpdate(approveUpdate, { args: [{ version: closing.currentDraft!.version, hash: closing.currentDraft!.hash, approver: 'pr person', heldRoles: ['pr'] }] });
      const final = await handle.result();
      expect(final.status).toBe('resolved');
      expect(final.published.map((p) => p.phase)).toEqual(['investigating', 'resolved']);
      await saveHistoryFixture('sev2-approval-and-resolution', handle);
    });
  });

  it('[M3.6, M5.2] rejects a stale version or a role the approver lacks without writing it to history; an edit voids approvals', async () => {
    await t.withWorker(async (taskQueue) => {
      const { handle, state: waiting } = await t.declare(taskQueue, 'SEV1', (s) => s.status === 'awaiting-approval');
      const before = (await handle.fetchHistory()).events ?? [];
      const stale = await handle.executeUpdate(approveUpdate, { args: [{ version: 7, approver: 'pr', heldRoles: [...allRoles] }] }).catch((e) => e);
      expect(stale).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((stale as WorkflowUpdateFailedError).cause?.message).toMatch(/version 7 is not the current version/);
      const wrongRole = await handle.executeUpdate(approveUpdate, { args: [{ version: 1, approver: 'lee', as: 'pr', heldRoles: ['legal'] }] }).catch((e) => e);
      expect((wrongRole as WorkflowUpdateFailedError).cause?.message).toMatch(/do not hold the approver role "pr"/);
      const history = (await handle.fetchHistory()).events ?? [];
      expect(history.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toBe(false);
      expect(history.length).toBeGreaterThanOrEqual(before.length);
      expect((await handle.query(incidentStateQuery)).approvals).toEqual([]);

      await handle.executeUpdate(approveUpdate, { args: [{ version: 1, approver: 'pr', as: 'pr', heldRoles: ['pr'] }] });
      const edit = await handle.executeUpdate(editDraftUpdate, {
        args: [{ baseVersion: 1, subject: 'Payments are failing', text: 'Card payments fail for some customers. We are on it.', phase: 'investigating', author: 'drafter' }],
      });
      expect(edit).toMatchObject({ version: 2, parent: 1, voidedApprovals: 1 });
      const staleEdit = await handle.executeUpdate(editDraftUpdate, {
        args: [{ baseVersion: 1, subject: 'x', text: 'y', phase: 'investigating', author: 'someone else' }],
      }).catch((e) => e);
      expect((staleEdit as WorkflowUpdateFailedError).cause?.message).toMatch(/version 1 is not the latest \(2\)/);
      const state = await handle.query(incidentStateQuery);
      expect(state.currentDraft).toMatchObject({ version: 2, parent: 1, hash: edit.hash });
      expect(state.status).toBe('awaiting-approval');
      expect(state.approvals.filter((a) => a.version === 2)).toEqual([]);
      expect(waiting.currentDraft!.hash).not.toBe(edit.hash);
      await handle.terminate('test over');
    });
  });

});
