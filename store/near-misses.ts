import { ApplicationFailure } from '@temporalio/common';
import { canonicalJson } from '../domain/audit/canonical-json';
import { passExternalGate, type ExternalContent, type GatePolicy } from '../domain/gate';
import type { NearMiss } from '../domain/gate/near-misses';
import { sha256Hex } from '../domain/audit/sha256';
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
  try {
    const res = await models.NearMiss.updateOne(
      { _id: key },
      { $setOnInsert: { key, incidentId: nm.incidentId, kind: nm.kind, details: nm.details, at: new Date(nm.at ?? Date.now()), actor: nm.actor } },
      { upsert: true },
    );
    return { key, recorded: res.upsertedCount > 0 };
  } catch (err) {
    // Two upserts raced and the other inserted first: the near miss is recorded once.
    if ((err as { code?: number }).code === 11000) return { key, recorded: false };
    throw err;
  }
}

/**
 * Passes a dispatch's content through `passExternalGate` and records what it stopped or redacted
 * as near misses, keyed by incident, version, channel and locale, so a thousand customers reading
 * one locale make one record. Returns the verdict; the caller decides what a block means for its
 * channel.
 */
export async function gateAndRecord<C extends ExternalContent>(
  models: Pick<Models, 'NearMiss'>,
  dispatch: { incidentId: string; version: number; channel: string; locale?: string },
  content: C,
  policy?: GatePolicy,
) {
  const verdict = passExternalGate(content, policy);
  const where = { channel: dispatch.channel, version: dispatch.version, ...(dispatch.locale ? { locale: dispatch.locale } : {}) };
  for (const nm of verdict.nearMisses) {
    await recordNearMiss(models, { incidentId: dispatch.incidentId, kind: nm.kind, details: { ...nm.details, ...where } });
  }
  return verdict;
}

/**
 * The adapter side of the one gate: passes a dispatch's content through the gate, records what it
 * stopped, and refuses a blocked message with a non-retryable `PublicationBlocked` failure
 * (retrying cannot make it safe). Every external channel calls this or `gateAndRecord` before
 * anything leaves.
 */
export async function gateDispatch<C extends ExternalContent>(
  models: Pick<Models, 'NearMiss'>,
  dispatch: { incidentId: string; version: number; channel: string },
  content: C,
  policy?: GatePolicy,
): Promise<C> {
  const verdict = await gateAndRecord(models, dispatch, content, policy);
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
