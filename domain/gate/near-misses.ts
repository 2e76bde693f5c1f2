/**
 * Near misses (M5.6): what almost reached customers and was stopped, kept for the post-incident
 * review. A redacted disclosure is one too: the message went out, the secret did not.
 */
export const nearMissKinds = [
  'blocked-publication',
  'redacted-disclosure',
  'unapproved-publish-attempt',
  'locale-inconsistency',
  'hypothesis-disclosure',
] as const;
export type NearMissKind = (typeof nearMissKinds)[number];

export interface NearMiss {
  incidentId: string;
  kind: NearMissKind;
  details: Record<string, unknown>;
  at: string;
}
