import type { ChainedAuditRecord } from '../domain/audit';
import type { AuditRecordDoc, Models } from './models';
import { collectionOf, insertOnce } from './mongo';

type AuditModels = Pick<Models, 'AuditRecord'>;

/**
 * Records are keyed by incident and position, so the link to the previous record is read by
 * primary key (FerretDB scans for anything else) and a retried append lands on its own record.
 */
export function auditId(incidentId: string, seq: number): string {
  return `${incidentId}#${seq}`;
}

/** The record at one position of an incident's chain, if it is written. */
export function auditRecordAt(models: AuditModels, incidentId: string, seq: number): Promise<AuditRecordDoc | null> {
  return collectionOf(models.AuditRecord).findOne({ _id: auditId(incidentId, seq) });
}

/** Writes a record at its position; false when the position holds a record already. */
export function insertAuditRecord(models: AuditModels, record: ChainedAuditRecord): Promise<boolean> {
  return insertOnce(models.AuditRecord, { _id: auditId(record.incidentId, record.seq), ...record });
}

/** The records of these incidents that have one of these steps, each incident's in chain order. */
export function auditRecordsOf(models: AuditModels, incidentIds: string[], steps: readonly string[]): Promise<AuditRecordDoc[]> {
  if (!incidentIds.length) return Promise.resolve([]);
  return collectionOf(models.AuditRecord).find({ incidentId: { $in: incidentIds }, step: { $in: [...steps] as AuditRecordDoc['step'][] } }).sort({ incidentId: 1, seq: 1 }).toArray();
}
