import { z } from 'zod';
import { categories, severities, type Severity } from '../incident';
import { LocaleSchema } from '../messages/locale-schema';
import { SurveyPolicySchema } from '../surveys/schema';
import { approverRoles, audiences, channels, deadlineSteps, heldDuringBlackout, incidentRoles, scopeTiers } from './constants';

// The plain lists live in ./constants, so workflow code can use them without loading zod.
export * from './constants';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes; 2 to 63 characters');
const minutes = z.number().int().positive();
const email = z.email();

const bySeverity = <T extends z.ZodType>(value: T) => z.record(z.enum(severities), value);

const OnCall = z.object({
  onCall: email.describe('Who takes the role by default'),
  backup: email.describe('Who is told when the role misses a deadline or times out'),
});

const AudienceRule = z.object({
  audience: z.enum(audiences),
  primaryChannel: z.enum(channels),
  secondaryChannel: z.enum(channels).describe('Used when the primary channel is down or affected by the incident'),
  severities: z.array(z.enum(severities)).min(1).optional().describe('Told only at these severities; absent means every severity'),
});

const EscalationRule = z
  .object({
    id: slug,
    description: z.string().min(1),
    severities: z.array(z.enum(severities)).min(1).optional(),
    categories: z.array(z.enum(categories)).min(1).optional(),
    anyTags: z.array(slug).min(1).optional().describe('Fires when the incident carries at least one of these tags'),
    minutesOpenAtLeast: z.number().int().nonnegative().optional(),
    customersAffectedAtLeast: z.number().int().positive().optional(),
    notify: z.array(z.enum(audiences)).min(1),
    requireApprovers: z.array(z.enum(approverRoles)).default([]),
  })
  .describe('Fires when every condition it states holds');

const ApprovalRule = z.object({
  approver: z.enum(approverRoles),
  severities: z.array(z.enum(severities)).min(1).optional(),
  categories: z.array(z.enum(categories)).min(1).optional(),
  anyTags: z.array(slug).min(1).optional(),
  reason: z.string().min(1),
});

const Deadline = z.object({
  step: z.enum(deadlineSteps),
  role: z.enum(incidentRoles),
  minutesFromDetection: bySeverity(minutes),
});

const CadenceInterval = z.object({
  untilMinute: minutes.optional().describe('This interval applies to updates published before this minute from detection'),
  everyMinutes: minutes,
});

const Cadence = z.object({
  intervals: z.array(CadenceInterval).min(1),
  reminderMinutesBefore: minutes.describe('The communication lead is reminded this long before an update is due'),
});

const TagRequirements = z.object({
  description: z.string().min(1),
  templates: z.array(slug).default([]),
  requiredFields: z.array(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/, 'a camelCase field name')).default([]),
  approvers: z.array(z.enum(approverRoles)).default([]),
});

/** How a playbook's messages are written: locales, custom narratives, who may disclose a hypothesis (M2.2, M2.4, M2.5). */
const MessagePolicy = z.object({
  locale: LocaleSchema.default('en').describe('The locale drafts are written in'),
  fallbackLocale: LocaleSchema
    .optional()
    .describe('When a required locale is missing, readers in it get this one (and the fallback is recorded); absent means a missing locale blocks publication'),
  customNarratives: z
    .object({
      allowed: z.boolean().default(true),
      extraApprovals: z.array(z.enum(approverRoles)).default([]).describe('Sign-offs a custom (non-template) text needs on top of the matrix'),
    })
    .prefault({}),
  disclosureApprovers: z
    .array(z.enum(approverRoles))
    .min(1)
    .default(['legal', 'executive'])
    .describe('Approver roles that hold the disclosure right: a root-cause hypothesis goes out only with one of their sign-offs'),
  plainLanguage: z
    .object({
      minReadingEase: z.number().optional().describe("Below this reading ease (by the locale's formula) a version does not publish"),
      maxFindings: z.number().int().nonnegative().optional().describe('More plain-language findings than this and a version does not publish (0 = none allowed)'),
    })
    .optional()
    .describe('Plain language enforced before publication (M2.1); absent means the lint only advises'),
});

