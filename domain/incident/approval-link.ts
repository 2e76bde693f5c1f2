import { hmacSha256 } from '../audit/sha256';
import { approverRoles, type ApproverRole } from '../playbooks/constants';
import { openFields, sealFields } from '../tracking/signed-token';

/**
 * The sign-off link of an approval-request email (M6.6, X4): its token binds the incident, the
 * message version and its content hash, the approver role asked and the address it was sent to,
 * and when it stops working, signed for this purpose alone (an unsubscribe, survey or tracking
 * token cannot pass for one). Opening it shows the version; only its page's POST signs, with the
 * same validation as `POST /v1/incidents/:id/approvals` (a stale version or hash is refused).
 */

export interface ApprovalGrant {
  incidentId: string;
  version: number;
  hash: string;
  role: ApproverRole;
  /** The address the request went to: who signs. */
  approver: string;
  /** Epoch milliseconds after which the link no longer signs. */
  expiresAt: number;
}

/** How long a sign-off link works after it was sent. */
export const approvalLinkValidMs = 3 * 86_400_000;

const signer = (secret: string) => (payload: string) => Buffer.from(hmacSha256(secret, `approval.${payload}`)).toString('base64url');

export function approvalToken(g: ApprovalGrant, secret: string): string {
  return sealFields([g.incidentId, g.version, g.hash, g.role, g.approver.toLowerCase(), g.expiresAt], signer(secret));
}

/** The sign-off page's URL, where Herald serves it. */
export function approvalUrl(publicUrl: string, g: ApprovalGrant, secret: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/approve/${approvalToken(g, secret)}`;
}

export type ApprovalTokenReading = { ok: true; grant: ApprovalGrant } | { ok: false; reason: 'forged' | 'expired' };

/** What a token grants at `now`: refused when it is malformed or not signed with this key, or when it has expired. */
export function readApprovalToken(token: string, secret: string, now: number): ApprovalTokenReading {
  const [incidentId, version, hash, role, approver, expiresAt] = openFields(token, signer(secret)) ?? [];
  if (
    typeof incidentId !== 'string' || !Number.isInteger(version) || typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)
    || !approverRoles.includes(role as ApproverRole) || typeof approver !== 'string' || !approver.includes('@') || !Number.isInteger(expiresAt)
  ) return { ok: false, reason: 'forged' };
  if (now > (expiresAt as number)) return { ok: false, reason: 'expired' };
  return { ok: true, grant: { incidentId, version: version as number, hash, role: role as ApproverRole, approver, expiresAt: expiresAt as number } };
}

/** The approval request a notice ID and text name (`approval-request-v3-legal`, "... (hash <sha256>)"), if it is one. */
export function approvalRequestOf(noticeId: string, text: string): { version: number; role: ApproverRole; hash: string } | undefined {
  const m = /^approval-request-v(\d+)-([a-z]+)$/.exec(noticeId);
  const hash = /\(hash ([0-9a-f]{64})\)/.exec(text)?.[1];
  if (!m || !hash || !approverRoles.includes(m[2] as ApproverRole)) return undefined;
  return { version: Number(m[1]), role: m[2] as ApproverRole, hash };
}
