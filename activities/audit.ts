import { ApplicationFailure } from '@temporalio/activity';
import { chainRecord, genesisHash, type AuditEntry } from '../domain/audit';
import type { ActivityDeps } from './index';

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

/**
 * Records are keyed by incident and position, so the link to the previous record is read by
 * primary key (FerretDB scans for anything else) and a retried append lands on its own record.
 */
export function auditId(incidentId: string, seq: number): string {
  return `${incidentId}#${seq}`;
}

export function createAuditActivities({ store }: ActivityDeps) {
  const { AuditRecord } = store.models;
  return {
    /**
     * Appends one record to the incident's chain. The workflow assigns the sequence number, so a
     * retry after a crash lands on the same position and finds its own record.
     */
    async recordAudit(entry: AuditEntry): Promise<{ seq: number; hash: string }> {
      let prevHash = genesisHash;
      if (entry.seq > 1) {
        const prev = await AuditRecord.collection.findOne({ _id: auditId(entry.incidentId, entry.seq - 1) as never });
        if (!prev) throw new Error(`audit record ${entry.seq - 1} of ${entry.incidentId} is not written yet`);
        prevHash = prev.hash;
      }
      const record = chainRecord(entry, prevHash);
      try {
        await AuditRecord.collection.insertOne({ _id: auditId(entry.incidentId, entry.seq) as never, ...record });
        return { seq: record.seq, hash: record.hash };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const existing = await AuditRecord.collection.findOne({ _id: auditId(entry.incidentId, entry.seq) as never });
        if (existing && existing.step === entry.step) return { seq: existing.seq, hash: existing.hash };
        throw ApplicationFailure.nonRetryable(
          `audit position ${entry.seq} of ${entry.incidentId} already holds a different record`,
          'AuditConflict',
        );
      }
    },
  };
}
