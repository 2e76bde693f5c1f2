import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { ChainedAuditRecord, ChainVerdict } from '../../domain/audit';
import { workflowIdFor } from '../../domain/incident';
import { startFerretDB, type FerretDBServer } from '../../stack/servers';
import { uniqueName } from '../../tests/support/env';
import { keys, startHarness, type Harness } from '../../tests/support/harness';
import { declareIncident } from '../../tests/support/incidents';
import { waitFor, workflowIdle } from '../../tests/support/wait';
import { seconds, type FaultMode, type FaultResult } from '../support/result';

const sizes = { quick: { outageMs: 8_000, incidents: 2 }, full: { outageMs: 60_000, incidents: 5 } };
/** The API's request timeout in this scenario: an answer later than this (plus a grace) is a hang. */
const requestTimeoutMs = 20_000;
const hangAfterMs = requestTimeoutMs + 5_000;

/** The requests a client keeps making while the store is down: store reads, a store write, a workflow read, the public status API. */
function traffic(ids: string[], n: number): { method: string; path: string; key?: string; body?: unknown } {
  const id = ids[n % ids.length];
  switch (n % 5) {
    case 0: return { method: 'GET', path: '/v1/incidents', key: keys.viewer };
    case 1: return { method: 'GET', path: `/v1/incidents/${id}/audit`, key: keys.manager };
    case 2: return { method: 'POST', path: '/v1/incidents', key: keys.responder, body: { title: 'Store outage probe', category: 'outage', severity: 'SEV3', components: ['api'], summary: 'Probe.' } };
    case 3: return { method: 'GET', path: `/v1/incidents/${id}`, key: keys.viewer };
    default: return { method: 'GET', path: '/api/v2/incidents.json' };
  }
}

interface Answers {
  requests: number;
  ok: number;
  /** 503 with Retry-After: the store is down, the client knows to come back. */
  unavailable: number;
  /** Anything else at 5xx, a 503 without Retry-After, or no answer within the request timeout. */
  bad: { path: string; status: number | 'hang'; retryAfter?: string | null; message?: string }[];
  declaredDuringOutage: string[];
}

