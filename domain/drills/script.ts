import { z } from 'zod';
import { categories, incidentIdPattern, phases, severities } from '../incident/core';

/**
 * A drill script (drills/*.yaml or *.json): the incident a drill declares, what happens to it at
 * which scenario time (injects), who plays the responders and approvers, and what a good team
 * achieves (the expectations the scorecard measures against). Pure: parsing the file's text into
 * a value is the caller's (YAML or JSON), validation with exact paths is here.
 */

const durationPattern = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** "90s", "5m", "1h30m", "6h" → milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = durationPattern.exec(text.trim());
  if (!m || text.trim() === '') return undefined;
  const [h, min, s] = [m[1], m[2], m[3]].map((v) => Number(v ?? 0));
  return ((h * 60 + min) * 60 + s) * 1000;
}

/** Formats milliseconds back as the shortest duration text ("1h30m", "45s", "0s"). */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const out = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
  return out || '0s';
}

const Duration = z
  .string()
  .refine((s) => parseDuration(s) !== undefined, { message: 'a duration such as 90s, 5m, 1h30m' })
  .describe('Scenario time from the declaration: 90s, 5m, 1h30m');

const tag = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes');
const approverRoles = ['legal', 'pr', 'executive', 'dpo'] as const;

const at = { at: Duration };
/** Every inject kind: what the scripted participants (or the world) do at a scenario time. */
export const InjectSchema = z.discriminatedUnion('kind', [
  z.object({ ...at, kind: z.literal('alert'), alertName: z.string().min(1).max(200), fingerprint: z.string().min(1).max(200).optional(), status: z.enum(['firing', 'resolved']).default('firing') }).strict(),
  z.object({ ...at, kind: z.literal('severity'), severity: z.enum(severities) }).strict(),
  z.object({ ...at, kind: z.literal('tag'), tags: z.array(tag).min(1).max(20) }).strict(),
  z.object({ ...at, kind: z.literal('root-cause'), statement: z.string().trim().min(10).max(2000) }).strict(),
  z.object({ ...at, kind: z.literal('vendor'), vendor: z.string().min(1).max(100), note: z.string().max(2000).optional() }).strict(),
  z.object({ ...at, kind: z.literal('ticket-surge'), tickets: z.number().int().min(1).max(1000), subject: z.string().min(1).max(200).default('Cannot use the service') }).strict(),
  z.object({ ...at, kind: z.literal('briefing'), audience: z.enum(['executive', 'support', 'engineering']).default('executive'), text: z.string().trim().min(5).max(5000).default('The executive team asks for a briefing.') }).strict(),
  z.object({ ...at, kind: z.literal('blackout'), minutes: z.number().int().positive().max(24 * 60), reason: z.string().trim().min(3).max(1000) }).strict(),
  z.object({ ...at, kind: z.literal('approve'), as: z.array(z.enum(approverRoles)).min(1).optional().describe('The roles that sign; every pending role when absent') }).strict(),
  z.object({ ...at, kind: z.literal('update'), phase: z.enum(phases).default('identified'), subject: z.string().trim().min(3).max(200), text: z.string().trim().min(20).max(20000), publish: z.boolean().default(true).describe('Ask to publish it at once (it leaves when its sign-offs are in)') }).strict(),
  z.object({ ...at, kind: z.literal('decision'), what: z.string().trim().min(3).max(2000), why: z.string().trim().min(3).max(2000) }).strict(),
  z.object({ ...at, kind: z.literal('resolve'), summary: z.string().trim().min(3).max(5000) }).strict(),
  z.object({ ...at, kind: z.literal('regulatory'), regime: z.string().min(1).max(64).describe('Mark the incident as meeting this regime\'s trigger (config/regimes/); the determination is the inject\'s time'), individuals: z.number().int().nonnegative().optional() }).strict(),
  z.object({
    ...at, kind: z.literal('filed'), regime: z.string().min(1).max(64), phase: z.string().min(1).max(64),
    summary: z.string().trim().min(3).max(5000), sentTo: z.array(z.string().trim().min(1).max(200)).min(1).max(20), reference: z.string().trim().min(1).max(200).optional(),
  }).strict().describe('Record a regulatory filing: the phase is met'),
]);
export type Inject = z.infer<typeof InjectSchema>;
export const injectKinds = InjectSchema.options.map((o) => o.shape.kind.value);

