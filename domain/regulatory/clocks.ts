import { addSpan, describeSpan, endOfYear, subtractSpan } from './calendar';
import type { Citation, ClockInstant, DeadlineTerm, RegimePhase, ResolvedRegime } from './types';

/**
 * A regime's clock on one incident (X3): its phases, each waiting for the phase it counts from,
 * running towards its deadline, met (with evidence) or missed. Pure: every instant is passed in.
 */

export type PhaseState = 'waiting' | 'running' | 'met' | 'missed' | 'not-applicable';

/** What was sent to whom when a phase was met: a filing a responder records, or a publication. */
export interface FilingEvidence {
  sentTo: string[];
  summary: string;
  reference?: string;
  by: string;
  at: number;
  publication?: { version: number; hash: string; approvals: { role: string; by: string; hash: string }[]; recipients: number };
}

export interface ClockPhase {
  id: string;
  name: string;
  audience: string;
  state: PhaseState;
  dueAt?: number;
  metAt?: number;
  late?: boolean;
  evidence?: FilingEvidence;
  /** The rule in words: "72 hours after awareAt", "without undue delay". */
  rule: string;
  citation: Citation;
}

export interface ClockStart {
  awareAt: number;
  determinationAt?: number;
  /** Individuals affected, for phases that depend on a threshold. */
  individuals?: number;
}

export interface RegulatoryClock {
  id: string;
  regime: ResolvedRegime;
  startedBy: string;
  how: 'responder' | 'playbook-rule';
  startedAt: number;
  instants: { awareAt: number; determinationAt: number };
  individuals?: number;
  phases: ClockPhase[];
}

function termRule(t: DeadlineTerm): string {
  const from = typeof t.from === 'string' ? t.from : `the ${t.from.phase} phase is met`;
  return `${describeSpan(t.after)} after ${t.fromEndOfYear ? `the end of the calendar year of ${from}` : from}`;
}

export function phaseRule(p: RegimePhase): string {
  return p.deadline?.length ? p.deadline.map(termRule).join(', and no later than ') : 'without undue delay (no fixed deadline)';
}

function applies(p: RegimePhase, individuals: number | undefined): boolean {
  if (!p.when) return true;
  if (individuals === undefined) return true;
  if (p.when.individualsAtLeast !== undefined && individuals < p.when.individualsAtLeast) return false;
  if (p.when.individualsBelow !== undefined && individuals >= p.when.individualsBelow) return false;
  return true;
}

/** A term's limit, or undefined while the phase it counts from is not met. */
function termDue(clock: Pick<RegulatoryClock, 'regime' | 'instants' | 'phases'>, t: DeadlineTerm): number | undefined {
  let from: number | undefined;
  if (typeof t.from === 'string') from = clock.instants[t.from as ClockInstant];
  else {
    const anchor = t.from.phase;
    from = clock.phases.find((p) => p.id === anchor)?.metAt;
  }
  if (from === undefined) return undefined;
  const start = t.fromEndOfYear ? endOfYear(clock.regime.calendar, from) : from;
  return addSpan(clock.regime.calendar, clock.regime.holidayDates, start, t.after);
}

/** The deadline of a phase: the earliest of its limits once all of them are known. */
export function phaseDue(clock: Pick<RegulatoryClock, 'regime' | 'instants' | 'phases'>, p: RegimePhase): number | 'waiting' | undefined {
  if (!p.deadline?.length) return undefined;
  const limits = p.deadline.map((t) => termDue(clock, t));
  if (limits.some((x) => x === undefined)) return 'waiting';
  return Math.min(...(limits as number[]));
}

/** Phases that wait on one just met start running. */
function startWaiting(clock: RegulatoryClock): ClockPhase[] {
  const started: ClockPhase[] = [];
  for (const phase of clock.phases) {
    if (phase.state !== 'waiting') continue;
    const due = phaseDue(clock, clock.regime.phases.find((p) => p.id === phase.id)!);
    if (due === 'waiting') continue;
    phase.state = 'running';
    phase.dueAt = due;
    started.push(phase);
  }
  return started;
}

/** A regime's clock, started now: its first phases run, the ones that count from another phase wait. */
export function startClock(regime: ResolvedRegime, start: ClockStart, now: number, startedBy: string, how: RegulatoryClock['how']): RegulatoryClock {
  const instants = { awareAt: start.awareAt, determinationAt: start.determinationAt ?? now };
  const clock: RegulatoryClock = {
    id: regime.id, regime, startedBy, how, startedAt: now, instants, individuals: start.individuals,
    phases: regime.phases.map((p) => ({
      id: p.id, name: p.name, audience: p.audience, rule: phaseRule(p), citation: p.citation,
      state: applies(p, start.individuals) ? 'waiting' : 'not-applicable',
    })),
  };
  for (const phase of clock.phases) {
    if (phase.state !== 'waiting') continue;
    const due = phaseDue(clock, regime.phases.find((p) => p.id === phase.id)!);
    if (due === 'waiting') continue;
    phase.state = 'running';
    phase.dueAt = due;
  }
  return clock;
}

/** The reminders of a running phase still ahead of now, earliest first. */
export function reminderTimes(regime: ResolvedRegime, phase: ClockPhase, now: number): number[] {
  if (phase.state !== 'running' || phase.dueAt === undefined) return [];
  const def = regime.phases.find((p) => p.id === phase.id)!;
  return def.remindBefore.map((s) => subtractSpan(phase.dueAt!, s)).filter((t) => t > now).sort((a, b) => a - b);
}

/** A phase is met with its evidence (late if its deadline had passed); the phases that count from it start. */
export function meetPhase(clock: RegulatoryClock, phaseId: string, evidence: FilingEvidence): { phase: ClockPhase; started: ClockPhase[] } {
  const phase = clock.phases.find((p) => p.id === phaseId)!;
  phase.late = phase.state === 'missed' || (phase.dueAt !== undefined && evidence.at > phase.dueAt);
  phase.state = 'met';
  phase.metAt = evidence.at;
  phase.evidence = evidence;
  return { phase, started: startWaiting(clock) };
}

/** Why a filing cannot be recorded on a clock's phase, if it cannot. */
export function filingProblem(clock: RegulatoryClock | undefined, phaseId: string): string | undefined {
  if (!clock) return 'the regime is not triggered on this incident';
  const phase = clock.phases.find((p) => p.id === phaseId);
  if (!phase) return `regime ${clock.id} has no phase "${phaseId}" (phases: ${clock.phases.map((p) => p.id).join(', ')})`;
  if (phase.state === 'met') return `the ${phaseId} phase is already met`;
  if (phase.state === 'not-applicable') return `the ${phaseId} phase does not apply to this incident`;
  if (phase.state === 'waiting') return `the ${phaseId} phase has not started: it counts from another phase`;
  return undefined;
}

/** Whether a playbook rule starts this regime's clock on an incident with these tags and fields. */
export function ruleTriggers(regime: ResolvedRegime, tags: readonly string[], fields: Record<string, string> | undefined): boolean {
  const t = regime.trigger;
  if (!t.tags?.length) return false;
  if (!t.tags.every((x) => tags.includes(x))) return false;
  if (!t.fieldIncludes) return true;
  const value = fields?.[t.fieldIncludes.field] ?? '';
  return value.split(',').map((v) => v.trim().toLowerCase()).includes(t.fieldIncludes.value.toLowerCase());
}
