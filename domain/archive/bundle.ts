import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils';
import { canonicalJson } from '../audit/canonical-json';
import { entryLeafHash, treeHeadMessage, type LogEntry, type SignedTreeHead } from './entries';
import { verifyConsistency, verifyInclusion } from './merkle';

/**
 * The archive bundle (M5.1, X5): what `GET /v1/incidents/:id/archive` streams as a tar and
 * `herald-verify` checks offline. Files:
 *
 *   manifest.json          what the bundle holds: scope, the tree head, each record's leaf, every file's SHA-256
 *   manifest.sig           Ed25519 over manifestMessage(manifest.json), by the log's key
 *   tree-head.json         the signed tree head every proof leads to
 *   public-key.pem         the key that signed (pin the published one with --key)
 *   records/<index>.json   the leaf's entry, its inclusion proof, the record's detail
 *   raw/<index>.<ext>      the bytes as sent (absent once retention deleted them: a tombstone says so)
 *   consistency/<size>.json  a signed earlier tree head and the proof that the bundle's head extends it
 *
 * Pure: signing and signature checks are injected (node:crypto lives in store/ and cli/).
 */

export const bundleFormat = 'herald-archive-bundle/1';

export interface BundleRecord {
  entry: LogEntry;
  /** Inclusion proof (hex) of the leaf in the bundle's tree head. */
  proof: string[];
  contentType?: string;
  detail?: Record<string, unknown>;
  body?: Uint8Array;
}

/** What a bundle holds: one incident's records, what a legal hold covers, or what the log appended in a time range (of a hold's, with holdId). */
export interface BundleScope {
  incidentId?: string;
  holdId?: string;
  /** ISO: leaves the log appended at or after it. */
  from?: string;
  /** ISO: leaves the log appended before it. */
  to?: string;
}

/** A scope in words, for the verifier's report. */
export function scopeWords(s: BundleScope): string {
  const range = s.from || s.to ? `appended ${s.from ? `from ${s.from}` : ''}${s.from && s.to ? ' ' : ''}${s.to ? `until ${s.to}` : ''}` : '';
  const what = s.incidentId !== undefined ? `incident ${s.incidentId}` : s.holdId !== undefined ? `legal hold ${s.holdId}` : 'archive';
  return range ? `${what} ${range}` : what;
}

export interface BundleInput {
  scope: BundleScope;
  exportedAt: string;
  treeHead: SignedTreeHead;
  publicKeyPem: string;
  /** In log order. */
  records: BundleRecord[];
  consistency: { from: SignedTreeHead; proof: string[] }[];
}

export interface ManifestRecord {
  index: number;
  key: string;
  kind: string;
  leafHash: string;
  file: string;
  body?: string;
}

export interface Manifest {
  format: typeof bundleFormat;
  scope: BundleScope;
  exportedAt: string;
  treeHead: SignedTreeHead;
  keyId: string;
  records: ManifestRecord[];
  /** SHA-256 (hex) of every file but the manifest and its signature. */
  files: Record<string, string>;
}

export type BundleFiles = Map<string, Uint8Array>;

/** The bytes manifest.sig signs: a prefix of its own, so no tree head signature can pass for one. */
export function manifestMessage(manifestBytes: Uint8Array): Uint8Array {
  return utf8ToBytes(`${bundleFormat}\n${bytesToHex(sha256(manifestBytes))}\n`);
}

const extensions: Record<string, string> = { 'message/rfc822': 'eml', 'application/json': 'json', 'text/html': 'html', 'text/plain': 'txt' };
const pad = (n: number) => String(n).padStart(8, '0');
const json = (v: unknown) => utf8ToBytes(`${JSON.stringify(v, null, 2)}\n`);

/** The bundle's files, the manifest signed with `sign` (base64 Ed25519 over the message it is given). */
export function bundleFiles(input: BundleInput, sign: (message: Uint8Array) => string): BundleFiles {
  const files: BundleFiles = new Map();
  files.set('tree-head.json', json(input.treeHead));
  files.set('public-key.pem', utf8ToBytes(input.publicKeyPem));
  const records: ManifestRecord[] = input.records.map((r) => {
    const index = r.entry.index;
    const file = `records/${pad(index)}.json`;
    const ext = extensions[(r.contentType ?? '').split(';')[0].trim()] ?? 'bin';
    const body = r.body ? `raw/${pad(index)}.${ext}` : undefined;
    if (body) files.set(body, r.body!);
    files.set(file, json({ entry: r.entry, leafHash: bytesToHex(entryLeafHash(r.entry)), proof: r.proof, ...(r.contentType ? { contentType: r.contentType } : {}), ...(body ? { body } : {}), ...(r.detail ? { detail: r.detail } : {}) }));
    return { index, key: r.entry.key, kind: r.entry.kind, leafHash: bytesToHex(entryLeafHash(r.entry)), file, ...(body ? { body } : {}) };
  });
  for (const c of input.consistency) files.set(`consistency/${pad(c.from.treeSize)}.json`, json({ from: c.from, toTreeSize: input.treeHead.treeSize, proof: c.proof }));
  const manifest: Manifest = {
    format: bundleFormat, scope: input.scope, exportedAt: input.exportedAt, treeHead: input.treeHead, keyId: input.treeHead.keyId, records,
    files: Object.fromEntries([...files].map(([name, bytes]) => [name, bytesToHex(sha256(bytes))])),
  };
  const manifestBytes = json(manifest);
  return new Map([['manifest.json', manifestBytes], ['manifest.sig', utf8ToBytes(`${sign(manifestMessage(manifestBytes))}\n`)], ...files]);
}

