import type { AuditStep } from '../domain/audit';
import { iso, type Deadline, type TrackedTimer } from '../domain/incident/deadlines';
import type { IncidentRef, Notice } from '../domain/incident/notices';
import { reject } from '../domain/incident/refusals';
import { filingProblem, meetPhase, reminderTimes, ruleTriggers, startClock, type ClockPhase, type FilingEvidence, type RegulatoryClock } from '../domain/regulatory/clocks';
import { regulatoryEscalationNotice, regulatoryReminderNotice, regulatoryStartedNotice } from '../domain/regulatory/notices';
import type { EscalationRole, ResolvedRegime } from '../domain/regulatory/types';

/**
 * Regulatory clocks inside the incident (X3). The regimes come in as data: the API hands a
 * regime's definition over when a responder marks the incident, and the declaration carries the
 * regimes with a playbook rule (IncidentRunOptions.regimes), so workflow code reads no file. Each
 * running phase is a set of tracked timers of the incident (reminders before the deadline, the
 * deadline itself); the incident's main loop sleeps until the earliest, as for every deadline.
 */

/** What the incident carries of its regulatory clocks; plain data, carried over continue-as-new. */
export interface RegulatoryData {
  clocks: RegulatoryClock[];
  /** The regimes whose playbook rule may start a clock by itself (on declaration or a tag change). */
  rules: ResolvedRegime[];
}

export interface StartClockRequest {
  regime: ResolvedRegime;
  awareAt?: string;
  determinationAt?: string;
  individuals?: number;
  by: string;
}

export interface FilingRequest {
  regime: string;
  phase: string;
  by: string;
  reference?: string;
  /** What was sent (a summary of the filing). */
  summary: string;
  sentTo: string[];
  /** The message version the filing used: its approvals go into the evidence. */
  version?: number;
}

/** One phase of a running clock, as GET /v1/incidents/:id shows it. */
export interface RegulatoryClockView {
  regime: string;
  regimeName: string;
  phase: string;
  phaseName: string;
  audience: string;
  /** met: filed (or published); due: running, deadline ahead or none fixed; overdue: deadline passed unmet; waiting: counts from another phase; not-applicable. */
  status: 'met' | 'due' | 'overdue' | 'waiting' | 'not-applicable';
  deadline?: string;
  metAt?: string;
  late?: boolean;
  /** Milliseconds between the filing and the deadline (positive: ahead of it). */
  marginMs?: number;
  rule: string;
  citation: { ref: string; url: string };
  startedBy: string;
  how: RegulatoryClock['how'];
  evidence?: Omit<FilingEvidence, 'at'> & { at: string };
}

export interface StartedClock {
  regime: string;
  startedAt: string;
  phases: RegulatoryClockView[];
}


/** What the clocks need of their incident: timers, notices, records, and who holds which role. */
export interface IncidentPort {
  readonly ref: IncidentRef;
  readonly lead: string;
  readonly leadBackup: string;
  readonly detectedAt: number;
  addTimer(dueAt: number, tracked: TrackedTimer): void;
  /** Settles the open timers of a key (a phase met needs no reminder). */
  settleTimers(key: string): void;
  notice(noticeId: string, to: string[], n: Notice): void;
  audit(step: AuditStep, actor: string, details: Record<string, unknown>): void;
  escalated(reason: string, notified: string[]): void;
  addresses(role: EscalationRole): string[];
  approvalsOf(version: number): { role: string; by: string; hash: string }[];
}

const tracker = 'regulatory';

function keyOf(regime: string, phase: string): string {
  return `${regime}/${phase}`;
}

function phaseView(clock: RegulatoryClock, p: ClockPhase, now: number): RegulatoryClockView {
  const status: RegulatoryClockView['status'] =
    p.state === 'met' ? 'met'
      : p.state === 'missed' || (p.state === 'running' && p.dueAt !== undefined && p.dueAt <= now) ? 'overdue'
        : p.state === 'running' ? 'due'
          : p.state;
  return {
    regime: clock.id, regimeName: clock.regime.name, phase: p.id, phaseName: p.name, audience: p.audience, status,
    ...(p.dueAt !== undefined ? { deadline: iso(p.dueAt) } : {}),
    ...(p.metAt !== undefined ? { metAt: iso(p.metAt), late: !!p.late } : {}),
    ...(p.metAt !== undefined && p.dueAt !== undefined ? { marginMs: p.dueAt - p.metAt } : {}),
    rule: p.rule, citation: { ref: p.citation.ref, url: p.citation.url }, startedBy: clock.startedBy, how: clock.how,
    ...(p.evidence ? { evidence: { ...p.evidence, at: iso(p.evidence.at) } } : {}),
  };
}

