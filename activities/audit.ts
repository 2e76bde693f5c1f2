import { ApplicationFailure } from '@temporalio/activity';
import { chainRecord, genesisHash, type AuditEntry } from '../domain/audit';
import { auditRecordAt, insertAuditRecord } from '../store/audit';
import { checkpointConfigured } from '../store/archive-log';
import { currentLog } from '../observability/log';
import type { StoreDeps } from './deps';

/** The record that ends a publication (every channel has the version): the archive signs a tree head then (X5). */
const publicationEnds = 'channels-delivered';

export function createAuditActivities({ store }: StoreDeps<'AuditRecord' | 'ArchiveRecord' | 'LogLeaf' | 'TreeHead'>) {
  const { models } = store;
  /** A checkpoint that fails leaves the incident alone: the checkpoint workflow's timer signs the next. */
  const checkpointAfterPublication = async () => {
    await checkpointConfigured(models).catch((err: unknown) => currentLog().error({ err }, 'archive checkpoint after a publication failed'));
  };
  return {
    /**
     * Appends one record to the incident's chain. The workflow assigns the sequence number, so a
     * retry after a crash lands on the same position and finds its own record.
     */
    async recordAudit(entry: AuditEntry): Promise<{ seq: number; hash: string }> {
      let prevHash = genesisHash;
      if (entry.seq > 1) {
        const prev = await auditRecordAt(models, entry.incidentId, entry.seq - 1);
        if (!prev) throw new Error(`audit record ${entry.seq - 1} of ${entry.incidentId} is not written yet`);
        prevHash = prev.hash;
      }
      const record = chainRecord(entry, prevHash);
      // Signed before the record that says so is written: a reader who sees it finds the head too.
      if (record.step === publicationEnds) await checkpointAfterPublication();
      if (await insertAuditRecord(models, record)) return { seq: record.seq, hash: record.hash };
      const existing = await auditRecordAt(models, entry.incidentId, entry.seq);
      if (existing && existing.step === entry.step) return { seq: existing.seq, hash: existing.hash };
      throw ApplicationFailure.nonRetryable(
        `audit position ${entry.seq} of ${entry.incidentId} already holds a different record`,
        'AuditConflict',
      );
    },
  };
}
