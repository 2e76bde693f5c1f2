import { sign } from 'node:crypto';
import nodemailer from 'nodemailer';
import { signatureCheck } from '../../../cli/herald-verify';
import { devArchiveSigningKey, signerFromPem } from '../../../config/archive';
import { bundleFiles, verifyBundle, type BundleRecord, type BundleScope } from '../../../domain/archive/bundle';
import { bytesToHex, entryLeafHash, treeHeadMessage, type LogEntry, type SignedTreeHead } from '../../../domain/archive/entries';
import { inclusionProver, rootOf } from '../../../domain/archive/merkle';
import { parseWitnessedHead, witnessEmail, witnessWebhookBody } from '../../../domain/archive/witness';

/**
 * What a witness keeps, read back by `herald-verify --against` (X5), and the completeness check of
 * a time range's bundle (M5.1): the range is one run of consecutive leaves, so one left out shows.
 */

const signer = signerFromPem(devArchiveSigningKey);
const head = (h: Omit<SignedTreeHead, 'signature' | 'keyId'>): SignedTreeHead => ({ ...h, keyId: signer.keyId, signature: sign(null, treeHeadMessage(h), signer.privateKey).toString('base64') });
const sth = head({ treeSize: 42, rootHash: 'ab'.repeat(32), timestamp: '2026-12-03T10:20:00.000Z' });

describe('witnessed tree heads', () => {
  it('[X5] the witness email, as a mail client or Mailpit saves it (quoted-printable, long lines wrapped), gives back the signed head', async () => {
    const m = witnessEmail(sth, 'herald');
    const built = await nodemailer.createTransport({ streamTransport: true, buffer: true }).sendMail({ from: 'herald@herald.test', to: 'w@witness.test', ...m });
    const raw = (built.message as Buffer).toString();
    expect(raw).toMatch(/Content-Transfer-Encoding: quoted-printable/i);
    expect(parseWitnessedHead(`Return-Path: <herald@herald.test>\r\nReceived: from x\r\n${raw}`)).toEqual(sth);
    expect(m.text).toContain(`root hash  ${sth.rootHash}`);
  });

  it('[X5] the witness webhook body, a checkpoint file and the head itself are read too; anything else is refused', () => {
    expect(parseWitnessedHead(witnessWebhookBody(sth))).toEqual(sth);
    expect(parseWitnessedHead(`${JSON.stringify({ ...sth, treeSize: 1 })}\n${JSON.stringify(sth)}\n`)).toEqual(sth);
    expect(parseWitnessedHead(JSON.stringify(sth))).toEqual(sth);
    expect(() => parseWitnessedHead('{"hello":1}')).toThrow(/no treeSize/);
    expect(() => parseWitnessedHead('-----BEGIN HERALD TREE HEAD-----\n{}')).toThrow(/END/);
  });
});

describe('a time range bundle', () => {
  const entries: LogEntry[] = Array.from({ length: 12 }, (_, index) => {
    const at = new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString();
    return { v: 1, index, kind: 'webhook', key: `webhook:${index}`, incidentId: `INC-${index % 3}`, incidentSeq: Math.floor(index / 3), recordedAt: at, loggedAt: at };
  });
  const hashes = entries.map(entryLeafHash);
  const tree = head({ treeSize: hashes.length, rootHash: bytesToHex(rootOf(hashes)), timestamp: '2026-01-01T01:00:00.000Z' });
  const prove = inclusionProver(hashes);
  const bundle = (indexes: number[], scope: BundleScope = { from: '2026-01-01T00:03:00.000Z', to: '2026-01-01T00:09:00.000Z' }) => bundleFiles(
    { scope, exportedAt: tree.timestamp, treeHead: tree, publicKeyPem: signer.publicPem, consistency: [], records: indexes.map((i): BundleRecord => ({ entry: entries[i], proof: prove(i).map(bytesToHex) })) },
    (msg) => sign(null, msg, signer.privateKey).toString('base64'),
  );
  const check = signatureCheck(signer.publicKey);

  it('[M5.1] verifies when it holds every leaf appended in the range, and names a leaf left out or one from outside it', () => {
    expect(verifyBundle(bundle([3, 4, 5, 6, 7, 8]), check).failures).toEqual([]);
    expect(verifyBundle(bundle([3, 4, 6, 7, 8]), check).failures).toEqual(['records: leaves 5…5 of the time range are missing']);
    expect(verifyBundle(bundle([3, 4, 5, 6, 7, 8, 9]), check).failures).toEqual([`records: leaf 9 was appended at ${entries[9].loggedAt}, outside the time range`]);
    // A hold's records within a range need not be consecutive.
    expect(verifyBundle(bundle([3, 6], { holdId: 'hold-1', from: '2026-01-01T00:03:00.000Z' }), check).failures).toEqual([]);
  });
});
