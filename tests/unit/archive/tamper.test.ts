import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';
import { nodeSha256, signatureCheck } from '../../../cli/herald-verify';
import { devArchiveSigningKey, signerFromPem } from '../../../config/archive';
import { bundleFiles, manifestMessage, verifyBundle, type BundleFiles, type BundleRecord, type Manifest } from '../../../domain/archive/bundle';
import { entryLeafHash, treeHeadMessage, type LogEntry, type SignedTreeHead } from '../../../domain/archive/entries';
import { consistencyProof, inclusionProver, rootOf } from '../../../domain/archive/merkle';
import { canonicalJson } from '../../../domain/audit/canonical-json';
import { seededRandom } from '../../support/random';

/**
 * The tamper test of issue 14 (X5): a generated archive, its incident bundle, and for 100 randomly
 * chosen single records each of four attacks; the verifier, with the published key pinned, must
 * catch every one.
 */

const signer = signerFromPem(devArchiveSigningKey);
const pinned = signatureCheck(signer.publicKey);
const incidentId = 'INC-TAMPER-1';
const logSize = 128;

const signWith = (key: KeyObject, m: Uint8Array) => sign(null, m, key).toString('base64');
const signHead = (key: KeyObject, keyId: string, h: Omit<SignedTreeHead, 'signature' | 'keyId'>): SignedTreeHead => ({ ...h, keyId, signature: signWith(key, treeHeadMessage(h)) });
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Archive {
  entries: LogEntry[];
  bodies: Uint8Array[];
  details: Record<string, unknown>[];
}

/** A log of 128 leaves, most of them one incident's email and status-page records, a few another's. */
function generateArchive(next: () => number): Archive {
  const entries: LogEntry[] = [];
  const bodies: Uint8Array[] = [];
  const details: Record<string, unknown>[] = [];
  let seq = 0;
  for (let index = 0; index < logSize; index++) {
    const ours = index % 8 !== 3;
    const body = new TextEncoder().encode(`Message-ID: <${index}@herald.test>\r\nSubject: Checkout errors (${index})\r\n\r\nSome payments fail. ${Math.floor(next() * 1e9)}\r\n`);
    const detail = { recipients: [`r${index}@customer.test`], outcome: { status: 'accepted' } };
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString();
    entries.push({
      v: 1, index, kind: index % 5 === 0 ? 'status-page' : 'email', key: `email:${ours ? incidentId : 'INC-OTHER'}|v1|${index}`,
      incidentId: ours ? incidentId : 'INC-OTHER', incidentSeq: ours ? seq++ : Math.floor(index / 8), version: 1, channel: 'email', locale: 'en',
      recordedAt: at, loggedAt: at, bodySha256: sha(body), detailSha256: bytesToHex(sha256(new TextEncoder().encode(canonicalJson(detail)))),
    });
    bodies.push(body);
    details.push(detail);
  }
  return { entries, bodies, details };
}

/** The incident's bundle of an archive, signed with `key` (the log's own unless an attacker's). */
function bundleOf(a: Archive, key: { privateKey: KeyObject; keyId: string; publicPem: string } = signer): BundleFiles {
  const hashes = a.entries.map(entryLeafHash);
  const head = signHead(key.privateKey, key.keyId, { treeSize: hashes.length, rootHash: bytesToHex(rootOf(hashes)), timestamp: '2026-01-01T01:00:00.000Z' });
  const earlier = signHead(key.privateKey, key.keyId, { treeSize: 64, rootHash: bytesToHex(rootOf(hashes.slice(0, 64))), timestamp: '2026-01-01T00:30:00.000Z' });
  const prove = inclusionProver(hashes);
  const records: BundleRecord[] = a.entries.flatMap((entry, i) => (entry.incidentId === incidentId
    ? [{ entry, proof: prove(i).map(bytesToHex), contentType: 'message/rfc822', detail: a.details[i], body: a.bodies[i] }]
    : []));
  return bundleFiles(
    { scope: { incidentId }, exportedAt: '2026-01-01T01:00:00.000Z', treeHead: head, publicKeyPem: key.publicPem, records, consistency: [{ from: earlier, proof: consistencyProof(hashes, 64).map(bytesToHex) }] },
    (m) => signWith(key.privateKey, m),
  );
}

const manifestOf = (files: BundleFiles) => JSON.parse(new TextDecoder().decode(files.get('manifest.json'))) as Manifest;
const json = (v: unknown) => new TextEncoder().encode(`${JSON.stringify(v, null, 2)}\n`);

/** An attacker without the key rewrites the manifest to match the files; its signature stays the old one. */
function relist(files: BundleFiles, edit: (m: Manifest) => void = () => undefined): void {
  const m = manifestOf(files);
  edit(m);
  m.files = Object.fromEntries([...files].filter(([n]) => n !== 'manifest.json' && n !== 'manifest.sig').map(([n, b]) => [n, sha(b)]));
  files.set('manifest.json', json(m));
}

