import { sign } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { CheckpointSinks, LogSigner } from '../config/archive';
import { bytesToHex, treeHeadMessage, type SignedTreeHead, type TreeHead } from '../domain/archive/entries';
import { rootOf } from '../domain/archive/merkle';
import { appendPending, latestTreeHead, leafHashes, saveTreeHead, type ArchiveModels } from './archive';

/**
 * Checkpoints of the archive log (X5): what is pending is appended, the tree head signed with
 * Ed25519 and stored, and each new head also written where the database cannot rewrite it
 * unseen: a file of JSON lines and, optionally, witness webhooks.
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

/** Appends what is pending and signs a head for the log's size, unless one exists for it already. */
export async function checkpointLog(
  models: Pick<ArchiveModels, 'ArchiveRecord' | 'LogLeaf' | 'TreeHead'>,
  signer: LogSigner,
  sinks: CheckpointSinks,
  now = new Date(),
): Promise<Checkpoint> {
  const appended = await appendPending(models);
  const hashes = await leafHashes(models);
  const latest = await latestTreeHead(models);
  if (latest && latest.treeSize === hashes.length && latest.keyId === signer.keyId) return { sth: latest, appended, fresh: false };
  const sth = signTreeHead(signer, { treeSize: hashes.length, rootHash: bytesToHex(rootOf(hashes)), timestamp: now.toISOString() });
  const fresh = await saveTreeHead(models, sth);
  if (!fresh) return { sth: (await latestTreeHead(models))!, appended, fresh: false };
  await mkdir(path.dirname(sinks.file), { recursive: true });
  await appendFile(sinks.file, `${JSON.stringify(sth)}\n`);
  await Promise.all(
    sinks.witnesses.map(async (url) => {
      // A witness that does not answer misses one head; the next carries the whole log.
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'herald.tree-head', sth }), signal: AbortSignal.timeout(10_000) })
        .then((r) => r.body?.cancel())
        .catch(() => undefined);
    }),
  );
  return { sth, appended, fresh };
}