export class RegulatoryClocks {
  constructor(
    private readonly d: RegulatoryData,
    private readonly port: IncidentPort,
  ) {}

  private clock(regime: string): RegulatoryClock | undefined {
    return this.d.clocks.find((c) => c.id === regime);
  }

  refuseStart(req: StartClockRequest): void {
    if (this.clock(req.regime.id)) reject('ClockRunning', `the ${req.regime.id} clock already runs on this incident`, { regime: req.regime.id });
    for (const f of ['awareAt', 'determinationAt'] as const) {
      const v = req[f];
      if (v !== undefined && Number.isNaN(Date.parse(v))) reject('InvalidInstant', `${f} is not a time`);
      if (v !== undefined && Date.parse(v) > Date.now()) reject('InvalidInstant', `${f} is in the future`);
    }
  }

  /** A responder marks the incident as meeting the regime's trigger. */
  start(req: StartClockRequest): StartedClock {
    const clock = this.begin(req.regime, {
      awareAt: req.awareAt ? Date.parse(req.awareAt) : this.port.detectedAt,
      determinationAt: req.determinationAt ? Date.parse(req.determinationAt) : undefined,
      individuals: req.individuals,
    }, req.by, 'responder');
    return { regime: clock.id, startedAt: iso(clock.startedAt), phases: clock.phases.map((p) => phaseView(clock, p, Date.now())) };
  }

  /** The playbook rules, on declaration and whenever the tags change: a regime whose rule matches starts by itself. */
  applyRules(tags: readonly string[], fields: Record<string, string> | undefined, by: string): void {
    for (const regime of this.d.rules) {
      if (this.clock(regime.id) || !ruleTriggers(regime, tags, fields)) continue;
      this.begin(regime, { awareAt: this.port.detectedAt }, by, 'playbook-rule');
    }
  }

  private begin(regime: ResolvedRegime, start: Parameters<typeof startClock>[1], by: string, how: RegulatoryClock['how']): RegulatoryClock {
    const now = Date.now();
    const clock = startClock(regime, start, now, by, how);
    this.d.clocks.push(clock);
    for (const p of clock.phases) this.schedule(clock, p, now);
    this.port.audit('regulatory-clock-started', by, {
      regime: regime.id, how, awareAt: iso(clock.instants.awareAt), determinationAt: iso(clock.instants.determinationAt),
      ...(clock.individuals !== undefined ? { individuals: clock.individuals } : {}),
      phases: clock.phases.map((p) => ({ phase: p.id, name: p.name, state: p.state, ...(p.dueAt !== undefined ? { dueAt: iso(p.dueAt) } : {}), citation: p.citation.ref })),
    });
    this.port.notice(`regulatory-started-${regime.id}`, this.people(clock, false), regulatoryStartedNotice(this.port.ref, clock));
    return clock;
  }

  /** The timers of a phase that runs towards a deadline: one per reminder still ahead, and the deadline. */
  private schedule(clock: RegulatoryClock, p: ClockPhase, now: number): void {
    if (p.state !== 'running' || p.dueAt === undefined) return;
    const key = keyOf(clock.id, p.id);
    for (const at of reminderTimes(clock.regime, p, now)) this.port.addTimer(at, { tracker, key, purpose: 'reminder' });
    this.port.addTimer(Math.max(now, p.dueAt), { tracker, key, purpose: 'due' });
  }

  /** The lead and the roles the regime names for its phases; with the backup for an escalation. */
  private people(clock: RegulatoryClock, escalation: boolean, phase?: ClockPhase): string[] {
    const defs = clock.regime.phases.filter((p) => !phase || p.id === phase.id);
    const roles = [...new Set(defs.flatMap((p) => p.escalateTo))];
    return [...new Set([this.port.lead, ...(escalation ? [this.port.leadBackup] : []), ...roles.flatMap((r) => this.port.addresses(r))])].filter(Boolean);
  }

  /** Whether a timer belongs here. */
  owns(dl: Deadline): boolean {
    return dl.tracked?.tracker === tracker;
  }