const attacks: Record<string, (a: Archive, files: BundleFiles, record: number, next: () => number) => void> = {
  'an altered byte': (_a, files, record, next) => {
    const name = manifestOf(files).records[record].body!;
    const bytes = Uint8Array.from(files.get(name)!);
    bytes[Math.floor(next() * bytes.length)] ^= 1 + Math.floor(next() * 255);
    files.set(name, bytes);
  },
  'a removed record': (_a, files, record) => {
    const r = manifestOf(files).records[record];
    files.delete(r.file);
    files.delete(r.body!);
    relist(files, (m) => m.records.splice(record, 1));
  },
  'a reordered pair': (_a, files, record) => {
    const m = manifestOf(files);
    const other = record + 1 < m.records.length ? record + 1 : record - 1;
    const [x, y] = [m.records[record], m.records[other]];
    const rx = JSON.parse(new TextDecoder().decode(files.get(x.file))) as { entry: LogEntry; leafHash: string };
    const ry = JSON.parse(new TextDecoder().decode(files.get(y.file))) as { entry: LogEntry; leafHash: string };
    // Each record's words under the other's position, indexes and leaf hashes made to match.
    const bx = files.get(x.body!)!;
    files.set(x.body!, files.get(y.body!)!);
    files.set(y.body!, bx);
    const ex = { ...ry.entry, index: x.index, incidentSeq: rx.entry.incidentSeq };
    const ey = { ...rx.entry, index: y.index, incidentSeq: ry.entry.incidentSeq };
    files.set(x.file, json({ ...ry, entry: ex, leafHash: bytesToHex(entryLeafHash(ex)), proof: (rx as unknown as { proof: string[] }).proof }));
    files.set(y.file, json({ ...rx, entry: ey, leafHash: bytesToHex(entryLeafHash(ey)), proof: (ry as unknown as { proof: string[] }).proof }));
    relist(files, (mm) => {
      mm.records[record].leafHash = bytesToHex(entryLeafHash(ex));
      mm.records[other].leafHash = bytesToHex(entryLeafHash(ey));
    });
  },
  'a rewritten record with every later hash recomputed': (a, files, record) => {
    // The attacker rewrites the record's words and rebuilds the log, every proof and the tree head
    // from the new leaf on; without the log's key, he signs with one of his own.
    const index = manifestOf(files).records[record].index;
    const forged: Archive = { entries: [...a.entries], bodies: [...a.bodies], details: a.details };
    forged.bodies[index] = new TextEncoder().encode(new TextDecoder().decode(a.bodies[index]).replace('Some payments fail.', 'Nothing failed.   '));
    forged.entries[index] = { ...a.entries[index], bodySha256: sha(forged.bodies[index]) };
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const keyId = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
    const rebuilt = bundleOf(forged, { privateKey, keyId, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    files.clear();
    for (const [n, b] of rebuilt) files.set(n, b);
  },
};

describe('[X5] the archive verifier against tampering', () => {
  const { seed, next } = seededRandom();
  const archive = generateArchive(next);
  const fresh = bundleOf(archive);
  const recordCount = manifestOf(fresh).records.length;

  it('[X5] verifies a fresh bundle with the published key pinned', () => {
    const v = verifyBundle(fresh, pinned);
    expect(v.failures).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.summary).toMatchObject({ records: recordCount, treeSize: logSize });
    expect(v.passed).toContain('consistency with 1 earlier tree head(s)');
  });

  // 100 distinct records of the incident's bundle, chosen by the seed.
  const chosen = [...Array(recordCount).keys()].map((i) => ({ i, r: next() })).sort((x, y) => x.r - y.r).slice(0, 100).map((x) => x.i);

  for (const [kind, attack] of Object.entries(attacks)) {
    it(`[X5] catches ${kind} in 100 of 100 randomly chosen records (seed ${seed})`, () => {
      let detected = 0;
      const missed: number[] = [];
      for (const record of chosen) {
        const files: BundleFiles = new Map(fresh);
        attack(archive, files, record, next);
        const v = verifyBundle(files, pinned, { digest: nodeSha256 });
        if (!v.ok && v.failures.length) detected++;
        else missed.push(record);
      }
      expect(missed).toEqual([]);
      expect(detected).toBe(100);
    });
  }

  it('[X5] checks consistency with an earlier tree head the auditor holds, and catches a rewritten log', () => {
    const earlier = manifestOf(fresh).treeHead;
    expect(verifyBundle(fresh, pinned, { against: earlier }).ok).toBe(true);
    const hashes = archive.entries.map(entryLeafHash);
    const held = signHead(signer.privateKey, signer.keyId, { treeSize: 64, rootHash: bytesToHex(rootOf(hashes.slice(0, 64))), timestamp: '2026-01-01T00:30:00.000Z' });
    expect(verifyBundle(fresh, pinned, { against: held }).ok).toBe(true);
    // The auditor's head of size 64 has another root: the log was rewritten since.
    const other = signHead(signer.privateKey, signer.keyId, { ...held, rootHash: bytesToHex(rootOf(hashes.slice(1, 65))) });
    const v = verifyBundle(fresh, pinned, { against: other });
    expect(v.ok).toBe(false);
    expect(v.failures.join('\n')).toMatch(/the log was rewritten/);
    // A head of a size the bundle carries no proof from is named, with the fix.
    const unproved = signHead(signer.privateKey, signer.keyId, { treeSize: 100, rootHash: bytesToHex(rootOf(hashes.slice(0, 100))), timestamp: '2026-01-01T00:40:00.000Z' });
    expect(verifyBundle(fresh, pinned, { against: unproved }).failures.join('\n')).toMatch(/\?since=100/);
  });

  it('[X5] a signature over a tree head never passes for the manifest', () => {
    const m = manifestOf(fresh);
    expect(pinned.verify(manifestMessage(fresh.get('manifest.json')!), m.treeHead.signature)).toBe(false);
  });
});
