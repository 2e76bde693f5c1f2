import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseKey, readBundle, signatureCheck } from '../../cli/herald-verify';
import { verifyBundle } from '../../domain/archive/bundle';
import { checkpointSinks } from '../../config/archive';
import { uniqueName } from '../support/env';
import { keys, harnessForFile } from '../support/harness';
import { declareIncident, emailBroadcastDone, signAll, waitForAudit, waitForState } from '../support/incidents';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../domain/audit/canonical-json';
import { bytesToHex, entryLeafHash, type LogEntry } from '../../domain/archive/entries';
import { parseWitnessedHead } from '../../domain/archive/witness';
import type { ReceivedDemoWebhook } from '../../stack/demo-receiver';
import { waitFor } from '../support/wait';

// A witness of the log (X5): every tree head this file's harness signs is emailed to it, and lands in Mailpit.
const witness = `witness-${uniqueName('w')}@witness.test`;
process.env.HERALD_ARCHIVE_WITNESS_EMAILS = witness;

const h = harnessForFile({ data: 'demo' });
const recordsKey = 'demo-records-key';
const startedAt = new Date().toISOString();
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

  it('[M5.1] every channel is archived as sent: the webhook body and headers byte for byte as the receiver got them, the page entry as the status API shows it, the in-app notice as served, each with the gate\'s verdict and the approvals bound to the version', async () => {
    // SEV1 on the API: approvals are needed; Acme, Stark and Tyrell (among others) get webhooks, Gringotts reads in-app notices.
    const id = await declareIncident(h, { id: uniqueName('AW'), title: 'API outage', category: 'outage', severity: 'SEV1', components: ['api'], summary: 'API requests fail.' });
    await signAll(h, id, 1);
    await waitForState(h, id, (s) => s.status === 'published');
    await waitForAudit(h, id, 'channels-delivered');
    const approved = (await h.store.models.AuditRecord.find({ incidentId: id, step: 'approved' }).sort({ seq: 1 }).lean())
      .map((r) => ({ approver: r.actor, role: r.details.role, hash: r.details.hash, at: r.at, audit: `${id}#${r.seq}` }));
    expect(approved.length).toBeGreaterThan(0);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-archive-'));
    const bundle = await download(`/v1/incidents/${id}/archive`, recordsKey);
    expect(bundle.status).toBe(200);
    fs.writeFileSync(path.join(dir, 'b.tar'), bundle.bytes);
    const files = await readBundle(path.join(dir, 'b.tar'));
    const manifest = JSON.parse(Buffer.from(files.get('manifest.json')!).toString());
    const of = (kind: string) => manifest.records.filter((r: { kind: string }) => r.kind === kind)
      .map((m: { file: string; body?: string }) => ({ ...JSON.parse(Buffer.from(files.get(m.file)!).toString()), raw: m.body ? Buffer.from(files.get(m.body)!) : undefined }));

    // Webhooks: per delivery, the bytes and every header the receiver verified, the signature's included.
    const hooks = of('webhook');
    expect(hooks.map((r: any) => r.detail.customerId)).toEqual(expect.arrayContaining(['acme', 'stark', 'tyrell']));
    for (const r of hooks) {
      const got = await waitFor(async () => {
        const res = await fetch(`${h.demoHooks!.url}/hooks/${r.detail.customerId}`);
        return ((await res.json()) as { received: ReceivedDemoWebhook[] }).received.find((x) => x.webhookId === r.detail.webhookId);
      }, (x) => x !== undefined, `the webhook to ${r.detail.customerId}`);
      expect(r.raw.equals(Buffer.from(got!.body))).toBe(true);
      expect(Object.fromEntries(Object.entries(r.detail.headers as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]))).toEqual(got!.headers);
      expect(got!.headers['webhook-signature']).toMatch(/^v1,/);
      expect(r.detail).toMatchObject({ method: 'POST', url: `${h.demoHooks!.url}/hooks/${r.detail.customerId}`, attempt: 1, gate: { allowed: true }, approvals: approved, outcome: { status: 'delivered', httpStatus: 204 } });
      expect(r.entry).toMatchObject({ kind: 'webhook', version: 1, channel: 'webhook', locale: JSON.parse(got!.body).data.locale, customerIds: [r.detail.customerId] });
    }

    // The page entry, as the status API shows version 1.
    const status = await h.request('GET', '/v1/status', { key: keys.viewer });
    const shown = status.body.activeIncidents.find((i: { id: string }) => i.id === id);
    const update = shown.updates.find((u: { version: number }) => u.version === 1);
    const page = of('status-page').find((r: any) => r.entry.locale === 'en');
    expect(page.raw.toString()).toBe(canonicalJson({ incidentId: id, version: 1, title: shown.title, phase: update.phase, subject: update.subject, body: update.body, publishedAt: update.publishedAt }));
    expect(page.detail).toMatchObject({ gate: { allowed: true, redacted: [] }, approvals: approved, audience: 'public' });

    // The in-app notice, as Gringotts reads it (its own `via` and `active` aside).
    const notices = await h.request('GET', '/v1/customers/gringotts/notices', { key: keys.viewer });
    const { via: _via, active: _active, ...notice } = notices.body.notices.find((n: { incidentId: string; version: number }) => n.incidentId === id && n.version === 1);
    const [inApp] = of('in-app');
    expect(inApp.raw.toString()).toBe(canonicalJson(notice));
    expect(inApp.detail).toMatchObject({ recipients: expect.arrayContaining(['gringotts']), gate: { allowed: true }, approvals: approved, outcome: { status: 'readable' } });

    // The email records carry the gate's verdict and the approvals too.
    const emails = of('email');
    expect(emails.length).toBeGreaterThan(0);
    for (const e of emails) expect(e.detail).toMatchObject({ gate: { allowed: true, redacted: [] }, approvals: approved });
    // And the version's email recipient set, frozen with the broadcast plan, with the audience query that produced it.
    const [plan] = of('publication');
    const sentTo = emails.flatMap((e: any) => e.detail.recipients as string[]).sort();
    expect(plan.detail).toMatchObject({ recipients: sentTo, approvals: approved });
    expect(JSON.parse(plan.raw.toString()).map((r: { email: string }) => r.email).sort()).toEqual(sentTo);
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

  it('[M5.1] [X5] a time range of the log exports as a bundle herald-verify passes, gaps included in its checks; a hold within it; bad ranges refused', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-range-'));
    const keyFile = path.join(dir, 'key.json');
    fs.writeFileSync(keyFile, (await h.request('GET', '/.well-known/herald-archive-key')).text);
    const range = await download(`/v1/archive/export?from=${encodeURIComponent(startedAt)}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, recordsKey);
    expect(range.status).toBe(200);
    expect(range.headers.get('content-type')).toMatch(/^application\/x-tar/);
    fs.writeFileSync(path.join(dir, 'range.tar'), range.bytes);
    const ok = await herald([path.join(dir, 'range.tar'), '--key', keyFile]);
    expect(ok.out).toMatch(/archive appended from .* until .*: \d+ records/);
    expect(ok.out).toMatch(/VERIFIED\n$/);
    expect(ok.code).toBe(0);
    const files = await readBundle(path.join(dir, 'range.tar'));
    const manifest = JSON.parse(Buffer.from(files.get('manifest.json')!).toString());
    expect(manifest.records.length).toBe(Number(range.headers.get('x-herald-records')));
    expect(manifest.records.map((r: { index: number }) => r.index)).toEqual(manifest.records.map((_: unknown, i: number) => manifest.records[0].index + i));

    // A hold's records within the range, for the records and manager roles.
    const holds = (await h.request('GET', '/v1/legal-holds?all=true', { key: keys.manager })).body.holds as { id: string }[];
    const held = await download(`/v1/archive/export?hold=${holds[0].id}&from=${encodeURIComponent(startedAt)}`, keys.manager);
    expect(held.status).toBe(200);
    fs.writeFileSync(path.join(dir, 'held.tar'), held.bytes);
    expect(verifyBundle(await readBundle(path.join(dir, 'held.tar')), signatureCheck(parseKey(keyFile))).failures).toEqual([]);

    expect((await h.request('GET', '/v1/archive/export', { key: recordsKey })).status).toBe(400);
    expect((await h.request('GET', '/v1/archive/export?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', { key: recordsKey })).status).toBe(400);
    expect((await h.request('GET', '/v1/archive/export?from=yesterday', { key: recordsKey })).status).toBe(400);
    expect((await h.request('GET', '/v1/archive/export?hold=hold-none-0', { key: recordsKey })).status).toBe(404);
    expect((await h.request('GET', `/v1/archive/export?from=${encodeURIComponent(startedAt)}`, { key: keys.viewer })).status).toBe(403);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // Last in the file: it witnesses the log the tests above wrote (their incidents' records), then rewrites it.
  it('[X5] a witness gets each signed tree head by email (in Mailpit); herald-verify accepts a bundle against the witnessed head and catches a log rewritten after it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-witness-'));
    const keyFile = path.join(dir, 'key.json');
    fs.writeFileSync(keyFile, (await h.request('GET', '/.well-known/herald-archive-key')).text);
    const head = (await h.request('GET', '/v1/archive/tree-head', { key: recordsKey })).body;
    const [mail] = await waitFor(
      async () => (await h.mailpit.search(`to:"${witness}"`)).filter((m) => m.Subject.endsWith(`signed tree head of size ${head.treeSize}`)),
      (m) => m.length > 0, `the witness email of tree size ${head.treeSize}`,
    );
    const raw = Buffer.from(await (await fetch(`${process.env.MAILPIT_API_URL}/api/v1/message/${mail.ID}/raw`)).arrayBuffer());
    const witnessed = path.join(dir, 'witnessed.eml');
    fs.writeFileSync(witnessed, raw);
    // What the witness holds is the signed head itself.
    expect(parseWitnessedHead(raw.toString())).toEqual(head);

    const fresh = await download(`/v1/archive/export?from=${encodeURIComponent(startedAt)}&since=${head.treeSize}`, recordsKey);
    fs.writeFileSync(path.join(dir, 'fresh.tar'), fresh.bytes);
    const ok = await herald([path.join(dir, 'fresh.tar'), '--key', keyFile, '--against', witnessed]);
    expect(ok.out).toContain(`ok    consistent with the tree head given (size ${head.treeSize})`);
    expect(ok.code).toBe(0);

    // Someone with the database rewrites an email of the witnessed log, recomputes its leaf, and removes
    // every signed head Herald kept (the database's and the checkpoint file) so it signs the new log.
    const models = h.store.models;
    const victim = (await models.ArchiveRecord.findOne({ kind: 'email', index: { $lt: head.treeSize } }).lean())!;
    const forged = Buffer.from(Buffer.from(victim.body!, 'base64').toString('latin1').replace(/Subject: /, 'Subject: [edited] '), 'latin1');
    const leaf = (await models.LogLeaf.findById(victim.index).lean())!;
    const entry = { ...(leaf.entry as LogEntry), bodySha256: createHash('sha256').update(forged).digest('hex') };
    await models.ArchiveRecord.updateOne({ _id: victim._id }, { $set: { body: forged.toString('base64'), bodySha256: entry.bodySha256 } });
    await models.LogLeaf.updateOne({ _id: victim.index }, { $set: { entry, hash: bytesToHex(entryLeafHash(entry)) } });
    await models.TreeHead.deleteMany({});
    fs.rmSync(checkpointSinks(h.dbName).file, { force: true });

    const rewritten = await download(`/v1/archive/export?from=${encodeURIComponent(startedAt)}`, recordsKey);
    expect(rewritten.status).toBe(200);
    fs.writeFileSync(path.join(dir, 'rewritten.tar'), rewritten.bytes);
    // On its own the rewritten bundle is consistent with itself: only the witness's head shows the rewrite.
    expect((await herald([path.join(dir, 'rewritten.tar'), '--key', keyFile])).code).toBe(0);
    const caught = await herald([path.join(dir, 'rewritten.tar'), '--key', keyFile, '--against', witnessed]);
    expect(caught.code).toBe(1);
    expect(caught.out).toMatch(/FAIL {2}--against: /);
    expect(caught.out).toMatch(/NOT VERIFIED: 1 problem\(s\)\n$/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
