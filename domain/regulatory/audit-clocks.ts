/**
 * The regulatory clocks of an incident as its audit trail tells them (X3): started (with each
 * phase's deadline), a phase met (the evidence record, which may start the phases counting from
 * it) or its deadline missed. The dashboard reads them so; the incident view asks the workflow.
 */

export interface AuditedRecord {
  step: string;
  at: string;
  details: Record<string, unknown>;
}

export interface AuditedPhase {
  regime: string;
  phase: string;
  name: string;
  dueAt?: string;
  citation?: string;
  status: 'due' | 'met' | 'overdue';
  metAt?: string;
}

export const regulatorySteps = ['regulatory-clock-started', 'regulatory-reminder', 'regulatory-deadline-missed', 'regulatory-evidence'] as const;

type PhaseDetail = { phase: string; name?: string; dueAt?: string; citation?: string; state?: string };

export function clocksFromAudit(records: readonly AuditedRecord[], now: number): AuditedPhase[] {
  const phases = new Map<string, AuditedPhase>();
  const put = (regime: string, p: PhaseDetail) => {
    if (p.state && p.state !== 'running') return;
    phases.set(`${regime}/${p.phase}`, { regime, phase: p.phase, name: p.name ?? p.phase, status: 'due', ...(p.dueAt ? { dueAt: p.dueAt } : {}), ...(p.citation ? { citation: p.citation } : {}) });
  };
  for (const r of records) {
    const regime = String(r.details.regime ?? '');
    if (r.step === 'regulatory-clock-started') for (const p of (r.details.phases as PhaseDetail[] | undefined) ?? []) put(regime, p);
    if (r.step === 'regulatory-deadline-missed') {
      const x = phases.get(`${regime}/${String(r.details.phase)}`);
      if (x) x.status = 'overdue';
    }
    if (r.step === 'regulatory-evidence') {
      const x = phases.get(`${regime}/${String(r.details.phase)}`);
      if (x) Object.assign(x, { status: 'met', metAt: String(r.details.metAt ?? r.at) });
      for (const s of (r.details.started as PhaseDetail[] | undefined) ?? []) put(regime, s);
    }
  }
  for (const x of phases.values()) if (x.status === 'due' && x.dueAt && Date.parse(x.dueAt) <= now) x.status = 'overdue';
  return [...phases.values()];
}
