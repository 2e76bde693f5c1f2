import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseKey, readBundle, signatureCheck } from '../../cli/herald-verify';
import { verifyBundle } from '../../domain/archive/bundle';
import { checkpointSinks } from '../../config/archive';
import { uniqueName } from '../support/env';
import { keys, harnessForFile } from '../support/harness';
import { declareIncident, emailBroadcastDone, waitForAudit, waitForState } from '../support/incidents';

const h = harnessForFile({ data: 'demo' });
const recordsKey = 'demo-records-key';
const root = path.join(__dirname, '..', '..');

/** Runs the real `herald-verify` bin, as an auditor would. */
function herald(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'herald-verify.mjs'), ...args], { cwd: os.tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

async function download(pathAndQuery: string, key: string): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
  const res = await fetch(`${h.baseUrl}${pathAndQuery}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

/**
 * The archive end to end through the public API on the demo data (M5.1, X5): a published
 * incident's bundle holds the email bytes Mailpit received, the real `herald-verify` passes it
 * with the published key and against the checkpoint file, and fails it, saying why, for one
 * altered byte.
 */
describe('the compliance archive and its verifier', () => {
  it('[M5.1] [X5] an incident\'s bundle holds the email as Mailpit received it, verifies offline with the published key, and one altered byte fails it', async () => {
    const id = await declareIncident(h, { id: uniqueName('AR'), title: 'Checkout errors', category: 'outage', severity: 'SEV3', components: ['api'], summary: 'Some payments fail.' });
    await waitForState(h, id, (s) => s.status === 'published');
    await emailBroadcastDone(h, id, 1);
    // The publication ends with a checkpoint: a signed tree head exists without any export.
    await waitForAudit(h, id, 'channels-delivered');

    const head = await h.request('GET', '/v1/archive/tree-head', { key: recordsKey });
    expect(head.status).toBe(200);
    expect(head.body.treeSize).toBeGreaterThan(0);

    const wellKnown = await h.request('GET', '/.well-known/herald-archive-key');
    expect(wellKnown.status).toBe(200);
    expect(wellKnown.body).toMatchObject({ algorithm: 'Ed25519', keyId: head.body.keyId });

    const bundle = await download(`/v1/incidents/${id}/archive`, keys.manager);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/^application\/x-tar/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-archive-'));
    const tarFile = path.join(dir, `${id}.tar`);
    fs.writeFileSync(tarFile, bundle.bytes);
    const keyFile = path.join(dir, 'herald-archive-key.json');
    fs.writeFileSync(keyFile, wellKnown.text);

    // The email to one recipient, as the provider took it, is byte for byte what Mailpit received.
    const files = await readBundle(tarFile);
    const manifest = JSON.parse(Buffer.from(files.get('manifest.json')!).toString());
    expect(manifest.scope).toEqual({ incidentId: id });
    const emails = manifest.records.filter((r: { kind: string }) => r.kind === 'email');
    expect(emails.length).toBeGreaterThan(0);
    expect(manifest.records.some((r: { kind: string }) => r.kind === 'status-page')).toBe(true);
    const record = JSON.parse(Buffer.from(files.get(emails[0].file)!).toString());
    const archived = Buffer.from(files.get(emails[0].body)!);
    const messageId = String(record.detail.messageId).replace(/^<|>$/g, '');
    const received = (await h.mailpit.forIncident(id)).find((m) => m.MessageID === messageId);
    expect(received).toBeDefined();
    expect(received!.To.map((t) => t.Address)).toEqual(record.detail.recipients);
    const raw = Buffer.from(await (await fetch(`${process.env.MAILPIT_API_URL}/api/v1/message/${received!.ID}/raw`)).arrayBuffer());
    // Mailpit, as every relay does (RFC 5321 §4.4), puts its trace headers in front of the message it got: after them, byte for byte, the archived bytes.
    const trace = raw.subarray(0, raw.length - archived.length).toString('latin1');
    expect(trace).toMatch(/^Return-Path: <[^>]*>\r\nReceived: [^\r]*\r\n(?:[ \t][^\r]*\r\n)*$/);
    expect(raw.subarray(raw.length - archived.length).equals(archived)).toBe(true);

    // The real bin, offline: the published key pinned, against the checkpoint file the database cannot rewrite.
    const checkpoints = checkpointSinks(h.dbName).file;
    const ok = await herald([tarFile, '--key', keyFile, '--against', checkpoints]);
    expect(ok.out).toMatch(/VERIFIED\n$/);
    expect(ok.out).not.toMatch(/FAIL/);
    expect(ok.code).toBe(0);

    // One byte of the archived email altered in the tar: exit 1, naming the file.
    const tampered = Buffer.from(bundle.bytes);
    const at = tampered.indexOf(archived) + Math.floor(archived.length / 2);
    tampered[at] ^= 0x20;
    const badFile = path.join(dir, `${id}-tampered.tar`);
    fs.writeFileSync(badFile, tampered);
    const bad = await herald([badFile, '--key', keyFile]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(`FAIL  ${emails[0].body}: its SHA-256 is not the manifest's (altered)`);
    expect(bad.out).toContain(`FAIL  ${emails[0].body}: the raw bytes do not match leaf ${record.entry.index}'s bodySha256`);
    expect(bad.out).toMatch(/NOT VERIFIED: \d+ problem\(s\)\n$/);

    // The records role reads it too; others may not; an unknown incident is a 404; bad input a 400.
    expect((await download(`/v1/incidents/${id}/archive`, recordsKey)).status).toBe(200);
    expect((await download(`/v1/incidents/${id}/archive`, keys.viewer)).status).toBe(403);
    expect((await download(`/v1/incidents/${id}/archive`, keys.responder)).status).toBe(403);
    expect((await h.request('GET', `/v1/incidents/INC-${uniqueName('none')}/archive`, { key: keys.manager })).status).toBe(404);
    expect((await h.request('GET', `/v1/incidents/${id}/archive?since=abc`, { key: keys.manager })).status).toBe(400);

    // The same records by a legal hold on the incident: a bundle of their own, verified in process.
    const hold = await h.request('POST', '/v1/legal-holds', { key: 'demo-holds-key', body: { scope: { incidentId: id }, reason: 'Audit request 2026-14', custodian: 'lee@herald.example' } });
    expect(hold.status).toBe(201);
    const held = await download(`/v1/legal-holds/${hold.body.id}/archive`, recordsKey);
    expect(held.status).toBe(200);
    fs.writeFileSync(path.join(dir, 'held.tar'), held.bytes);
    const heldVerdict = verifyBundle(await readBundle(path.join(dir, 'held.tar')), signatureCheck(parseKey(keyFile)));
    expect(heldVerdict.failures).toEqual([]);
    expect(heldVerdict.summary).toMatchObject({ scope: { holdId: hold.body.id }, records: manifest.records.length });
    expect((await download(`/v1/legal-holds/${hold.body.id}/archive`, keys.viewer)).status).toBe(403);
    expect((await h.request('GET', '/v1/legal-holds/hold-none-0/archive', { key: recordsKey })).status).toBe(404);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('[X5] inclusion and consistency proofs from the API, with their refusals', async () => {
    const latest = (await h.request('GET', '/v1/archive/tree-head', { key: keys.manager })).body;
    const byKey = await h.request('GET', `/v1/archive/inclusion?index=0`, { key: recordsKey });
    expect(byKey.status).toBe(200);
    expect(byKey.body).toMatchObject({ index: 0, treeHead: { treeSize: latest.treeSize } });
    const same = await h.request('GET', `/v1/archive/inclusion?key=${encodeURIComponent(byKey.body.entry.key)}`, { key: keys.manager });
    expect(same.body.proof).toEqual(byKey.body.proof);
    const consistency = await h.request('GET', `/v1/archive/consistency?first=${latest.treeSize}`, { key: keys.manager });
    expect(consistency.status).toBe(200);
    expect(consistency.body).toMatchObject({ first: latest, second: latest, proof: [] });

    expect((await h.request('GET', '/v1/archive/inclusion', { key: keys.manager })).status).toBe(400);
    expect((await h.request('GET', '/v1/archive/inclusion?index=99999999', { key: keys.manager })).status).toBe(404);
    expect((await h.request('GET', '/v1/archive/inclusion?index=0&treeSize=99999999', { key: keys.manager })).status).toBe(404);
    expect((await h.request('GET', '/v1/archive/consistency?first=0', { key: keys.manager })).status).toBe(400);
    expect((await h.request('GET', `/v1/archive/consistency?first=${latest.treeSize + 1}`, { key: keys.manager })).status).toBe(409);
    expect((await h.request('GET', '/v1/archive/tree-head', { key: keys.viewer })).status).toBe(403);
  });

  it('[M5.1] legal holds are placed and released by the holds role alone, with scope, reason and custodian', async () => {
    const holdsKey = 'demo-holds-key';
    const incidentId = `INC-${uniqueName('held')}`;
    const body = { scope: { incidentId }, reason: 'Litigation: Initech v. Herald', custodian: 'lee@herald.example' };
    const placed = await h.request('POST', '/v1/legal-holds', { key: holdsKey, body });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ ...body, id: expect.stringMatching(/^hold-/), placedBy: 'Harper Holds' });
    const holdId = placed.body.id as string;
    expect((await h.store.models.LegalHold.findById(holdId).lean())?.scope).toEqual({ incidentId });

    for (const key of [recordsKey, keys.manager]) {
      const list = await h.request('GET', '/v1/legal-holds', { key });
      expect(list.status).toBe(200);
      expect(list.body.holds.map((x: { id: string }) => x.id)).toContain(holdId);
    }
    // Only the holds role places or releases one; a scope that names nothing, or an empty range, is refused.
    expect((await h.request('POST', '/v1/legal-holds', { key: keys.manager, body })).status).toBe(403);
    expect((await h.request('POST', '/v1/legal-holds', { key: recordsKey, body })).status).toBe(403);
    expect((await h.request('POST', '/v1/legal-holds', { key: holdsKey, body: { ...body, scope: {} } })).status).toBe(400);
    const backwards = { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' };
    expect((await h.request('POST', '/v1/legal-holds', { key: holdsKey, body: { ...body, scope: backwards } })).status).toBe(400);
    expect((await h.request('POST', `/v1/legal-holds/${holdId}/release`, { key: keys.manager })).status).toBe(403);

    const released = await h.request('POST', `/v1/legal-holds/${holdId}/release`, { key: holdsKey });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ id: holdId, releasedBy: 'Harper Holds', releasedAt: expect.any(String) });
    expect((await h.request('POST', `/v1/legal-holds/${holdId}/release`, { key: holdsKey })).status).toBe(409);
    expect((await h.request('POST', '/v1/legal-holds/hold-none-0/release', { key: holdsKey })).status).toBe(404);
    const active = await h.request('GET', '/v1/legal-holds', { key: holdsKey });
    expect(active.body.holds.map((x: { id: string }) => x.id)).not.toContain(holdId);
    const all = await h.request('GET', '/v1/legal-holds?all=true', { key: holdsKey });
    expect(all.body.holds.map((x: { id: string }) => x.id)).toContain(holdId);
  });
});
