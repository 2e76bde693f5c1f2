import { z } from 'zod';
import { archiveKinds, type ArchiveKind } from './entries';

/**
 * Retention (M5.1): how long each kind of archived record is kept, per incident category, regime
 * and record kind, as data (config/retention.json) with a version, so each deletion names the
 * policy and version that ordered it. Legal holds override every policy.
 */

export const RetentionPolicySchema = z.object({
  id: z.string().min(1),
  description: z.string().optional(),
  kinds: z.array(z.enum(archiveKinds)).optional(),
  categories: z.array(z.string()).optional(),
  /** Incident classification tags (regulated-customer, data-exposure, …); any one matches. */
  regimes: z.array(z.string()).optional(),
  retainDays: z.number().int().positive(),
});

export const RetentionConfigSchema = z.object({
  version: z.number().int().positive(),
  /** The first policy that matches a record applies: the most specific first. */
  policies: z.array(RetentionPolicySchema).min(1),
});
export type RetentionPolicy = z.infer<typeof RetentionPolicySchema>;
export type RetentionConfig = z.infer<typeof RetentionConfigSchema>;

export interface RetainedRecord {
  kind: ArchiveKind;
  category?: string;
  regimes?: string[];
}

/** The policy that governs a record: the first whose every given criterion matches. */
export function policyFor(config: RetentionConfig, record: RetainedRecord): RetentionPolicy | undefined {
  return config.policies.find(
    (p) =>
      (!p.kinds || p.kinds.includes(record.kind)) &&
      (!p.categories || (record.category !== undefined && p.categories.includes(record.category))) &&
      (!p.regimes || (record.regimes ?? []).some((r) => p.regimes!.includes(r))),
  );
}

const dayMs = 24 * 60 * 60 * 1000;

/** Whether a record archived at `recordedAtMs` has outlived its policy at `nowMs`. */
export function expired(policy: RetentionPolicy, recordedAtMs: number, nowMs: number): boolean {
  return nowMs >= recordedAtMs + policy.retainDays * dayMs;
}

/** A legal hold's scope: every criterion given must match (an empty scope is refused by the API). */
export const HoldScopeSchema = z
  .object({
    incidentId: z.string().min(1).optional(),
    customerId: z.string().min(1).optional(),
    category: z.string().min(1).optional(),
    from: z.iso.datetime({ offset: true }).optional().describe('Records archived at or after this instant'),
    to: z.iso.datetime({ offset: true }).optional().describe('Records archived before this instant'),
  })
  .refine((s) => Object.values(s).some((v) => v !== undefined), 'a hold names at least one of incidentId, customerId, category, from, to');
export type HoldScope = z.infer<typeof HoldScopeSchema>;

export interface HeldRecord {
  incidentId?: string;
  customerIds?: string[];
  category?: string;
  recordedAtMs: number;
}

/** Whether a hold's scope covers a record (times as epoch milliseconds, parsed by the caller). */
export function holdCovers(scope: { incidentId?: string; customerId?: string; category?: string; fromMs?: number; toMs?: number }, r: HeldRecord): boolean {
  return (
    (scope.incidentId === undefined || scope.incidentId === r.incidentId) &&
    (scope.customerId === undefined || (r.customerIds ?? []).includes(scope.customerId)) &&
    (scope.category === undefined || scope.category === r.category) &&
    (scope.fromMs === undefined || r.recordedAtMs >= scope.fromMs) &&
    (scope.toMs === undefined || r.recordedAtMs < scope.toMs)
  );
}
