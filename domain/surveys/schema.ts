import { z } from 'zod';
import { durationPattern, parseDuration } from './policy';

const week = 7 * 86_400_000;
const duration = (what: string, fallback: string) =>
  z.string().regex(durationPattern, 'whole minutes, hours or days, e.g. "30m", "24h" or "3d"').default(fallback)
    .refine((d) => (parseDuration(d) ?? 0) <= 4 * week, 'at most four weeks').describe(what);

/** A playbook's `survey` (M6.3): absent, its incidents send no survey. */
export const SurveyPolicySchema = z.object({
  after: duration('How long after the resolution is out the survey goes to the key accounts', '24h'),
  reminderAfter: duration('How long after the survey the one reminder goes to the contacts who have not answered', '72h'),
  tiers: z.array(z.enum(['enterprise', 'business', 'standard'])).min(1).default(['enterprise']).describe('The key accounts: customers of these tiers that were emailed about the incident'),
});