/** Clients at `lanes` requests in flight, until `stop` resolves. */
async function driveTraffic(h: Harness, ids: string[], stop: Promise<void>, lanes = 3): Promise<Answers> {
  const a: Answers = { requests: 0, ok: 0, unavailable: 0, bad: [], declaredDuringOutage: [] };
  let stopped = false;
  void stop.then(() => (stopped = true));
  let n = 0;
  const lane = async () => {
    while (!stopped) {
      const r = traffic(ids, n++);
      a.requests++;
      const res = await fetch(`${h.baseUrl}${r.path}`, {
        method: r.method,
        headers: { ...(r.key ? { authorization: `Bearer ${r.key}` } : {}), ...(r.body ? { 'content-type': 'application/json' } : {}) },
        body: r.body ? JSON.stringify(r.body) : undefined,
        signal: AbortSignal.timeout(hangAfterMs),
      }).catch(() => undefined);
      if (!res) {
        a.bad.push({ path: r.path, status: 'hang' });
        continue;
      }
      const body = (await res.json().catch(() => ({}))) as { message?: string; incidentId?: string };
      if (res.status === 503 && res.headers.get('retry-after')) a.unavailable++;
      else if (res.status >= 500) a.bad.push({ path: r.path, status: res.status, retryAfter: res.headers.get('retry-after'), message: body.message });
      else {
        a.ok++;
        if (res.status === 201 && body.incidentId) a.declaredDuringOutage.push(body.incidentId);
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return a;
}

/** The (seq, hash) of every audit record the workflow wrote: the results of its recordAudit local activities, from its history. */
async function auditWrittenByWorkflow(h: Harness, id: string): Promise<Map<number, string>> {
  const history = await h.client.workflow.getHandle(workflowIdFor(id)).fetchHistory();
  const out = new Map<number, string>();
  for (const e of history.events ?? []) {
    const m = e.markerRecordedEventAttributes;
    if (m?.markerName !== 'core_local_activity') continue;
    const data = defaultPayloadConverter.fromPayload<{ activity_type: string }>(m.details!.data!.payloads![0] as Payload);
    const result = m.details?.result?.payloads?.[0];
    if (data.activity_type !== 'recordAudit' || !result) continue;
    const r = defaultPayloadConverter.fromPayload<{ seq: number; hash: string }>(result as Payload);
    out.set(r.seq, r.hash);
  }
  return out;
}

/**
 * Store outage: a private FerretDB (its SQLite directory kept) is stopped while incidents publish
 * and clients keep calling the API, and started again on the same port after `outageMs`. The API
 * must answer 503 with Retry-After (never another 5xx, never a hang past its timeout); the
 * workflow's activities retry and finish once the store is back; every audit record the workflow
 * wrote is in the store exactly once and each chain verifies; each subscriber gets each incident's
 * email once. Faults: the outage. In flight: the incidents publishing and the requests made.
 */
export async function storeOutageScenario(mode: FaultMode): Promise<FaultResult> {
  const size = sizes[mode];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-store-outage-'));
  const binary = process.env.FERRETDB_PATH;
  if (!binary) throw new Error('FERRETDB_PATH is not set: run with npm test or npm run faults (they start the stack)');
  let store: FerretDBServer = await startFerretDB({ binary, dir: path.join(dir, 'ferretdb'), logDir: dir });
  const port = Number(new URL(store.uri).port);
  const h = await startHarness({ mongoUri: store.uri, requestTimeoutMs });
  try {
    const ids: string[] = [];
    for (let i = 0; i < size.incidents; i++) {
      ids.push(await declareIncident(h, { id: uniqueName('INC-STORE'), title: `Checkout errors ${i + 1}`, category: 'outage', severity: 'SEV3', components: ['api'], summary: 'Some checkouts fail.' }));
    }
    // Down while the incidents draft, audit and publish.
    await store.stop();
    const outageStart = Date.now();
    let storeBack!: () => void;
    const back = new Promise<void>((resolve) => (storeBack = resolve));
    const answers = driveTraffic(h, ids, back);
    await new Promise((r) => setTimeout(r, size.outageMs));
    store = await startFerretDB({ binary, dir: path.join(dir, 'ferretdb'), logDir: dir, port });
    const backAt = Date.now();
    storeBack();
    const a = await answers;

    // The API reads the store again.
    await waitFor(() => h.request('GET', '/v1/incidents', { key: keys.viewer }), (r) => r.status === 200, 'the incident list after the outage', { timeoutMs: 120_000 });
    const apiRecoverySeconds = seconds(Date.now() - backAt);

    // The work goes on: every incident's email broadcast returns, then nothing is left in flight.
    const all = [...ids, ...a.declaredDuringOutage];
    for (const id of all) {
      await waitFor(() => h.store.models.AuditRecord.find({ incidentId: id, step: 'published', 'details.channel': 'email' }).lean(), (r) => r.length > 0, `the email broadcast of ${id}`, { timeoutMs: 180_000 });
    }
    const recoverySeconds = seconds(Date.now() - backAt);
    await Promise.all(all.map((id) => workflowIdle(h.client.workflow.getHandle(workflowIdFor(id)))));

    let lost = 0;
    let duplicated = 0;
    let auditRecords = 0;
    const broken: { id: string; verdict: ChainVerdict }[] = [];
    let emailsLost = 0;
    let emailsDuplicated = 0;
    for (const id of all) {
      const res = await h.request('GET', `/v1/incidents/${id}/audit`, { key: keys.manager });
      const records = res.body.records as ChainedAuditRecord[];
      const verdict = res.body.verdict as ChainVerdict;
      if (!verdict.valid) broken.push({ id, verdict });
      const written = await auditWrittenByWorkflow(h, id);
      auditRecords += written.size;
      const stored = new Map(records.map((r) => [r.seq, r.hash]));
      for (const [seq, hash] of written) if (stored.get(seq) !== hash) lost++;
      // A record the workflow did not write (a second copy of a step, at another position) is a duplicate.
      duplicated += records.filter((r) => written.get(r.seq) !== r.hash).length;
      const mails = (await h.mailpit.forIncident(id)).filter((m) => h.fixtures.apiSubscribers.includes(m.To[0]?.Address));
      const resent = await h.store.models.DeliveryReceipt.countDocuments({ incidentId: id, outcome: 'in-doubt-resent' });
      let extra = 0;
      for (const to of h.fixtures.apiSubscribers) {
        const got = mails.filter((m) => m.To[0].Address === to).length;
        if (!got) emailsLost++;
        extra += Math.max(0, got - 1);
      }
      // A resend of a delivery in doubt carries the first copy's Message-ID and is recorded: allowed.
      emailsDuplicated += Math.max(0, extra - resent);
    }
    const hangs = a.bad.filter((b) => b.status === 'hang').length;
    return {
      scenario: 'store-outage', faultsInjected: 1, inFlight: all.length + a.requests, lost: lost + emailsLost, duplicated: duplicated + emailsDuplicated,
      clientErrors: a.bad.length + broken.length, recoverySeconds,
      details: {
        outageSeconds: seconds(backAt - outageStart), incidents: all.length, declaredDuringOutage: a.declaredDuringOutage.length,
        requests: a.requests, answered2xx4xx: a.ok, answered503WithRetryAfter: a.unavailable, hangs, badAnswers: a.bad.slice(0, 10),
        auditRecords, auditLost: lost, auditDuplicated: duplicated, chainsBroken: broken,
        emails: all.length * h.fixtures.apiSubscribers.length, emailsLost, emailsDuplicated, apiRecoverySeconds,
      },
    };
  } finally {
    await h.close();
    await store.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