const audiences = ['customers', 'webhooks', 'status-page', 'internal'] as const;
export type DrillAudience = (typeof audiences)[number];

export const DrillScriptSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes').describe('Identifies the drill across runs (its trend)'),
    title: z.string().trim().min(3).max(200),
    description: z.string().max(5000).optional(),
    incident: z
      .object({
        id: z.string().regex(incidentIdPattern).optional().describe('Fixed only by a replay; a run gets a fresh DRILL- ID otherwise'),
        title: z.string().trim().min(3).max(200),
        category: z.enum(categories),
        severity: z.enum(severities),
        components: z.array(z.string().min(1).max(100)).min(1).max(200),
        scope: z.enum(['single', 'multi-region', 'global']).optional(),
        tags: z.array(tag).max(20).optional(),
        fields: z.record(z.string(), z.string().max(2000)).optional(),
        summary: z.string().trim().min(1).max(5000),
        customers: z.array(z.string().min(1).max(100)).max(1000).optional().describe('Customers in scope: the scorecard expects each to hear'),
      })
      .strict(),
    /** Participants: scripted plays the responders and approvers as the injects say; live waits for people. */
    participants: z.enum(['scripted', 'live']).default('scripted'),
    injects: z.array(InjectSchema).max(500).default([]),
    /** How long the clock runs after the last inject, so deadlines still open can fire. */
    settle: Duration.default('15m'),
    expect: z
      .object({
        firstMessageWithin: Duration.optional().describe("The first external message's deadline; the playbook's when absent"),
        deadlines: z.array(z.string().min(1).max(100)).max(50).default([]).describe('Deadline kinds that must be met'),
        messages: z.array(z.object({ audience: z.enum(audiences), atLeast: z.number().int().min(0).max(1000) }).strict()).max(20).default([]),
        holdingStatement: z.boolean().optional().describe('Whether a holding statement is expected (true) or a mistake (false)'),
      })
      .strict()
      .default({ deadlines: [], messages: [] }),
  })
  .strict()
  .superRefine((s, ctx) => {
    let last = -1;
    s.injects.forEach((inject, i) => {
      const ms = parseDuration(inject.at) ?? 0;
      if (ms < last) ctx.addIssue({ code: 'custom', path: ['injects', i, 'at'], message: `injects run in time order: ${inject.at} comes before the previous one` });
      last = Math.max(last, ms);
    });
    const resolves = s.injects.filter((i) => i.kind === 'resolve').length;
    if (resolves > 1) ctx.addIssue({ code: 'custom', path: ['injects'], message: 'a drill resolves its incident at most once' });
  });
export type DrillScript = z.infer<typeof DrillScriptSchema>;

export interface DrillIssue {
  path: string;
  message: string;
}

/** Validates an already parsed drill file; each issue with its exact path (injects.3.at). */
export function validateDrill(value: unknown): { ok: true; script: DrillScript } | { ok: false; issues: DrillIssue[] } {
  const parsed = DrillScriptSchema.safeParse(value);
  if (parsed.success) return { ok: true, script: parsed.data };
  return { ok: false, issues: parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })) };
}

/** The scenario time of every inject, in milliseconds from the declaration. */
export const injectTimes = (s: DrillScript) => s.injects.map((i) => parseDuration(i.at)!);

/** How long the scenario runs in scenario time: the last inject plus the settling time. */
export function scenarioLength(s: DrillScript): number {
  const times = injectTimes(s);
  return (times.length ? Math.max(...times) : 0) + parseDuration(s.settle)!;
}