/** Who else hears, and how often (M3.3, M3.4, M3.5, M1.4). */
const Distribution = z.object({
  emailMinutesPerRecipient: z
    .number()
    .int()
    .nonnegative()
    .default(30)
    .describe('At most one email per recipient per this many minutes, except status changes; updates inside it fold into a digest (0 = no limit)'),
  slackWebhooks: z
    .array(z.union([z.url({ protocol: /^https?$/ }), z.string().regex(/^secret:slack\/[0-9a-f]{24}$/, 'a Slack webhook reference is secret:slack/ and 24 hex digits')]))
    .default([])
    .describe('Slack-compatible incoming webhooks of staff channels: a URL, which Herald stores as a secret and replaces with its reference on save, or such a reference'),
  distributionLists: z.array(email).default([]).describe('Internal lists that get every published version'),
  outreach: z
    .object({
      tiers: z.array(z.enum(['enterprise', 'business', 'standard'])).default(['enterprise']),
      timing: z.enum(['before-broadcast', 'with-broadcast']).default('with-broadcast'),
      withinMinutes: minutes.default(30).describe('How long the account manager has to make the call'),
    })
    .prefault({}),
  contractWarningMinutes: minutes.default(10).describe('How long before a contractual notification deadline an unmet one escalates'),
  legalNotice: z
    .object({
      regime: z.string().trim().min(3).max(200).describe('The law that requires the notice, e.g. "GDPR Art. 34"'),
      tags: z.array(slug).default([]).describe('Incidents with one of these tags are subject to it; empty: every incident of this playbook'),
    })
    .optional()
    .describe('A notice the law requires: email reaches every affected customer at every address despite channel preferences, the severity floor and unsubscribes, and each recipient so reached is recorded (M1.4)'),
});

const RecurrencePolicy = z.object({
  windowDays: z.number().int().min(1).max(365).default(30).describe('An earlier incident detected this many days before counts as the same problem'),
  shortMessage: z.boolean().default(true).describe('Recipients emailed about an earlier occurrence get a short message that links it and its root cause'),
  digestMinutes: z.number().int().nonnegative().max(1440).default(0).describe('Minor updates (no change of phase) fold into a digest of this many minutes per recipient (0 = the distribution limit only)'),
  dailyCap: z.number().int().nonnegative().max(100).default(0).describe('At most this many emails per recipient per day across incidents; minor updates beyond it are not emailed (0 = no cap)'),
  chronicThreshold: z.number().int().min(1).max(100).default(3).describe('At this many earlier occurrences the recurrence is chronic and escalated with its history'),
  escalateTo: z.array(z.enum(audiences)).min(1).default(['executives', 'account-management']).describe('Who a chronic recurrence is escalated to'),
});

const CommunicationOwner = z.object({
  serviceDomain: slug,
  owner: email,
  backup: email,
});

