import { loadHolidays, regime, regimes } from '../../../config/regimes';
import { addSpan, isBusinessDay, localDate, localInstant, nthBusinessDayAfter, utcOffsetMinutes } from '../../../domain/regulatory/calendar';
import { meetPhase, ruleTriggers, startClock, type RegulatoryClock } from '../../../domain/regulatory/clocks';
import { RegimeSchema } from '../../../domain/regulatory/schema';
import type { ResolvedRegime } from '../../../domain/regulatory/types';

const t = (s: string) => Date.parse(s);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const hour = 3_600_000;
const get = (id: string): ResolvedRegime => regime(id)!;
const due = (c: RegulatoryClock, phase: string) => iso(c.phases.find((p) => p.id === phase)!.dueAt);
const state = (c: RegulatoryClock, phase: string) => c.phases.find((p) => p.id === phase)!.state;
const filed = (c: RegulatoryClock, phase: string, at: string) => meetPhase(c, phase, { sentTo: ['authority'], summary: 'filed', by: 'dpo@herald.example', at: t(at) });

describe('US federal holidays as data', () => {
  const cal = loadHolidays('us-federal');
  const observed = cal.holidays.map((h) => h.observed);

  it('[X3] lists the eleven federal holidays of each year 2025 to 2028', () => {
    for (const year of [2025, 2026, 2027, 2028]) expect(cal.holidays.filter((h) => h.date.startsWith(`${year}`))).toHaveLength(11);
  });

  it('[X3] applies the observed-date rule: a Saturday holiday on the Friday before, a Sunday one on the Monday after', () => {
    for (const h of cal.holidays) {
      const weekday = new Date(`${h.date}T00:00:00Z`).getUTCDay();
      const shift = weekday === 6 ? -1 : weekday === 0 ? 1 : 0;
      expect(h.observed).toBe(new Date(Date.parse(`${h.date}T00:00:00Z`) + shift * 86_400_000).toISOString().slice(0, 10));
    }
  });

  it('[X3] holds the known dates (OPM federal holiday calendars)', () => {
    for (const d of ['2025-01-20', '2025-11-27', '2026-07-03', '2026-11-26', '2026-12-25', '2027-06-18', '2027-07-05', '2027-11-25', '2027-12-24', '2027-12-31', '2028-11-10', '2028-11-23']) {
      expect(observed).toContain(d);
    }
    // A Saturday or Sunday date itself is not the day off.
    for (const d of ['2026-07-04', '2027-07-04', '2027-12-25', '2028-01-01']) expect(observed).not.toContain(d);
    expect(isBusinessDay('2026-11-26', observed)).toBe(false);
    expect(isBusinessDay('2026-11-27', observed)).toBe(true);
    expect(isBusinessDay('2026-11-28', observed)).toBe(false);
  });
});

describe('calendar arithmetic', () => {
  it('[X3] knows New York time across daylight saving (second Sunday of March, first Sunday of November)', () => {
    expect(utcOffsetMinutes('America/New_York', t('2026-03-08T06:59:00Z'))).toBe(-300);
    expect(utcOffsetMinutes('America/New_York', t('2026-03-08T07:00:00Z'))).toBe(-240);
    expect(utcOffsetMinutes('America/New_York', t('2026-11-01T05:59:00Z'))).toBe(-240);
    expect(utcOffsetMinutes('America/New_York', t('2026-11-01T06:00:00Z'))).toBe(-300);
    expect(localDate('America/New_York', t('2026-11-26T03:00:00Z'))).toBe('2026-11-25');
    expect(iso(localInstant('America/New_York', '2026-12-02', '17:30'))).toBe('2026-12-02T22:30:00.000Z');
    expect(iso(localInstant('America/New_York', '2026-07-01', '17:30'))).toBe('2026-07-01T21:30:00.000Z');
  });

  it('[X3] counts business days after the day of the event, skipping weekends and holidays', () => {
    const holidays = loadHolidays('us-federal').holidays.map((h) => h.observed);
    expect(nthBusinessDayAfter('2026-11-25', 4, holidays)).toBe('2026-12-02');
    expect(nthBusinessDayAfter('2026-12-23', 4, holidays)).toBe('2026-12-30');
    // An event on a Saturday: the period starts on, and includes, the Monday.
    expect(nthBusinessDayAfter('2026-06-13', 4, holidays)).toBe('2026-06-18');
    // Juneteenth (Friday 2026-06-19) and the observed Independence Day (Friday 2026-07-03).
    expect(nthBusinessDayAfter('2026-06-16', 4, holidays)).toBe('2026-06-23');
    expect(nthBusinessDayAfter('2026-07-01', 2, holidays)).toBe('2026-07-06');
  });

  it('[X3] adds calendar months, keeping the time and ending on the last day of a shorter month', () => {
    const utc = { timeZone: 'UTC' as const };
    expect(iso(addSpan(utc, [], t('2026-01-31T10:00:00Z'), { months: 1 }))).toBe('2026-02-28T10:00:00.000Z');
    expect(iso(addSpan(utc, [], t('2026-03-15T10:00:00Z'), { months: 1 }))).toBe('2026-04-15T10:00:00.000Z');
    expect(iso(addSpan(utc, [], t('2026-03-15T10:00:00Z'), { hours: 72 }))).toBe('2026-03-18T10:00:00.000Z');
  });
});

