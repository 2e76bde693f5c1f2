import { ApplicationFailure } from '@temporalio/common';
import { defaultGatePolicy } from '../config/gate';
import { passExternalGate, type ExternalContent, type GatePolicy, type GateVerdict } from '../domain/gate';
import { gateNearMissReports, nearMissRecord, type GatedDispatch } from '../domain/gate/near-miss-records';
import type { Models } from '../store/models';
import { saveNearMiss } from '../store/near-misses';
import { forbiddenVendorsForGate } from '../store/vendors';

/**
 * The adapter side of the one gate (M5.5, M5.6): the decision is `passExternalGate`'s, this
 * records what it stopped or redacted as near misses and tells the caller. Every external channel
 * calls `gateDispatch` or `gateAndRecord` before anything leaves.
 */

type NearMissModels = Pick<Models, 'NearMiss'> & Partial<Pick<Models, 'Vendor'>>;

/**
 * Passes a dispatch's content through the gate and records its near misses, keyed by incident,
 * version, channel and locale, so a thousand customers reading one locale make one record.
 * Returns the verdict; the caller decides what a block means for its channel.
 */
export async function gateAndRecord<C extends ExternalContent>(models: NearMissModels, dispatch: GatedDispatch, content: C, policy: GatePolicy = defaultGatePolicy) {
  // The vendor registry says whom public messages may not name (M5.4); read as the message leaves.
  const forbiddenVendors = policy.forbiddenVendors ?? (models.Vendor ? await forbiddenVendorsForGate({ Vendor: models.Vendor }) : []);
  const verdict = passExternalGate(content, { ...policy, forbiddenVendors });
  for (const report of gateNearMissReports(dispatch, verdict.nearMisses, new Date())) await saveNearMiss(models, nearMissRecord(report));
  return verdict;
}

/**
 * Gates and records like `gateAndRecord`, and refuses a blocked message with a non-retryable
 * `PublicationBlocked` failure (retrying cannot make it safe).
 */
export async function gateDispatch<C extends ExternalContent>(
  models: NearMissModels,
  dispatch: Omit<GatedDispatch, 'locale'>,
  content: C,
  policy?: GatePolicy,
): Promise<C> {
  return (await gateDispatchVerdict(models, dispatch, content, policy)).content;
}

/** `gateDispatch`, answering the whole verdict of what it let through (the archive keeps it with the bytes, M5.1). */
export async function gateDispatchVerdict<C extends ExternalContent>(
  models: NearMissModels,
  dispatch: Omit<GatedDispatch, 'locale'>,
  content: C,
  policy?: GatePolicy,
): Promise<GateVerdict<C>> {
  const verdict = await gateAndRecord(models, dispatch, content, policy);
  if (!verdict.allowed) {
    throw ApplicationFailure.create({
      type: 'PublicationBlocked',
      nonRetryable: true,
      message: `version ${dispatch.version} of ${dispatch.incidentId} was not published on ${dispatch.channel}: ${verdict.blockReasons.join('; ')}`,
      details: [{ channel: dispatch.channel, version: dispatch.version, reasons: verdict.blockReasons }],
    });
  }
  return verdict;
}
