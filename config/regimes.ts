import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HolidayCalendarSchema, RegimeSchema, type HolidayCalendar } from '../domain/regulatory/schema';
import type { ResolvedRegime } from '../domain/regulatory/types';

/**
 * The regulatory regimes Herald knows (X3): one JSON file per regime in config/regimes/, each
 * checked against RegimeSchema, with the holiday calendar it names from config/holidays/. A new
 * regime is a new file; the API hands the definition to the incident when its clock starts, so a
 * later edit of the file does not change a running clock.
 */

const here = __dirname;

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function loadHolidays(id: string, dir = join(here, 'holidays')): HolidayCalendar {
  return HolidayCalendarSchema.parse(readJson(join(dir, `${id}.json`)));
}

/** Every regime file, validated; a bad file throws with its name and the zod issues. */
export function loadRegimes(dir = join(here, 'regimes'), holidaysDir = join(here, 'holidays')): ResolvedRegime[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((file) => {
    const parsed = RegimeSchema.safeParse(readJson(join(dir, file)));
    if (!parsed.success) throw new Error(`config/regimes/${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const regime = parsed.data;
    if (`${regime.id}.json` !== file) throw new Error(`config/regimes/${file}: its id is "${regime.id}"; the file must be named ${regime.id}.json`);
    const holidayDates = regime.calendar.holidays ? loadHolidays(regime.calendar.holidays, holidaysDir).holidays.map((h) => h.observed) : [];
    return { ...regime, holidayDates };
  });
}

let cached: ResolvedRegime[] | undefined;

/** The shipped regimes, read once per process. */
export function regimes(): ResolvedRegime[] {
  return (cached ??= loadRegimes());
}

export function regime(id: string): ResolvedRegime | undefined {
  return regimes().find((r) => r.id === id);
}