describe('each shipped regime', () => {
  it('[X3] validates every file against the schema and quotes a citation for every phase', () => {
    expect(regimes().map((r) => r.id)).toEqual(['dora', 'gdpr-processor', 'gdpr', 'hipaa', 'nis2', 'sec-8k']);
    for (const r of regimes()) {
      const { holidayDates: _h, ...file } = r;
      expect(RegimeSchema.safeParse(file).success).toBe(true);
      for (const p of r.phases) expect(p.citation.text.length).toBeGreaterThan(40);
    }
  });

  it('[X3] refuses a phase counting from a phase that does not come before it', () => {
    const bad = { ...get('nis2'), holidayDates: undefined };
    bad.phases = [bad.phases[2], bad.phases[0]];
    const res = RegimeSchema.safeParse(bad);
    expect(res.success).toBe(false);
  });

  it('[X3] GDPR Art. 33(1): 72 calendar hours after becoming aware; Art. 33(4) and 34 without undue delay', () => {
    const c = startClock(get('gdpr'), { awareAt: t('2026-12-04T16:00:00Z') }, t('2026-12-04T17:00:00Z'), 'dpo', 'responder');
    expect(due(c, 'authority-notification')).toBe('2026-12-07T16:00:00.000Z');
    expect(state(c, 'data-subjects')).toBe('running');
    expect(due(c, 'data-subjects')).toBeUndefined();
    expect(due(c, 'further-information')).toBeUndefined();
  });

  it('[X3] GDPR Art. 33(2): a processor notifies its controller without undue delay (tracked, no fixed clock)', () => {
    const c = startClock(get('gdpr-processor'), { awareAt: t('2026-12-04T16:00:00Z') }, t('2026-12-04T16:00:00Z'), 'dpo', 'responder');
    expect(c.phases).toEqual([expect.objectContaining({ id: 'controller-notification', state: 'running', rule: 'without undue delay (no fixed deadline)' })]);
  });

  it('[X3] NIS2 Art. 23(4): early warning 24 h and notification 72 h after awareness, final report one month after the notification is filed', () => {
    const c = startClock(get('nis2'), { awareAt: t('2026-01-30T08:00:00Z') }, t('2026-01-30T09:00:00Z'), 'lead', 'responder');
    expect(due(c, 'early-warning')).toBe('2026-01-31T08:00:00.000Z');
    expect(due(c, 'incident-notification')).toBe('2026-02-02T08:00:00.000Z');
    expect(state(c, 'final-report')).toBe('waiting');
    const { started } = filed(c, 'incident-notification', '2026-01-31T12:00:00Z');
    expect(started.map((p) => p.id)).toEqual(['final-report']);
    expect(due(c, 'final-report')).toBe('2026-02-28T12:00:00.000Z');
  });

  it('[X3] DORA: initial 4 h after classification but no later than 24 h after awareness; intermediate 72 h after the initial; final one month after the intermediate', () => {
    const early = startClock(get('dora'), { awareAt: t('2026-05-04T08:00:00Z'), determinationAt: t('2026-05-04T10:00:00Z') }, t('2026-05-04T10:00:00Z'), 'lead', 'responder');
    expect(due(early, 'initial-notification')).toBe('2026-05-04T14:00:00.000Z');
    const late = startClock(get('dora'), { awareAt: t('2026-05-04T08:00:00Z'), determinationAt: t('2026-05-05T06:00:00Z') }, t('2026-05-05T06:00:00Z'), 'lead', 'responder');
    expect(due(late, 'initial-notification')).toBe('2026-05-05T08:00:00.000Z');
    filed(early, 'initial-notification', '2026-05-04T13:00:00Z');
    expect(due(early, 'intermediate-report')).toBe('2026-05-07T13:00:00.000Z');
    expect(state(early, 'final-report')).toBe('waiting');
    filed(early, 'intermediate-report', '2026-05-06T09:30:00Z');
    expect(due(early, 'final-report')).toBe('2026-06-06T09:30:00.000Z');
  });

  it('[X3] SEC 8-K Item 1.05: four business days after the determination, 17:30 New York time; Thanksgiving does not count', () => {
    const c = startClock(get('sec-8k'), { awareAt: t('2026-11-20T15:00:00Z'), determinationAt: t('2026-11-25T20:00:00Z') }, t('2026-11-25T20:00:00Z'), 'gc', 'responder');
    expect(due(c, 'form-8k')).toBe('2026-12-02T22:30:00.000Z');
    // A determination late on a Friday evening in New York (already Saturday in UTC) counts from that Friday.
    const friday = startClock(get('sec-8k'), { awareAt: t('2026-06-12T12:00:00Z'), determinationAt: t('2026-06-13T01:00:00Z') }, t('2026-06-13T01:00:00Z'), 'gc', 'responder');
    expect(due(friday, 'form-8k')).toBe('2026-06-18T21:30:00.000Z');
    // Over Christmas and New Year 2027/28: the observed Friday holidays are skipped.
    const winter = startClock(get('sec-8k'), { awareAt: t('2027-12-22T15:00:00Z'), determinationAt: t('2027-12-22T15:00:00Z') }, t('2027-12-22T15:00:00Z'), 'gc', 'responder');
    expect(due(winter, 'form-8k')).toBe('2027-12-29T22:30:00.000Z');
  });

  it('[X3] HIPAA: individuals within 60 calendar days of discovery; HHS with them at 500 or more, else 60 days after the end of the calendar year', () => {
    const large = startClock(get('hipaa'), { awareAt: t('2026-10-15T14:00:00Z'), individuals: 1200 }, t('2026-10-15T14:00:00Z'), 'privacy', 'responder');
    expect(due(large, 'individuals')).toBe('2026-12-14T14:00:00.000Z');
    expect(due(large, 'hhs-500-or-more')).toBe('2026-12-14T14:00:00.000Z');
    expect(state(large, 'hhs-annual-log')).toBe('not-applicable');
    const small = startClock(get('hipaa'), { awareAt: t('2026-10-15T14:00:00Z'), individuals: 40 }, t('2026-10-15T14:00:00Z'), 'privacy', 'responder');
    expect(state(small, 'hhs-500-or-more')).toBe('not-applicable');
    // The end of 2026 in New York is 2027-01-01T05:00Z; sixty days on is the end of 1 March 2027.
    expect(due(small, 'hhs-annual-log')).toBe('2027-03-02T05:00:00.000Z');
  });

  it('[X3] a playbook rule starts GDPR for the data-exposure tag with EU data subjects only', () => {
    const gdpr = get('gdpr');
    expect(ruleTriggers(gdpr, ['data-exposure'], { dataSubjectRegions: 'US, EU' })).toBe(true);
    expect(ruleTriggers(gdpr, ['data-exposure'], { dataSubjectRegions: 'US' })).toBe(false);
    expect(ruleTriggers(gdpr, ['data-exposure'], undefined)).toBe(false);
    expect(ruleTriggers(gdpr, ['vendor'], { dataSubjectRegions: 'EU' })).toBe(false);
    expect(ruleTriggers(get('sec-8k'), ['data-exposure'], { dataSubjectRegions: 'EU' })).toBe(false);
  });

  it('[X3] a filing after the deadline is recorded as late', () => {
    const c = startClock(get('gdpr'), { awareAt: t('2026-12-04T16:00:00Z') }, t('2026-12-04T16:00:00Z'), 'dpo', 'responder');
    const { phase } = filed(c, 'authority-notification', '2026-12-07T17:00:00Z');
    expect(phase).toMatchObject({ state: 'met', late: true });
    expect(phase.metAt! - t('2026-12-04T16:00:00Z')).toBe(73 * hour);
  });
});
