import { canonicalJson, sha256Hex } from '../audit';
import type { GateNearMiss } from './index';
import type { NearMiss } from './near-misses';

/**
 * How a near miss is kept (M5.6): under a key, so the same report twice (a retried activity, a
 * thousand customers reading one locale) is one record.
 */
export interface NearMissRecord extends Omit<NearMiss, 'at'> {
  key: string;
  at: Date;
  actor?: string;
}

/** A report as an activity or the API makes it; without a key, the incident, kind and details are its identity. */
export type NearMissReport = Omit<NearMiss, 'at'> & { at: string | Date; key?: string; actor?: string };

export function nearMissRecord(nm: NearMissReport): NearMissRecord {
  const key = nm.key ?? sha256Hex(canonicalJson({ incidentId: nm.incidentId, kind: nm.kind, details: nm.details }));
  return { key, incidentId: nm.incidentId, kind: nm.kind, details: nm.details, at: new Date(nm.at), ...(nm.actor ? { actor: nm.actor } : {}) };
}

/** Where a gated dispatch went: near misses of one version, channel and locale are one each. */
export interface GatedDispatch {
  incidentId: string;
  version: number;
  channel: string;
  locale?: string;
}

/** The reports of what the gate stopped or redacted in one dispatch. */
export function gateNearMissReports(dispatch: GatedDispatch, nearMisses: GateNearMiss[], at: Date): NearMissReport[] {
  const where = { channel: dispatch.channel, version: dispatch.version, ...(dispatch.locale ? { locale: dispatch.locale } : {}) };
  return nearMisses.map((nm) => ({ incidentId: dispatch.incidentId, kind: nm.kind, details: { ...nm.details, ...where }, at }));
}
