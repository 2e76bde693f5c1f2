import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp } from '../../api/app';
import { demoApiKeys, type Role } from '../../config/api-keys';
import { keys, startHarness } from '../../tests/support/harness';
import type { FaultResult } from '../support/result';

interface Operation {
  method: string;
  path: string;
  /** From the description's "Roles: a, b (…)"; undefined for a public operation. */
  roles?: Role[];
  params: string[];
  json: boolean;
}

/** Every operation of the document, with the roles its description names (what a reader of /docs is told). */
export function operationsOf(doc: { paths: Record<string, Record<string, { description?: string; parameters?: { in: string; name: string }[]; requestBody?: { content: Record<string, unknown> } }>> }): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const roles = /^Roles: ([a-z, ]+) \(/.exec(op.description ?? '')?.[1].split(', ') as Role[] | undefined;
      return {
        method: method.toUpperCase(), path, roles,
        params: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        json: !!op.requestBody?.content['application/json'],
      };
    }),
  );
}

/** The callers: every demo key (one per role combination), no key, and a key taken out of HERALD_API_KEYS. */
const revokedKey = keys.viewer;
const callers: { name: string; key?: string; roles: Role[]; revoked?: boolean }[] = [
  ...demoApiKeys.filter((k) => k.key !== revokedKey).map((k) => ({ name: k.key, key: k.key, roles: k.roles })),
  { name: 'no key', roles: [] },
  { name: 'revoked key', key: revokedKey, roles: [], revoked: true },
];

/** A value for each path parameter: shaped like a real one, naming nothing (the API checks roles first). */
const paramValue = (name: string) => (name === 'id' ? 'INC-authz-probe' : `${name}-authz-probe`);

/**
 * Authorization matrix: every operation of /openapi.json called by every role, with no key and
 * with a revoked key (one the deployment took out of HERALD_API_KEYS: Herald's only revocation).
 * Each answer must match the documented roles: a keyed operation answers 401 without a valid key,
 * 403 to a key without a documented role and neither to one with it; a public operation answers
 * every key as it answers none (an executive key is refused every change, as documented). A
 * fault is each call a caller was not entitled to; an unauthorized success is a client error.
 */
export async function authorizationMatrix(): Promise<FaultResult & { mismatches: string[] }> {
  const h = await startHarness({ worker: false, requestTimeoutMs: 1500 });
  // The same API, but the viewer key revoked: taken out of the deployment's key list.
  const app = createApp({ temporal: h.client, store: h.store, mailer: h.mailer, taskQueue: h.taskQueue, apiKeys: demoApiKeys.filter((k) => k.key !== revokedKey), publicUrl: 'http://status.herald.test', requestTimeoutMs: 1500 });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as Parameters<typeof operationsOf>[0];
    const operations = operationsOf(doc);
    const mismatches: string[] = [];
    let calls = 0;
    let unentitled = 0;
    let unauthorizedSuccesses = 0;
    const call = async (op: Operation, key?: string): Promise<number> => {
      calls++;
      const path = op.params.reduce((p, name) => p.replace(`{${name}}`, encodeURIComponent(paramValue(name))), op.path);
      const res = await fetch(`${base}${path}`, {
        method: op.method,
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(op.json ? { 'content-type': 'application/json' } : {}) },
        body: op.json ? '{}' : ['GET', 'HEAD'].includes(op.method) ? undefined : '',
        redirect: 'manual',
        signal: AbortSignal.timeout(10_000),
      });
      await res.body?.cancel(); // an event stream stays open; the status is the answer
      return res.status;
    };
    for (const op of operations) {
      const anonymous = await call(op);
      for (const c of callers) {
        const status = c.name === 'no key' ? anonymous : await call(op, c.key);
        const isExecutiveChange = op.method !== 'GET' && c.roles.length > 0 && c.roles.every((r) => r === 'executive');
        const entitled = op.roles ? c.roles.some((r) => op.roles!.includes(r)) && !isExecutiveChange : !isExecutiveChange;
        let expected: string;
        let ok: boolean;
        if (!op.roles) {
          expected = isExecutiveChange ? '403' : `${anonymous} (as without a key)`;
          ok = isExecutiveChange ? status === 403 : status === anonymous;
        } else if (!c.key || c.revoked) {
          expected = '401';
          ok = status === 401;
        } else if (!entitled) {
          expected = '403';
          ok = status === 403;
        } else {
          expected = 'neither 401 nor 403';
          ok = status !== 401 && status !== 403;
        }
        if (!entitled) unentitled++;
        if (!entitled && status < 400) unauthorizedSuccesses++;
        if (!ok) mismatches.push(`${op.method} ${op.path} as ${c.name}: ${status}, documented ${expected}`);
      }
    }
    return {
      scenario: 'authorization', faultsInjected: unentitled, inFlight: calls, lost: 0, duplicated: 0,
      clientErrors: unauthorizedSuccesses + mismatches.length, recoverySeconds: 0,
      details: { operations: operations.length, callers: callers.map((c) => c.name), calls, unauthorizedSuccesses, mismatches: mismatches.length },
      mismatches,
    };
  } finally {
    await new Promise((r) => server.close(r));
    await h.close();
  }
}
