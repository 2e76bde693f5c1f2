/**
 * A regulatory regime as data (X3): who must be told what, by when, counted from which instant,
 * and the primary text that says so. One file per regime in config/regimes/; the zod schema in
 * ./schema.ts checks each file. Plain types here, so the workflow can use them without zod.
 */

/** The instants a clock can count from: becoming aware (discovery), and a determination (classification as major, materiality). */
export const clockInstants = ['awareAt', 'determinationAt'] as const;
export type ClockInstant = (typeof clockInstants)[number];

/** A length of time: calendar hours, calendar days (24 h each), calendar months, or business days. */
export interface Span {
  hours?: number;
  days?: number;
  months?: number;
  businessDays?: number;
}

/** One limit of a deadline: a span after an instant, after another phase was met, or after the end of the instant's calendar year. */
export interface DeadlineTerm {
  from: ClockInstant | { phase: string };
  after: Span;
  /** Count from the end of the calendar year in which `from` falls (HIPAA's annual log of small breaches). */
  fromEndOfYear?: boolean;
}

export const escalationRoles = ['communication-lead', 'legal', 'dpo', 'executive'] as const;
export type EscalationRole = (typeof escalationRoles)[number];

export interface Citation {
  /** The article or section, e.g. "GDPR Art. 33(1)". */
  ref: string;
  /** Quoted from the primary text. */
  text: string;
  url: string;
}

export interface RegimePhase {
  id: string;
  name: string;
  /** Who receives it: a supervisory authority, the SEC, data subjects, customers… */
  audience: string;
  /** The earliest of these limits; absent: "without undue delay", tracked but with no fixed clock. */
  deadline?: DeadlineTerm[];
  /** The phase applies only for this many affected individuals (HIPAA's 500-person threshold). */
  when?: { individualsAtLeast?: number; individualsBelow?: number };
  /** A message published to customers through Herald (approved, on the page and by email) meets it. */
  metByPublication?: boolean;
  /** Internal reminders this long before the deadline. */
  remindBefore: Span[];
  /** Who is told when the deadline passes unmet (the lead and their backup always are). */
  escalateTo: EscalationRole[];
  citation: Citation;
  note?: string;
}

/** How a regime counts days: calendar time in UTC, or business days in a time zone with a holiday calendar. */
export interface RegimeCalendar {
  timeZone: 'UTC' | 'America/New_York';
  /** A holiday calendar in config/holidays/<id>.json, for business days. */
  holidays?: string;
  /** A business-day deadline ends at this local time (HH:MM) of its last day. */
  endOfBusinessDay?: string;
}

export interface RegimeTrigger {
  description: string;
  /** The instant the first phases count from when a responder gives none. */
  startsFrom: ClockInstant;
  /** A playbook rule: the clock starts by itself when the incident carries every one of these tags… */
  tags?: string[];
  /** …and (if given) this declaration field lists this value (comma-separated, case-insensitive). */
  fieldIncludes?: { field: string; value: string };
}

export interface Regime {
  id: string;
  name: string;
  jurisdiction: string;
  trigger: RegimeTrigger;
  calendar: RegimeCalendar;
  phases: RegimePhase[];
}

/** A regime as an incident takes it: with its holiday dates (YYYY-MM-DD, observed), so the workflow needs no file. */
export interface ResolvedRegime extends Regime {
  holidayDates: string[];
}
