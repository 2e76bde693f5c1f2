import { hmacSha256 } from '../audit/sha256';
import { openFields, sealFields } from '../tracking/signed-token';

/**
 * The survey link's token (M6.3): it names the incident and the contact it was sent to, and when
 * it stops working, signed for this purpose alone (an unsubscribe or tracking token cannot pass
 * for one). It may be opened many times; the store takes one answer per contact (single use).
 */

export interface SurveyInvite {
  incidentId: string;
  address: string;
  /** Epoch milliseconds after which the link no longer opens the form. */
  expiresAt: number;
}

/** How long a survey link works after it was sent. */
export const surveyLinkValidMs = 30 * 86_400_000;

const signer = (secret: string) => (payload: string) => Buffer.from(hmacSha256(secret, `survey.${payload}`)).toString('base64url');

export function surveyToken(invite: SurveyInvite, secret: string): string {
  return sealFields([invite.incidentId, invite.address.toLowerCase(), invite.expiresAt], signer(secret));
}

/** The form's URL, where Herald serves it. */
export function surveyUrl(publicUrl: string, invite: SurveyInvite, secret: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/survey/${surveyToken(invite, secret)}`;
}

export type SurveyTokenReading = { ok: true; invite: SurveyInvite } | { ok: false; reason: 'forged' | 'expired' };

/** What a token names at `now`: refused when it is malformed or not signed with this key, or when it has expired. */
export function readSurveyToken(token: string, secret: string, now: number): SurveyTokenReading {
  const fields = openFields(token, signer(secret));
  const [incidentId, address, expiresAt] = fields ?? [];
  if (typeof incidentId !== 'string' || typeof address !== 'string' || !address.includes('@') || typeof expiresAt !== 'number' || !Number.isInteger(expiresAt)) {
    return { ok: false, reason: 'forged' };
  }
  if (now > expiresAt) return { ok: false, reason: 'expired' };
  return { ok: true, invite: { incidentId, address, expiresAt } };
}

/** One invitation per incident and contact: the key of its invitation and of its one answer. */
export function surveyInvitationId(incidentId: string, address: string): string {
  return `${incidentId}|${address.toLowerCase()}`;
}
