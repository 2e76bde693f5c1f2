import { ApplicationFailure } from '@temporalio/common';
import { canonicalJson } from '../domain/canonical-json';
import { passExternalGate, type ExternalContent, type GatePolicy } from '../domain/gate';
import type { NearMiss } from '../domain/messages/near-misses';
import { sha256Hex } from '../domain/sha256';
import type { Models } from './models';

/**
 * Records a near miss for the post-incident review (M5.6). The same report twice (a retried
 * activity) is kept once: its key is the incident, kind and details, unless the caller names one.
 */
export async function recordNearMiss(
  models: Pick<Models, 'NearMiss'>,
  nm: Omit<NearMiss, 'at'> & { at?: string; key?: string; actor?: string },
): Promise<{ key: string; recorded: boolean }> {
  const key = nm.key ?? sha256Hex(canonicalJson({ incidentId: nm.incidentId, kind: nm.kind, details: nm.details }));
  const res = await models.NearMiss.updateOne(
    { key },
    { $setOnInsert: { key, incidentId: nm.incidentId, kind: nm.kind, details: nm.details, at: new Date(nm.at ?? Date.now()), actor: nm.actor } },
    { upsert: true },
  );
  return { key, recorded: res.upsertedCount > 0 };
}

/**
 * The adapter side of the one gate: passes a dispatch's content through `passExternalGate`,
 * records what it stopped, and refuses a blocked message with a non-retryable
 * `PublicationBlocked` failure (retrying cannot make it safe). Every external channel calls this
 * before anything leaves.
 */
export async function gateDispatch<C extends ExternalContent>(
  models: Pick<Models, 'NearMiss'>,
  dispatch: { incidentId: string; version: number; channel: string },
  content: C,
  policy?: GatePolicy,
): Promise<C> {
  const verdict = passExternalGate(content, policy);
  for (const nm of verdict.nearMisses) {
    await recordNearMiss(models, {
      incidentId: dispatch.incidentId,
      kind: nm.kind,
      details: { ...nm.details, channel: dispatch.channel, version: dispatch.version },
    });
  }
  if (!verdict.allowed) {
    throw ApplicationFailure.create({
      type: 'PublicationBlocked',
      nonRetryable: true,
      message: `version ${dispatch.version} of ${dispatch.incidentId} was not published on ${dispatch.channel}: ${verdict.blockReasons.join('; ')}`,
      details: [{ channel: dispatch.channel, version: dispatch.version, reasons: verdict.blockReasons }],
    });
  }
  return verdict.content;
}
