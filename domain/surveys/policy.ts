import type { Category, Severity } from '../incident/core';

/**
 * When a resolved incident's survey goes out (M6.3): the playbook's `survey` says how long after
 * the resolution, how long after that the one reminder, and which tiers are the key accounts.
 * Free of zod, so the workflow bundle can take it (the schema is in ./schema.ts).
 */

/** A playbook's survey, as the schema leaves it. */
export interface SurveyPolicy {
  /** After the resolution is out, e.g. "24h". */
  after: string;
  /** After the invitation, e.g. "72h": one reminder to the contacts who have not answered. */
  reminderAfter: string;
  /** The key accounts: customers of these tiers who were emailed about the incident. */
  tiers: string[];
}

/** What the survey workflow of one incident is started with. */
export interface SurveyRequest {
  incidentId: string;
  severity: Severity;
  category: Category;
  tiers: string[];
  afterMs: number;
  reminderAfterMs: number;
}

const units: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration as playbooks write it: whole minutes, hours or days ("30m", "24h", "3d"). */
export const durationPattern = /^([1-9][0-9]{0,4})([mhd])$/;

/** Milliseconds of a duration, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const m = durationPattern.exec(text);
  return m ? Number(m[1]) * units[m[2]] : undefined;
}

/** The survey workflow's ID: one survey per incident, however often its close is replayed. */
export function surveyWorkflowId(incidentId: string): string {
  return `survey-${incidentId}`;
}

/**
 * The survey a closing incident starts, or none: when its playbook has no survey, or the
 * incident is a drill (drills never reach customers and stay out of the figures).
 */
export function surveyRequestFor(
  incident: { id: string; severity: Severity; category: Category; drill?: boolean },
  policy: SurveyPolicy | undefined,
): SurveyRequest | undefined {
  if (!policy || incident.drill) return undefined;
  const afterMs = parseDuration(policy.after);
  const reminderAfterMs = parseDuration(policy.reminderAfter);
  if (afterMs === undefined || reminderAfterMs === undefined || !policy.tiers.length) return undefined;
  return { incidentId: incident.id, severity: incident.severity, category: incident.category, tiers: [...policy.tiers], afterMs, reminderAfterMs };
}
