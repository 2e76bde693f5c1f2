import { auditTrail } from './clock';
import { keys, type Harness } from './harness';
import { waitFor } from './wait';

/** An incident as a viewer reads it over HTTP, or undefined while the API does not know it (yet). */
export async function readIncident(h: Harness, id: string): Promise<any> {
  const res = await h.request('GET', `/v1/incidents/${id}`, { key: keys.viewer });
  return res.status === 200 ? res.body : undefined;
}

/** Waits until the incident, read over HTTP, satisfies `ok`, and answers it. */
export function waitForState(h: Harness, id: string, ok: (s: any) => boolean, what = `incident ${id} in the expected state`): Promise<any> {
  return waitFor(() => readIncident(h, id), (s) => s !== undefined && ok(s), what);
}

/** Declares an incident as a responder (201 expected) and answers its ID. */
export async function declareIncident(h: Harness, body: Record<string, unknown>): Promise<string> {
  const res = await h.request('POST', '/v1/incidents', { key: keys.responder, body });
  expect(res.status).toBe(201);
  return res.body.incidentId as string;
}

/** Signs a version, once it awaits approval, as every approver role still pending (demo-approver-key holds them all). */
export async function signAll(h: Harness, id: string, version: number): Promise<void> {
  const state = await waitForState(h, id, (s) => s.status === 'awaiting-approval' && s.currentDraft?.version === version, `v${version} awaiting approval`);
  for (const role of state.requiredApprovers as string[]) {
    const res = await h.request('POST', `/v1/incidents/${id}/approvals`, { key: keys.approver, body: { version, hash: state.currentDraft.hash, as: role } });
    expect(res.status).toBe(200);
  }
}

/** An incident's near misses as managers read them over HTTP. */
export async function nearMisses(h: Harness, id: string): Promise<{ kind: string; details: Record<string, any> }[]> {
  const res = await h.request('GET', `/v1/incidents/${id}/near-misses`, { key: keys.manager });
  expect(res.status).toBe(200);
  return res.body.nearMisses;
}

/** Waits until the incident's audit trail holds a record of `step` with these details, and answers the trail. */
export function waitForAudit(h: Pick<Harness, 'store'>, id: string, step: string, details: Record<string, unknown> = {}) {
  return waitFor(
    () => auditTrail(h.store, id),
    (a) => a.some((r) => r.step === step && Object.entries(details).every(([k, v]) => r.details[k] === v)),
    `the ${step} record of ${id} with ${JSON.stringify(details)}`,
  );
}

/**
 * Waits for the record the workflow writes once a version's email broadcast has returned: every
 * email that broadcast sends is then in Mailpit, so a test can count what did (not) arrive.
 */
export const emailBroadcastDone = (h: Pick<Harness, 'store'>, id: string, version: number) => waitForAudit(h, id, 'published', { channel: 'email', version });
