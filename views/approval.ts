import { render } from './index';

/**
 * The sign-off page of an approval-request email's link (M6.6, X4): the version's wording and a
 * confirm button (a POST: a mail scanner that fetches the link signs nothing), or one line saying
 * why the link cannot sign (stale, already signed, expired, not Herald's).
 */

export interface ApprovalPageVersion {
  incidentId: string;
  version: number;
  hash: string;
  role: string;
  approver: string;
  subject: string;
  text: string;
}

export function approvalPage(p: { title: string; message: string; version?: ApprovalPageVersion; action?: string }): string {
  return render('approval', { title: p.title, message: p.message, ...(p.version ?? {}), action: p.action });
}
