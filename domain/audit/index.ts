import { canonicalJson } from './canonical-json';
import { sha256Hex } from './sha256';

/**
 * The audit archive: every step of an incident is a record chained to the one before by
 * SHA-256 over its canonical JSON, from a genesis hash, so that an altered, missing or reordered
 * record shows. `sha256.ts` holds the domain's hashing (pure, shared with the workflow).
 */

export { canonicalJson, sha256Hex };

export const auditSteps = [
  'declared',
  'drafted',
  'approved',
  'approval-rejected',
  'escalated',
  'published',
  'resolved',
  'alert-joined',
  'approvals-voided',
  'role-assigned',
  'handoff-requested',
  'handoff-acknowledged',
  'decision-recorded',
  'blackout-started',
  'blackout-ended',
  'blackout-override',
  'reclassified',
  'internal-update',
  'technical-review',
  'deadline-missed',
  'reminder',
  'held',
  'holding-statement',
  'briefing',
  'channel-fallback',
  'publication-blocked',
  'fields-missing',
  'root-cause-confirmed',
  'outreach',
  'digest',
  'contract-deadline',
  'channels-delivered',
  'recurrence-detected',
  'regulatory-clock-started',
  'regulatory-reminder',
  'regulatory-deadline-missed',
  'regulatory-evidence',
  'vendor-recorded',
  'obligations-assessed',
  'obligation-met',
  'obligation-escalated',
  'obligation-notice-failed',
] as const;
export type AuditStep = (typeof auditSteps)[number];

/** The content of an audit record, before it is chained. */
export interface AuditEntry {
  incidentId: string;
  seq: number;
  step: AuditStep;
  at: string;
  actor: string;
  details: Record<string, unknown>;
}

export interface ChainedAuditRecord extends AuditEntry {
  prevHash: string;
  hash: string;
}

export const genesisHash = '0'.repeat(64);

export function chainRecord(entry: AuditEntry, prevHash: string): ChainedAuditRecord {
  const hash = sha256Hex(prevHash + canonicalJson(entry));
  return { ...entry, prevHash, hash };
}

export interface ChainVerdict {
  valid: boolean;
  records: number;
  /** The first record whose link or content does not check out. */
  brokenAt?: number;
  reason?: string;
}

/** Verifies an incident's audit records, in sequence order, from the genesis hash onward. */
export function verifyChain(records: ChainedAuditRecord[]): ChainVerdict {
  let prev = genesisHash;
  for (let i = 0; i < records.length; i++) {
    const { prevHash, hash, ...entry } = records[i];
    if (entry.seq !== i + 1) return { valid: false, records: records.length, brokenAt: entry.seq, reason: 'sequence gap' };
    if (prevHash !== prev) return { valid: false, records: records.length, brokenAt: entry.seq, reason: 'broken link' };
    if (sha256Hex(prev + canonicalJson(entry)) !== hash)
      return { valid: false, records: records.length, brokenAt: entry.seq, reason: 'content altered' };
    prev = hash;
  }
  return { valid: true, records: records.length };
}