/** Checks one Ed25519 signature (base64) over a message with the key the verifier trusts. */
export interface SignatureCheck {
  keyId: string;
  verify(message: Uint8Array, signature: string): boolean;
}

export interface Verdict {
  ok: boolean;
  /** What was checked and held, one line each. */
  passed: string[];
  /** What failed, one line each, naming the file. */
  failures: string[];
  summary?: { scope: Manifest['scope']; records: number; treeSize: number; timestamp: string; keyId: string };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function parse<T>(files: BundleFiles, name: string, fail: (m: string) => void): T | undefined {
  const bytes = files.get(name);
  if (!bytes) {
    fail(`${name}: missing`);
    return undefined;
  }
  try {
    return JSON.parse(decoder.decode(bytes)) as T;
  } catch {
    fail(`${name}: not valid JSON`);
    return undefined;
  }
}

const hexList = (v: unknown): Uint8Array[] | undefined => {
  try {
    return Array.isArray(v) ? v.map((h) => hexToBytes(String(h))) : undefined;
  } catch {
    return undefined;
  }
};

function headSigned(h: SignedTreeHead | undefined, key: SignatureCheck): boolean {
  if (!h || typeof h.signature !== 'string' || !Number.isInteger(h.treeSize)) return false;
  return h.keyId === key.keyId && key.verify(treeHeadMessage(h), h.signature);
}

/**
 * Verifies a bundle end to end: the manifest's signature and every file's digest, the tree head's
 * signature, each record's leaf hash and inclusion proof, the raw bytes and detail against their
 * leaf, the records' order and completeness, the consistency proofs, and, given `against` (an
 * earlier signed head the auditor holds), that the bundle's head extends it.
 */
export function verifyBundle(
  files: BundleFiles,
  key: SignatureCheck,
  opts: { against?: SignedTreeHead; /** SHA-256 of the files (a faster one may be injected; noble's by default). */ digest?: (bytes: Uint8Array) => Uint8Array } = {},
): Verdict {
  const digestOf = opts.digest ?? sha256;
  const failures: string[] = [];
  const passed: string[] = [];
  const fail = (m: string) => failures.push(m);
  const done = (): Verdict => ({ ok: failures.length === 0, passed, failures });

  const manifestBytes = files.get('manifest.json');
  const manifest = parse<Manifest>(files, 'manifest.json', fail);
  if (!manifest || !manifestBytes) return done();
  if (manifest.format !== bundleFormat) fail(`manifest.json: format ${String(manifest.format)}, expected ${bundleFormat}`);
  const sig = files.get('manifest.sig');
  if (!sig || !key.verify(manifestMessage(manifestBytes), decoder.decode(sig).trim())) fail(`manifest.sig: the manifest's signature does not verify with key ${key.keyId}`);
  else passed.push('manifest signature');

  // Every file listed, with its digest; nothing unlisted.
  const listed = manifest.files && typeof manifest.files === 'object' ? manifest.files : {};
  let digests = 0;
  for (const [name, digest] of Object.entries(listed)) {
    const bytes = files.get(name);
    if (!bytes) fail(`${name}: listed in the manifest but missing from the bundle`);
    else if (bytesToHex(digestOf(bytes)) !== digest) fail(`${name}: its SHA-256 is not the manifest's (altered)`);
    else digests++;
  }
  for (const name of files.keys()) {
    if (name !== 'manifest.json' && name !== 'manifest.sig' && !(name in listed)) fail(`${name}: in the bundle but not in the manifest`);
  }
  if (digests === Object.keys(listed).length) passed.push(`${digests} file digests`);

  const head = manifest.treeHead;
  if (!headSigned(head, key)) {
    fail(`manifest.json: the tree head's signature does not verify with key ${key.keyId}`);
    return done();
  }
  passed.push(`tree head signature (size ${head.treeSize}, ${head.timestamp})`);
  const root = hexToBytes(head.rootHash);

  const records = Array.isArray(manifest.records) ? manifest.records : [];
  let leaves = 0;
  let proofs = 0;
  let bodies = 0;
  let previous = -1;
  const deleted = new Set<number>();
  const entries: LogEntry[] = [];
  for (const m of records) {
    const r = parse<{ entry: LogEntry; leafHash: string; proof: string[]; body?: string; detail?: Record<string, unknown> }>(files, m.file, fail);
    if (!r?.entry) continue;
    const e = r.entry;
    entries.push(e);
    if (e.index !== m.index) fail(`${m.file}: the entry's index ${e.index} is not the manifest's ${m.index}`);
    if (!(m.index > previous)) fail(`${m.file}: out of log order (index ${m.index} after ${previous})`);
    previous = m.index;
    const leaf = entryLeafHash(e);
    if (bytesToHex(leaf) !== m.leafHash || r.leafHash !== m.leafHash) fail(`${m.file}: the entry does not hash to its leaf (${m.leafHash})`);
    else leaves++;
    const proof = hexList(r.proof);
    if (!proof || !verifyInclusion(e.index, head.treeSize, leaf, proof, root)) fail(`${m.file}: the inclusion proof of leaf ${e.index} does not lead to the tree head's root`);
    else proofs++;
    if (e.kind === 'tombstone' && e.deleted) deleted.add(e.deleted.index);
    if (e.bodySha256) {
      const body = m.body ? files.get(m.body) : undefined;
      if (body && bytesToHex(digestOf(body)) !== e.bodySha256) fail(`${m.body}: the raw bytes do not match leaf ${e.index}'s bodySha256`);
      else if (body) bodies++;
    }
    if (e.detailSha256 && r.detail && bytesToHex(digestOf(utf8ToBytes(canonicalJson(r.detail)))) !== e.detailSha256) {
      fail(`${m.file}: the detail does not match leaf ${e.index}'s detailSha256`);
    }
  }
  // Bytes may be missing only where a tombstone in the bundle deleted them.
  for (const m of records) {
    const e = entries.find((x) => x.index === m.index);
    if (e?.bodySha256 && !m.body && !deleted.has(e.index)) fail(`${m.file}: the raw bytes of leaf ${e.index} are missing and no tombstone deleted them`);
  }
  // An incident's leaves are numbered 0, 1, …: a record left out leaves a gap.
  if (manifest.scope?.incidentId !== undefined) {
    const seqs = entries.filter((e) => e.incidentId === manifest.scope.incidentId).map((e) => e.incidentSeq);
    seqs.forEach((s, i) => {
      if (s !== i) fail(`records: incident record ${i} is missing or out of place (found incidentSeq ${String(s)})`);
    });
    const strangers = entries.filter((e) => e.incidentId !== manifest.scope.incidentId).length;
    if (strangers) fail(`records: ${strangers} record(s) of another incident`);
  }
  // A time range of the whole log is one run of consecutive leaves, each appended inside it: a record left out leaves a gap.
  if (manifest.scope && manifest.scope.incidentId === undefined && manifest.scope.holdId === undefined && (manifest.scope.from || manifest.scope.to)) {
    const { from, to } = manifest.scope;
    entries.forEach((e, i) => {
      if (i > 0 && e.index !== entries[i - 1].index + 1) fail(`records: leaves ${entries[i - 1].index + 1}…${e.index - 1} of the time range are missing`);
      if ((from && e.loggedAt < from) || (to && e.loggedAt >= to)) fail(`records: leaf ${e.index} was appended at ${e.loggedAt}, outside the time range`);
    });
  }
  if (leaves === records.length) passed.push(`${leaves} leaf hashes`);
  if (proofs === records.length) passed.push(`${proofs} inclusion proofs`);
  passed.push(`${bodies} raw byte files match their leaves`);

  // Earlier heads the bundle proves it extends.
  const consistent = new Map<number, SignedTreeHead>();
  for (const name of [...files.keys()].filter((n) => n.startsWith('consistency/'))) {
    const c = parse<{ from: SignedTreeHead; toTreeSize: number; proof: string[] }>(files, name, fail);
    if (!c) continue;
    const proof = hexList(c.proof);
    if (!headSigned(c.from, key)) fail(`${name}: the earlier tree head's signature does not verify`);
    else if (c.toTreeSize !== head.treeSize || !proof || !verifyConsistency(c.from.treeSize, head.treeSize, hexToBytes(c.from.rootHash), root, proof)) {
      fail(`${name}: the tree head of size ${head.treeSize} is not consistent with the earlier one of size ${c.from.treeSize}`);
    } else consistent.set(c.from.treeSize, c.from);
  }
  if (consistent.size) passed.push(`consistency with ${consistent.size} earlier tree head(s)`);

  if (opts.against) {
    const a = opts.against;
    if (!headSigned(a, key)) fail(`--against: the tree head's signature does not verify with key ${key.keyId}`);
    else if (a.treeSize > head.treeSize) fail(`--against: the bundle's tree head (size ${head.treeSize}) is older than the one given (size ${a.treeSize}); export the bundle again`);
    else if (a.treeSize === head.treeSize ? a.rootHash !== head.rootHash : consistent.get(a.treeSize)?.rootHash !== a.rootHash) {
      fail(consistent.has(a.treeSize) || a.treeSize === head.treeSize
        ? `--against: the log was rewritten: the tree head of size ${a.treeSize} given has root ${a.rootHash}, the bundle's log another`
        : `--against: the bundle carries no consistency proof from tree size ${a.treeSize}; export it with ?since=${a.treeSize}`);
    } else passed.push(`consistent with the tree head given (size ${a.treeSize})`);
  }

  return { ...done(), summary: { scope: manifest.scope, records: records.length, treeSize: head.treeSize, timestamp: head.timestamp, keyId: head.keyId } };
}
