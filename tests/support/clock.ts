import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Store } from '../../store/connect';
import type { ChainedAuditRecord } from '../../domain/audit';

/** Skips the test server's clock forward to an absolute time (ms since the epoch). */
export async function sleepUntil(env: TestWorkflowEnvironment, at: number): Promise<void> {
  const now = await env.currentTimeMs();
  if (at > now) await env.sleep(at - now);
}

/** An ISO time that must be the expected instant, to within a second of skipped time. */
export function expectAt(actual: string | undefined, expectedMs: number): void {
  expect(actual).toBeDefined();
  expect(Math.abs(Date.parse(actual!) - expectedMs)).toBeLessThan(1000);
}

/**
 * A record written by an activity that runs after another one (a notice before its audit record):
 * not before the instant, and within the few real seconds the earlier activities take.
 */
export function expectShortlyAfter(actual: string | undefined, instantMs: number, slackMs = 10_000): void {
  expect(actual).toBeDefined();
  const delay = Date.parse(actual!) - instantMs;
  expect(delay).toBeGreaterThan(-1000);
  expect(delay).toBeLessThan(slackMs);
}

/** The failure type and message of a refused Update, or the value itself when it was not refused. */
export async function refusal(p: Promise<unknown>): Promise<{ type?: string; message: string; details?: unknown }> {
  const err = await p.then(
    (v) => { throw new Error(`the update was accepted: ${JSON.stringify(v)}`); },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  const failure = cause as ApplicationFailure;
  return { type: failure.type ?? undefined, message: failure.message, details: failure.details?.[0] };
}

/** An incident's audit records in chain order, as the activities wrote them to the archive. */
export async function auditTrail(store: Store, incidentId: string): Promise<ChainedAuditRecord[]> {
  return store.models.AuditRecord.find({ incidentId }).sort({ seq: 1 }).lean<ChainedAuditRecord[]>();
}
