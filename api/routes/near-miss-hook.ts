import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { nearMissRecord } from '../../domain/gate/near-miss-records';
import { saveNearMiss } from '../../store/near-misses';
import type { ApiDeps } from '../deps';
import type { Principal } from '../route';

/**
 * A refused attempt to publish (a stale or superseded version) is a near miss for the
 * post-incident review (M5.6). The workflow's validator leaves no trace in history, so the API
 * records it; a failure to record never hides the refusal itself.
 */
export async function recordNearMissSafely(deps: ApiDeps, incidentId: string, kind: 'unapproved-publish-attempt', err: unknown, who: Principal): Promise<void> {
  if (!(err instanceof WorkflowUpdateFailedError) || !(err.cause instanceof ApplicationFailure)) return;
  if (err.cause.type !== 'StaleVersion' && err.cause.type !== 'AlreadyPublished') return;
  const at = new Date();
  await saveNearMiss(deps.store.models, nearMissRecord({
    incidentId, kind, actor: who.name, at, details: { reason: err.cause.message, type: err.cause.type, at: at.toISOString() },
  })).catch(() => undefined);
}
