import { signatureCheck } from '../../cli/herald-verify';
import { logSigner } from '../../config/archive';
import { verifyBundle } from '../../domain/archive/bundle';
import { archiveRecords, deleteArchivedBytes, placeHold, type ArchiveRecordDoc } from '../../store/archive';
import { incidentBundle } from '../../store/archive-bundle';
import { checkpointConfigured } from '../../store/archive-log';
import type { archiveCheckpointWorkflow, archiveRetentionWorkflow } from '../../workflows/archive';
import { uniqueName } from '../support/env';
import { minute, timeSkippingSuite } from '../support/time-skipping';
import { waitFor } from '../support/wait';

/**
 * The archive's durable clocks on the time-skipping server with the real activities and FerretDB
 * (M5.1, X5): the checkpoint workflow signs a tree head on its timer, and the retention workflow
 * deletes the bytes of what has expired, leaving a tombstone leaf, and nothing under legal hold.
 */
const t = timeSkippingSuite();
const day = 24 * 60 * minute;

const email = (incidentId: string, n: number, recordedAt: Date) => ({
  key: `email:${incidentId}|v1|email|en|r${n}`, kind: 'email' as const, incidentId, version: 1, channel: 'email', locale: 'en', category: 'outage',
  customerIds: [`cust-${n}`], recordedAt, body: Buffer.from(`Subject: ${incidentId} (${n})\r\n\r\nSome payments fail.\r\n`), contentType: 'message/rfc822',
  detail: { recipients: [`r${n}@customer.test`] },
});

describe('the archive workflows', () => {
  it('[X5] the checkpoint workflow signs a tree head at start and again on its durable timer once the log has grown', async () => {
    const models = t.store.models;
    const incidentId = uniqueName('INC-CK');
    await archiveRecords(models, [email(incidentId, 1, new Date(await t.env.currentTimeMs()))]);
    await t.withWorker(async (taskQueue) => {
      const handle = await t.env.client.workflow.start<typeof archiveCheckpointWorkflow>('archiveCheckpointWorkflow', { taskQueue, workflowId: uniqueName('ckpt'), args: [{ intervalMs: 10 * minute }] });
      try {
        const first = await waitFor(() => models.TreeHead.find({}).sort({ treeSize: -1 }).lean(), (h) => h.length > 0, 'the first signed tree head');
        await archiveRecords(models, [email(incidentId, 2, new Date(await t.env.currentTimeMs()))]);
        await t.env.sleep(10 * minute);
        const later = await waitFor(() => models.TreeHead.find({}).sort({ treeSize: -1 }).lean(), (h) => h[0].treeSize === first[0].treeSize + 1, 'the timer\'s tree head');
        expect(later[0].keyId).toBe(logSigner().keyId);
      } finally {
        await handle.terminate('test over');
      }
    });
  });

  it('[M5.1] retention deletes only what expired, leaves a tombstone leaf, and skips what a legal hold covers; no path deletes a held record', async () => {
    const models = t.store.models;
    const now = await t.env.currentTimeMs();
    const expiredFree = uniqueName('INC-RT');
    const expiredHeld = uniqueName('INC-RH');
    const recent = uniqueName('INC-RN');
    await archiveRecords(models, [
      email(expiredFree, 1, new Date(now - 400 * day)),
      email(expiredHeld, 2, new Date(now - 400 * day)),
      email(recent, 3, new Date(now - 10 * day)),
    ]);
    await checkpointConfigured(models, new Date(now));
    await placeHold(models, {
      _id: uniqueName('hold'), scope: { incidentId: expiredHeld }, reason: 'Litigation: Initech v. Herald', custodian: 'lee@herald.example',
      placedBy: 'Lee Legal', placedAt: new Date(now),
    });

    // A one-minute interval: the test server did not come back from skipping a whole day here
    // (its describe calls hung too); what expires is decided by the records' ages, 400 and 10 days.
    const runs = await t.withWorker((taskQueue) =>
      t.env.client.workflow.execute<typeof archiveRetentionWorkflow>('archiveRetentionWorkflow', { taskQueue, workflowId: uniqueName('retention'), args: [{ intervalMs: minute, runs: 1 }] }));
    const keyOf = (id: string, n: number) => email(id, n, new Date()).key;
    const ours = [expiredFree, expiredHeld, recent];
    expect(runs[0].deleted.filter((d) => ours.some((id) => d.key.includes(id)))).toEqual([{ key: keyOf(expiredFree, 1), policy: 'customer-deliveries' }]);
    expect(runs[0].held).toContainEqual({ key: keyOf(expiredHeld, 2), holds: [expect.stringMatching(/^hold-/)] });

    const doc = async (key: string) => models.ArchiveRecord.findById(key).lean<ArchiveRecordDoc>();
    expect(await doc(keyOf(expiredFree, 1))).toMatchObject({ deletedAt: expect.any(Date) });
    expect((await doc(keyOf(expiredFree, 1)))!.body).toBeUndefined();
    expect((await doc(keyOf(expiredHeld, 2)))!.body).toBeDefined();
    expect((await doc(keyOf(recent, 3)))!.body).toBeDefined();
    // The deletion is itself in the log: a tombstone leaf naming the record and the policy.
    const tombstone = await models.LogLeaf.findOne({ key: `tombstone:${keyOf(expiredFree, 1)}` }).lean();
    expect(tombstone?.entry).toMatchObject({ kind: 'tombstone', incidentId: expiredFree, deleted: { key: keyOf(expiredFree, 1), policy: 'customer-deliveries', policyVersion: 1 } });

    // No other path deletes a held record either.
    await expect(deleteArchivedBytes(models, keyOf(expiredHeld, 2), { policy: 'manual', policyVersion: 1, reason: 'test', at: new Date(now) })).rejects.toThrow(/under legal hold/);

    // The incident's bundle still verifies: the bytes are gone, and the tombstone says why.
    const { files } = await incidentBundle(models, expiredFree);
    const verdict = verifyBundle(files, signatureCheck(logSigner().publicKey));
    expect(verdict.failures).toEqual([]);
    expect(verdict.summary?.records).toBe(2);
  });
});