export const PlaybookSchema = z
  .object({
    id: slug,
    name: z.string().trim().min(3).max(120),
    description: z.string().trim().min(1).max(2000),
    category: z.enum(categories),
    scope: z.enum(scopeTiers),
    severities: z.array(z.enum(severities)).min(1).optional().describe('Severities this playbook is written for; absent means all'),
    audiences: z.array(AudienceRule).min(1),
    escalationRules: z.array(EscalationRule).default([]),
    roles: z.record(z.enum(incidentRoles), OnCall),
    approverContacts: z.record(z.enum(approverRoles), OnCall),
    approvalTimeoutMinutes: bySeverity(minutes).describe("After this long without a sign-off, the approver's backup is asked"),
    deadlines: z.array(Deadline).min(1),
    approvalMatrix: z.array(ApprovalRule).default([]),
    cadence: bySeverity(Cadence),
    holdingStatement: z.object({
      autoPublish: z.boolean().describe('Publish the pre-approved statement when the first external message is late'),
      subject: z.string().min(3).max(200),
      text: z.string().min(10).max(5000).describe('Handlebars text; may use {{components}} and {{nextUpdate}}'),
    }),
    blackout: z.object({
      holds: z.array(z.enum(heldDuringBlackout)).min(1),
      overrideRoles: z.array(z.enum(incidentRoles)).min(1).describe('Who may send a critical message through a blackout'),
      maxMinutes: minutes.describe('A blackout longer than this is escalated to the backup communication lead'),
    }),
    handoff: z.object({
      acknowledgeWithinMinutes: minutes,
      fatigueLimitHours: z.number().positive().max(72),
    }),
    briefings: z.object({
      firstAfterHours: z.number().positive(),
      intervalHours: z.number().positive(),
      lists: z.record(z.enum(['internal-support', 'account-management']), z.array(email).min(1)),
      escalationPath: z.string().min(1),
    }),
    classificationTags: z.record(slug, TagRequirements).default({}),
    communicationOwners: z.array(CommunicationOwner).default([]),
    messages: MessagePolicy.prefault({}),
    distribution: Distribution.prefault({}),
    survey: SurveyPolicySchema.optional().describe('After the resolution, a short survey to the key accounts that were emailed, with one reminder (M6.3); absent, none'),
    recurrence: RecurrencePolicy.optional().describe('How communication adapts when the incident repeats an earlier one (M7.5); absent, recurrence is only detected and recorded'),
  })
  .superRefine((p, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });

    const seenAudiences = new Set<string>();
    p.audiences.forEach((a, i) => {
      if (seenAudiences.has(a.audience)) issue(['audiences', i, 'audience'], `audience "${a.audience}" is listed twice`);
      seenAudiences.add(a.audience);
      if (a.primaryChannel === a.secondaryChannel) {
        issue(['audiences', i, 'secondaryChannel'], 'the secondary channel must differ from the primary one');
      }
    });

    const ruleIds = new Set<string>();
    p.escalationRules.forEach((r, i) => {
      if (ruleIds.has(r.id)) issue(['escalationRules', i, 'id'], `rule id "${r.id}" is used twice`);
      ruleIds.add(r.id);
      r.notify.forEach((target, j) => {
        if (!seenAudiences.has(target)) {
          issue(['escalationRules', i, 'notify', j], `"${target}" is not an audience of this playbook, so it has no channel`);
        }
      });
    });

    const steps = new Set<string>();
    p.deadlines.forEach((d, i) => {
      if (steps.has(d.step)) issue(['deadlines', i, 'step'], `step "${d.step}" has two deadlines`);
      steps.add(d.step);
    });
    if (!steps.has('first-external-message')) issue(['deadlines'], 'a deadline for "first-external-message" is required');

    for (const severity of severities) {
      const c = p.cadence[severity];
      if (!c) continue;
      c.intervals.forEach((interval, i) => {
        const last = i === c.intervals.length - 1;
        const path = ['cadence', severity, 'intervals', i, 'untilMinute'];
        if (last && interval.untilMinute !== undefined) issue(path, 'the last interval must be open-ended (no untilMinute)');
        if (!last && interval.untilMinute === undefined) issue(path, 'only the last interval may be open-ended');
        const prev = c.intervals[i - 1]?.untilMinute;
        if (prev !== undefined && interval.untilMinute !== undefined && interval.untilMinute <= prev) {
          issue(path, 'untilMinute must increase from one interval to the next');
        }
      });
      const shortest = Math.min(...c.intervals.map((x) => x.everyMinutes));
      if (c.reminderMinutesBefore >= shortest) {
        issue(['cadence', severity, 'reminderMinutesBefore'], `the reminder must come before the update is due (shortest interval ${shortest} minutes)`);
      }
    }

    const domains = new Set<string>();
    p.communicationOwners.forEach((o, i) => {
      if (domains.has(o.serviceDomain)) issue(['communicationOwners', i, 'serviceDomain'], `service domain "${o.serviceDomain}" has two owners`);
      domains.add(o.serviceDomain);
    });
  });

export type Playbook = z.output<typeof PlaybookSchema>;
export type PlaybookInput = z.input<typeof PlaybookSchema>;
export type AudienceRule = Playbook['audiences'][number];
export type EscalationRule = Playbook['escalationRules'][number];
export type ApprovalRule = Playbook['approvalMatrix'][number];
export type CadenceRule = Playbook['cadence'][Severity];
export type CommunicationOwner = Playbook['communicationOwners'][number];
