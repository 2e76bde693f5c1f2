import { z } from 'zod';
import { clockInstants, escalationRoles, type Regime } from './types';

/** The shape of a regime file (config/regimes/<id>.json); config/regimes.ts loads and checks each. */

const count = z.number().int().positive().max(10_000);
export const SpanSchema = z.object({ hours: count.optional(), days: count.optional(), months: count.max(120).optional(), businessDays: count.max(365).optional() })
  .strict()
  .refine((s) => Object.keys(s).length > 0, 'a span needs hours, days, months or businessDays');
const id = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes');

const TermSchema = z.object({
  from: z.union([z.enum(clockInstants), z.object({ phase: id }).strict()]),
  after: SpanSchema,
  fromEndOfYear: z.boolean().optional(),
}).strict();

const PhaseSchema = z.object({
  id,
  name: z.string().min(3).max(200),
  audience: z.string().min(2).max(200),
  deadline: z.array(TermSchema).min(1).max(4).optional(),
  when: z.object({ individualsAtLeast: z.number().int().positive().optional(), individualsBelow: z.number().int().positive().optional() }).strict().optional(),
  metByPublication: z.boolean().optional(),
  remindBefore: z.array(SpanSchema).max(5),
  escalateTo: z.array(z.enum(escalationRoles)).max(4),
  citation: z.object({ ref: z.string().min(3), text: z.string().min(20), url: z.url() }).strict(),
  note: z.string().max(2000).optional(),
}).strict();

export const RegimeSchema = z.object({
  id,
  name: z.string().min(3).max(200),
  jurisdiction: z.string().min(2).max(50),
  trigger: z.object({
    description: z.string().min(10).max(2000),
    startsFrom: z.enum(clockInstants),
    tags: z.array(id).max(5).optional(),
    fieldIncludes: z.object({ field: z.string().min(1).max(100), value: z.string().min(1).max(100) }).strict().optional(),
  }).strict(),
  calendar: z.object({
    timeZone: z.enum(['UTC', 'America/New_York']),
    holidays: id.optional(),
    endOfBusinessDay: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/).optional(),
  }).strict(),
  phases: z.array(PhaseSchema).min(1).max(12),
}).strict().superRefine((r, ctx) => {
  const ids = r.phases.map((p) => p.id);
  r.phases.forEach((p, i) => {
    for (const t of p.deadline ?? []) {
      if (typeof t.from === 'object' && !ids.slice(0, i).includes(t.from.phase)) {
        ctx.addIssue({ code: 'custom', path: ['phases', i, 'deadline'], message: `counts from phase "${t.from.phase}", which is not an earlier phase of this regime` });
      }
      if (t.after.businessDays && !r.calendar.holidays) ctx.addIssue({ code: 'custom', path: ['calendar', 'holidays'], message: 'business days need a holiday calendar' });
    }
  });
  if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['phases'], message: 'phase IDs must be unique' });
}) satisfies z.ZodType<Regime>;

export const HolidayCalendarSchema = z.object({
  id,
  name: z.string(),
  source: z.url(),
  observedRule: z.string(),
  years: z.tuple([z.number().int(), z.number().int()]),
  holidays: z.array(z.object({ name: z.string(), date: z.iso.date(), observed: z.iso.date() }).strict()),
}).strict();
export type HolidayCalendar = z.infer<typeof HolidayCalendarSchema>;
