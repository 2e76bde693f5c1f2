import type { IncidentRef, Notice } from '../incident/notices';
import type { ClockPhase, RegulatoryClock } from './clocks';

/** The internal notices a regulatory clock sends (X3): reminders before a phase's deadline, the escalation at it. */

function at(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function hoursLeft(dueAt: number, now: number): string {
  const h = (dueAt - now) / 3_600_000;
  return h >= 1 ? `${Math.round(h * 10) / 10} h` : `${Math.max(0, Math.round(h * 60))} min`;
}

export function regulatoryReminderNotice(i: IncidentRef, clock: RegulatoryClock, phase: ClockPhase, now: number): Notice {
  return {
    subject: `[${i.severity}] ${i.id} ${clock.regime.name}: ${phase.name} due ${at(phase.dueAt!)}`,
    text:
      `Incident ${i.id} (${i.title}): "${phase.name}" (${phase.audience}) is due at ${at(phase.dueAt!)}, in ${hoursLeft(phase.dueAt!, now)}.\n` +
      `Rule: ${phase.rule} (${phase.citation.ref}).\n` +
      `When it is filed, record it: POST /v1/incidents/${i.id}/regulatory/${clock.id}/phases/${phase.id}/filed`,
  };
}

export function regulatoryEscalationNotice(i: IncidentRef, clock: RegulatoryClock, phase: ClockPhase): Notice {
  return {
    subject: `[${i.severity}] ${i.id} ESCALATION ${clock.regime.name}: ${phase.name} deadline passed`,
    text:
      `Incident ${i.id} (${i.title}): the deadline for "${phase.name}" (${phase.audience}) passed at ${at(phase.dueAt!)} and no filing is recorded.\n` +
      `Rule: ${phase.rule} (${phase.citation.ref}): "${phase.citation.text}"\n` +
      `File now, with the reasons for the delay where the regime asks for them, and record it: POST /v1/incidents/${i.id}/regulatory/${clock.id}/phases/${phase.id}/filed`,
  };
}

export function regulatoryStartedNotice(i: IncidentRef, clock: RegulatoryClock): Notice {
  const running = clock.phases.filter((p) => p.state === 'running' && p.dueAt !== undefined);
  return {
    subject: `[${i.severity}] ${i.id} ${clock.regime.name} clock started`,
    text:
      `Incident ${i.id} (${i.title}) meets the trigger of ${clock.regime.name} (${clock.how === 'playbook-rule' ? 'by the playbook rule' : `marked by ${clock.startedBy}`}).\n` +
      (running.length ? running.map((p) => `- ${p.name}: due ${at(p.dueAt!)} (${p.citation.ref})`).join('\n') : 'No phase has a fixed deadline yet.'),
  };
}
