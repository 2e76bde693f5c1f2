import type { RegimeCalendar, Span } from './types';

/**
 * Calendar arithmetic for regulatory deadlines, pure: instants are milliseconds since the epoch,
 * passed in. Hours and days are calendar time (a day is 24 hours); months are calendar months;
 * business days skip Saturdays, Sundays and the regime's holidays in its time zone.
 */

const hour = 3_600_000;
const day = 24 * hour;

/** The n-th (1-based) weekday (0 = Sunday) of a month, as a UTC day number. */
function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  const first = Date.UTC(year, month, 1);
  const offset = (weekday - new Date(first).getUTCDay() + 7) % 7;
  return first + (offset + (n - 1) * 7) * day;
}

/**
 * The UTC offset of a time zone at an instant, in minutes. America/New_York follows the US rule
 * in force since 2007: daylight time from 02:00 local on the second Sunday of March to 02:00 local
 * on the first Sunday of November.
 */
export function utcOffsetMinutes(timeZone: RegimeCalendar['timeZone'], at: number): number {
  if (timeZone === 'UTC') return 0;
  const year = new Date(at).getUTCFullYear();
  const dstStart = nthWeekday(year, 2, 0, 2) + 7 * hour; // 02:00 EST = 07:00 UTC
  const dstEnd = nthWeekday(year, 10, 0, 1) + 6 * hour; // 02:00 EDT = 06:00 UTC
  return at >= dstStart && at < dstEnd ? -240 : -300;
}

/** The local calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(timeZone: RegimeCalendar['timeZone'], at: number): string {
  return new Date(at + utcOffsetMinutes(timeZone, at) * 60_000).toISOString().slice(0, 10);
}

/** The instant a local wall-clock time (YYYY-MM-DD, HH:MM) occurs in a time zone. */
export function localInstant(timeZone: RegimeCalendar['timeZone'], date: string, time: string): number {
  const wall = Date.parse(`${date}T${time}:00.000Z`);
  // The offset at the wall time read as UTC is right except within hours of a change, so look again.
  const guess = wall - utcOffsetMinutes(timeZone, wall) * 60_000;
  return wall - utcOffsetMinutes(timeZone, guess) * 60_000;
}

function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + n * day).toISOString().slice(0, 10);
}

/** Whether a local date is a business day: Monday to Friday and not a holiday. */
export function isBusinessDay(date: string, holidays: readonly string[]): boolean {
  const weekday = new Date(`${date}T00:00:00.000Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.includes(date);
}

/**
 * The n-th business day after the local date of an instant. The day of the instant itself never
 * counts, business day or not: Form 8-K's General Instruction B.1 lets an event on a weekend or
 * holiday start the period on, and include, the first business day thereafter, which is the same
 * count.
 */
export function nthBusinessDayAfter(from: string, n: number, holidays: readonly string[]): string {
  let date = from;
  for (let counted = 0; counted < n;) {
    date = addDays(date, 1);
    if (isBusinessDay(date, holidays)) counted += 1;
  }
  return date;
}

/** The same instant `months` calendar months later (UTC), on the last day of a shorter month. */
function addMonths(at: number, months: number): number {
  const d = new Date(at);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target.getTime();
}

/** The start of the next calendar year in the regime's time zone: the end of the year `at` falls in. */
export function endOfYear(calendar: RegimeCalendar, at: number): number {
  const year = Number(localDate(calendar.timeZone, at).slice(0, 4));
  return localInstant(calendar.timeZone, `${year + 1}-01-01`, '00:00');
}

/**
 * A span added to an instant. A business-day span ends at the regime's end of business day
 * (local time) of the last day counted, or at midnight local time after it when none is given.
 */
export function addSpan(calendar: RegimeCalendar, holidays: readonly string[], at: number, span: Span): number {
  let t = at;
  if (span.months) t = addMonths(t, span.months);
  if (span.days) t += span.days * day;
  if (span.hours) t += span.hours * hour;
  if (span.businessDays) {
    const last = nthBusinessDayAfter(localDate(calendar.timeZone, t), span.businessDays, holidays);
    t = calendar.endOfBusinessDay ? localInstant(calendar.timeZone, last, calendar.endOfBusinessDay) : localInstant(calendar.timeZone, addDays(last, 1), '00:00');
  }
  return t;
}

/** A span before an instant (reminders), in calendar time: hours and days only. */
export function subtractSpan(at: number, span: Span): number {
  return at - (span.days ?? 0) * day - (span.hours ?? 0) * hour;
}

/** "72 hours", "4 business days", "1 month": how the data reads to a person. */
export function describeSpan(span: Span): string {
  const parts: string[] = [];
  const unit = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  if (span.months) parts.push(unit(span.months, 'month'));
  if (span.days) parts.push(unit(span.days, 'day'));
  if (span.hours) parts.push(unit(span.hours, 'hour'));
  if (span.businessDays) parts.push(unit(span.businessDays, 'business day'));
  return parts.join(' ') || '0 hours';
}
