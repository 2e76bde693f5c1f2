import { sign } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkpointSinks, logSigner, type CheckpointSinks, type LogSigner } from '../config/archive';
import { bytesToHex, treeHeadMessage, type SignedTreeHead, type TreeHead } from '../domain/archive/entries';
import { rootOf } from '../domain/archive/merkle';
import { appendPending, latestTreeHead, leafHashes, saveTreeHead, type ArchiveModels } from './archive';
import { tellWitnesses } from './archive-witnesses';

/**
 * Checkpoints of the archive log (X5): what is pending is appended, the tree head signed with
 * Ed25519 and stored, and each new head also written where the database cannot rewrite it
 * unseen: a file of JSON lines and, optionally, witnesses by webhook and by email.
 */

export function signTreeHead(signer: LogSigner, head: TreeHead): SignedTreeHead {
  return { ...head, signature: sign(null, treeHeadMessage(head), signer.privateKey).toString('base64'), keyId: signer.keyId };
}

export interface Checkpoint {
  sth: SignedTreeHead;
  /** Leaves this checkpoint appended. */
  appended: number;
  /** Whether this head is new (the log grew since the last). */
  fresh: boolean;
}

/** The tree was rewritten under a signed head: the log is not an extension of what was signed. */
export class LogRewrittenError extends Error {
  constructor(readonly signed: { treeSize: number; rootHash: string }, readonly where: string, readonly found: string) {
    super(`the archive log no longer extends the tree head of size ${signed.treeSize} in ${where} (signed root ${signed.rootHash}, the log now gives ${found}): refusing to sign`);
  }
}

/** The last head the checkpoint file holds, if any: the database cannot rewrite it unseen. */
async function lastFiledHead(file: string): Promise<SignedTreeHead | undefined> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  const lines = text.trimEnd().split('\n').filter(Boolean);
  return lines.length ? (JSON.parse(lines[lines.length - 1]) as SignedTreeHead) : undefined;
}

/**
 * Appends what is pending and signs a head for the log's size, unless one exists for it already.
 * It signs only a tree that extends the last head it signed, in the database and in the file: a
 * log rewritten behind its back (every later hash recomputed) is refused, never signed.
 */
export async function checkpointLog(
  models: Pick<ArchiveModels, 'ArchiveRecord' | 'LogLeaf' | 'TreeHead'>,
  signer: LogSigner,
  sinks: CheckpointSinks,
  now = new Date(),
): Promise<Checkpoint> {
  const appended = await appendPending(models);
  const hashes = await leafHashes(models);
  const latest = await latestTreeHead(models);
  const filed = await lastFiledHead(sinks.file);
  for (const [where, head] of [['the database', latest], [sinks.file, filed]] as const) {
    if (!head) continue;
    const found = head.treeSize <= hashes.length ? bytesToHex(rootOf(hashes.slice(0, head.treeSize))) : `only ${hashes.length} leaves`;
    if (found !== head.rootHash) throw new LogRewrittenError(head, where, found);
  }
  if (latest && latest.treeSize === hashes.length && latest.keyId === signer.keyId) return { sth: latest, appended, fresh: false };
  const sth = signTreeHead(signer, { treeSize: hashes.length, rootHash: bytesToHex(rootOf(hashes)), timestamp: now.toISOString() });
  const fresh = await saveTreeHead(models, sth);
  if (!fresh) return { sth: (await latestTreeHead(models))!, appended, fresh: false };
  await mkdir(path.dirname(sinks.file), { recursive: true });
  await appendFile(sinks.file, `${JSON.stringify(sth)}\n`);
  await tellWitnesses(sth, sinks);
  return { sth, appended, fresh };
}

/** A checkpoint with the configured key and sinks (config/archive.ts), the checkpoint file named after the log's database. */
export function checkpointConfigured(models: Pick<ArchiveModels, 'ArchiveRecord' | 'LogLeaf' | 'TreeHead'>, now = new Date()): Promise<Checkpoint> {
  return checkpointLog(models, logSigner(), checkpointSinks(models.LogLeaf.db.name), now);
}
