import type { ApproverRole, DeadlineStep, IncidentRole } from '../playbooks/constants';
import type { Playbook } from '../playbooks/schema';
import { deadlinesFor } from '../rules/deadlines';
import type { Severity } from './core';

export const minute = 60_000;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export type DeadlineKind =
  | 'step'
  | 'approval-timeout'
  | 'cadence-reminder'
  | 'cadence-overdue'
  | 'handoff-ack'
  | 'fatigue'
  | 'briefing'
  | 'escalation-check'
  | 'blackout-end'
  | 'outreach'
  | 'digest'
  | 'contract-warning'
  | 'contract-breach'
  | 'tracked';

/**
 * A timer of a tracked obligation with a clock (regulatory clocks, X3; usable by any tracker):
 * the tracker it belongs to, its key there (e.g. "gdpr/authority-notification") and what it is for.
 */
export interface TrackedTimer {
  tracker: string;
  key: string;
  purpose: 'reminder' | 'due';
}

/** A durable deadline of an incident: the workflow sleeps until the earliest open one. */
export interface Deadline {
  id: string;
  kind: DeadlineKind;
  dueAt: number;
  owner?: string;
  backup?: string;
  state: 'open' | 'met' | 'missed';
  firedAt?: number;
  step?: DeadlineStep;
  role?: IncidentRole | ApproverRole;
  holdingStatement?: boolean;
  version?: number;
  /** Contract deadlines: the tiers and number of customers whose notice is due, and when. */
  tiers?: string[];
  customers?: number;
  contractDueAt?: number;
  /** A tracked obligation's timer: the tracker fires it (kind 'tracked'). */
  tracked?: TrackedTimer;
}

/**
 * The open step deadlines a new severity brings forward (M1.5): each whose rule at that severity
 * falls earlier moves there (never into the past) and takes that rule's holding-statement choice;
 * none moves later.
 */
export function stepDeadlinesBroughtForward(
  pb: Playbook,
  severity: Severity,
  detectedAt: number,
  deadlines: readonly Deadline[],
  now: number,
): { id: string; dueAt: number; holdingStatement: boolean }[] {
  const moves: { id: string; dueAt: number; holdingStatement: boolean }[] = [];
  for (const rule of deadlinesFor(pb, severity)) {
    const dl = deadlines.find((x) => x.kind === 'step' && x.step === rule.step && x.state === 'open');
    const due = detectedAt + rule.minutesFromDetection * minute;
    if (dl && due < dl.dueAt) moves.push({ id: dl.id, dueAt: Math.max(now, due), holdingStatement: rule.publishHoldingStatementOnMiss });
  }
  return moves;
}

/**
 * Whether an open deadline passes to a new communication lead: the lead's own steps, the cadence
 * and the fatigue reminder; not a pending handoff's acknowledgement, nor other roles' steps.
 */
export function movesWithLead(dl: Deadline): boolean {
  if (dl.state !== 'open' || !dl.owner || dl.kind === 'handoff-ack') return false;
  if (dl.kind === 'step') return dl.role === 'communication-lead';
  return dl.role === 'communication-lead' || dl.kind.startsWith('cadence') || dl.kind === 'fatigue';
}

/** When the next customer update is due: the open cadence deadline, if any. */
export function nextUpdateDueAt(deadlines: readonly Deadline[]): number | undefined {
  return deadlines.find((dl) => dl.kind === 'cadence-overdue' && dl.state === 'open')?.dueAt;
}