  /** A timer of a phase passed: a reminder while it is unmet, an escalation at its deadline. */
  fire(dl: Deadline): void {
    const t = dl.tracked!;
    const [regime, phaseId] = t.key.split('/');
    const clock = this.clock(regime);
    const phase = clock?.phases.find((p) => p.id === phaseId);
    dl.state = 'met';
    if (!clock || !phase || phase.state !== 'running' || phase.dueAt === undefined) return;
    const now = Date.now();
    if (t.purpose === 'reminder') {
      const to = this.people(clock, false, phase);
      this.port.notice(`regulatory-reminder-${regime}-${phaseId}-${dl.id}`, to, regulatoryReminderNotice(this.port.ref, clock, phase, now));
      this.port.audit('regulatory-reminder', 'herald', { regime, phase: phaseId, dueAt: iso(phase.dueAt), firedAt: iso(now), notified: to });
      return;
    }
    dl.state = 'missed';
    phase.state = 'missed';
    const to = this.people(clock, true, phase);
    const reason = `${clock.regime.name}: ${phase.name} not filed by ${iso(phase.dueAt)} (${phase.citation.ref})`;
    this.port.escalated(reason, to);
    this.port.notice(`regulatory-escalation-${regime}-${phaseId}`, to, regulatoryEscalationNotice(this.port.ref, clock, phase));
    this.port.audit('regulatory-deadline-missed', 'herald', { regime, phase: phaseId, dueAt: iso(phase.dueAt), firedAt: iso(now), notified: to, citation: phase.citation.ref });
  }

  refuseFiling(req: FilingRequest): void {
    const clock = this.clock(req.regime);
    const problem = filingProblem(clock, req.phase);
    if (!problem) return;
    if (clock && !clock.phases.some((p) => p.id === req.phase)) reject('UnknownPhase', problem, { phases: clock.phases.map((p) => p.id) });
    reject('FilingRefused', problem);
  }

  /** A responder recorded the filing: the phase is met, with its evidence. */
  file(req: FilingRequest): RegulatoryClockView {
    const approvals = req.version !== undefined ? this.port.approvalsOf(req.version) : [];
    return this.meet(req.regime, req.phase, {
      sentTo: req.sentTo, summary: req.summary, by: req.by, at: Date.now(),
      ...(req.reference ? { reference: req.reference } : {}),
      ...(req.version !== undefined ? { publication: { version: req.version, hash: '', approvals, recipients: 0 } } : {}),
    });
  }

  /** A publication to customers meets every open phase the regime lets a publication meet. */
  published(p: { version: number; hash: string; recipients: number; by: string }): void {
    for (const clock of this.d.clocks) {
      for (const phase of clock.phases) {
        const def = clock.regime.phases.find((x) => x.id === phase.id);
        if (!def?.metByPublication || (phase.state !== 'running' && phase.state !== 'missed')) continue;
        this.meet(clock.id, phase.id, {
          sentTo: ['customers (status page and email)'], summary: `published version ${p.version}`, by: p.by, at: Date.now(),
          publication: { version: p.version, hash: p.hash, approvals: this.port.approvalsOf(p.version), recipients: p.recipients },
        });
      }
    }
  }

  private meet(regime: string, phaseId: string, evidence: FilingEvidence): RegulatoryClockView {
    const clock = this.clock(regime)!;
    const { phase, started } = meetPhase(clock, phaseId, evidence);
    this.port.settleTimers(keyOf(regime, phaseId));
    const now = Date.now();
    for (const s of started) this.schedule(clock, s, now);
    const view = phaseView(clock, phase, now);
    this.port.audit('regulatory-evidence', evidence.by, {
      regime, phase: phaseId, name: phase.name, audience: phase.audience, citation: phase.citation.ref,
      ...(phase.dueAt !== undefined ? { dueAt: iso(phase.dueAt), marginMs: phase.dueAt - evidence.at } : {}),
      metAt: iso(evidence.at), late: !!phase.late, sentTo: evidence.sentTo, summary: evidence.summary,
      ...(evidence.reference ? { reference: evidence.reference } : {}),
      ...(evidence.publication ? { publication: evidence.publication } : {}),
      started: started.map((s) => ({ phase: s.id, name: s.name, ...(s.dueAt !== undefined ? { dueAt: iso(s.dueAt) } : {}) })),
    });
    return view;
  }
}

/** The clocks' phases as the incident view shows them. */
export function regulatoryViews(d: RegulatoryData, now: number): RegulatoryClockView[] {
  return d.clocks.flatMap((c) => c.phases.map((p) => phaseView(c, p, now)));
}

/** A contractual notice period (M1.4) beside the regulatory clocks: per group of customers, when their notice is due. */
export interface ContractualNoticeView {
  tiers: string[];
  customers: number;
  deadline: string;
  status: 'met' | 'due' | 'overdue';
}

export function contractualNoticeViews(deadlines: readonly Deadline[], now: number): ContractualNoticeView[] {
  return deadlines.filter((dl) => dl.kind === 'contract-breach').map((dl) => ({
    tiers: dl.tiers ?? [], customers: dl.customers ?? 0, deadline: iso(dl.contractDueAt ?? dl.dueAt),
    status: dl.state === 'met' ? 'met' : dl.state === 'missed' || (dl.contractDueAt ?? dl.dueAt) <= now ? 'overdue' : 'due',
  }));
}
