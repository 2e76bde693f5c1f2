import { z } from 'zod';
import { approvalLinkSecret } from '../../config/approval-links';
import { readApprovalToken, type ApprovalGrant } from '../../domain/incident/approval-link';
import { approvalPage } from '../../views/approval';
import { approveUpdate, incidentStateQuery, type IncidentView } from '../../workflows/messages';
import type { ApiDeps } from '../deps';
import { ErrorBodySchema, HttpError, toHttpError } from '../errors';
import { wanted } from '../negotiation';
import { incidentHandle } from '../incident-params';
import { defineRoute, type RouteResult } from '../route';

/**
 * Sign-off by email link (M6.6, X4): each approval-request email carries a link signed for its
 * approver (domain/incident/approval-link.ts). The link is public, its token the authority; its
 * GET only shows the version's wording and a confirm button (mail scanners that fetch links sign
 * nothing), the button's POST performs the same approval Update as `POST /v1/incidents/:id/approvals`,
 * with the same validation: a version replaced by an edit, or another hash, is refused (409).
 * Works alike for a real incident and in a live drill (the links point at the drill's sandbox API).
 */

const TokenParams = z.object({ token: z.string().max(1000).regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'not a sign-off token') });

const pageHeaders = {
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};
const html = (status: number, p: Parameters<typeof approvalPage>[0]): RouteResult => ({
  status, body: approvalPage(p), contentType: 'text/html; charset=utf-8', headers: pageHeaders,
});
const page = 'text/html';

/** Why nothing can be signed: a page for a browser (it asks for text/html), else the one JSON error body. */
interface Refusal { status: number; page: Parameters<typeof approvalPage>[0] }
type Headers = Record<string, string | string[] | undefined>;
function refused(headers: Headers, r: Refusal): RouteResult {
  if (!wanted('html', undefined, headers.accept)) throw new HttpError(r.status, `${r.page.title}: ${r.page.message}`);
  return html(r.status, r.page);
}

type Opened = { ok: true; grant: ApprovalGrant; view: IncidentView } | { ok: false; refusal: Refusal };

async function open(deps: ApiDeps, token: string): Promise<Opened> {
  const reading = readApprovalToken(token, approvalLinkSecret(), Date.now());
  if (!reading.ok) {
    return {
      ok: false,
      refusal: { status: 403, page: reading.reason === 'expired'
        ? { title: 'This sign-off link has expired', message: 'Sign in Herald (herald approve, or the API) instead, or ask for the request again.' }
        : { title: 'Not a sign-off link of Herald', message: 'This link was not made by Herald or was altered; use the link of the email itself.' } },
    };
  }
  try {
    const view = await incidentHandle(deps, reading.grant.incidentId).query(incidentStateQuery);
    return { ok: true, grant: reading.grant, view };
  } catch (err) {
    const { status, body } = toHttpError(err);
    if (status >= 500) throw err;
    return { ok: false, refusal: { status, page: { title: 'This incident cannot be signed', message: body.message } } };
  }
}

/** The token's grant and its incident, when the grant can still sign the current draft; else the page saying why not. */
async function openCurrent(deps: ApiDeps, token: string): Promise<Opened> {
  const opened = await open(deps, token);
  const refusal = opened.ok ? stale(opened.grant, opened.view) : undefined;
  return refusal ? { ok: false, refusal } : opened;
}

/** Why this grant cannot sign the incident's current draft, or undefined when it can. */
function stale(grant: ApprovalGrant, view: IncidentView): Refusal | undefined {
  const draft = view.currentDraft;
  if (view.status === 'resolved') return { status: 409, page: { title: 'This incident is resolved', message: `Incident ${grant.incidentId} is resolved; there is nothing left to sign.` } };
  if (!draft || draft.version !== grant.version || draft.hash !== grant.hash) {
    return { status: 409, page: {
      title: 'This version was replaced',
      message: `This link signs version ${grant.version} of ${grant.incidentId}, which is no longer the current wording${draft ? ` (the current version is ${draft.version})` : ''}. `
        + 'Nothing was signed. Use the link of the newest approval request, which shows the wording you would sign.',
    } };
  }
  return undefined;
}

const versionOf = (grant: ApprovalGrant, view: IncidentView) => ({
  incidentId: grant.incidentId, version: grant.version, hash: grant.hash, role: grant.role, approver: grant.approver,
  subject: view.currentDraft?.subject ?? '', text: view.currentDraft?.text ?? '',
});

const asPage = (description: string) => ({ description: `${description}; a page saying so when the request accepts text/html`, schema: ErrorBodySchema, alternatives: [page] });
const responses = (ok: string) => ({
  200: { description: ok, contentType: page },
  403: asPage('Not a sign-off link Herald made (forged or altered), or one that has expired'),
  404: asPage('The incident is unknown'),
  409: asPage('The version was replaced by an edit (stale hash), the incident is resolved, or the role has nothing pending'),
});

export const approvalLinkRoutes = [
  defineRoute({
    method: 'get',
    path: '/approve/:token',
    summary: "The sign-off link of an approval-request email (public; the signed token names incident, version, hash, role and approver): the version's wording and a confirm button; the GET signs nothing",
    tags: ['incidents'],
    params: TokenParams,
    responses: responses('The page with the wording and the confirm button, or saying the role signed it already'),
    async handler({ params, headers, deps }) {
      const opened = await openCurrent(deps, params.token);
      if (!opened.ok) return refused(headers, opened.refusal);
      const { grant, view } = opened;
      const signed = view.approvals.find((a) => a.version === grant.version && a.role === grant.role && a.decision === 'approve');
      if (signed) {
        return html(200, { title: `Version ${grant.version} is signed as ${grant.role}`, message: `${signed.by} signed it at ${signed.at}.`, version: versionOf(grant, view) });
      }
      return html(200, {
        title: `Sign version ${grant.version} as ${grant.role}`,
        message: `${grant.incidentId}: ${view.title}. Read the wording below; the button signs exactly this version.`,
        version: versionOf(grant, view), action: `/approve/${params.token}`,
      });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/approve/:token',
    summary: "Sign through an approval-request email's link (public; the page's button posts it): the same approval as POST /v1/incidents/:id/approvals, bound to the token's version and hash",
    tags: ['incidents'],
    params: TokenParams,
    responses: responses('Signed: a page saying so and which sign-offs are still pending'),
    async handler({ params, headers, deps }) {
      const opened = await openCurrent(deps, params.token);
      if (!opened.ok) return refused(headers, opened.refusal);
      const { grant, view } = opened;
      try {
        const receipt = await incidentHandle(deps, grant.incidentId).executeUpdate(approveUpdate, {
          args: [{ version: grant.version, hash: grant.hash, as: grant.role, decision: 'approve', approver: grant.approver, heldRoles: [grant.role] }],
        });
        return html(200, {
          title: `Signed: version ${grant.version} as ${grant.role}`,
          message: receipt.pending.length ? `Still waiting for: ${receipt.pending.join(', ')}.` : 'Every sign-off is in; the version goes out now.',
          version: versionOf(grant, view),
        });
      } catch (err) {
        const { status, body } = toHttpError(err);
        if (status >= 500) throw err;
        return refused(headers, { status: status === 409 || status === 404 ? status : 409, page: { title: 'Nothing was signed', message: body.message } });
      }
    },
  }),
];
