import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { canonicalJson, sha256Hex } from '../domain/audit';
import { PlaybookSchema, type Playbook } from '../domain/playbooks';
import { sealPlaybookSecrets } from './channel-secrets';
import type { Store } from './connect';
import type { PlaybookVersionDoc } from './models';
import { isDuplicateKey } from './mongo';

/** The playbooks Herald ships with, one JSON file each, named after the playbook's id. */
export const playbooksDir = join(__dirname, '..', 'playbooks');

/** One version of a playbook as the store keeps it. */
export interface StoredPlaybook {
  playbook: Playbook;
  version: number;
  hash: string;
  source: 'file' | 'api';
  createdBy: string;
  createdAt: string;
  note?: string;
}

function playbookHash(playbook: Playbook): string {
  return sha256Hex(canonicalJson(playbook));
}

/**
 * Reads and validates every playbook file. A bad file stops the start, naming the file and the
 * exact path of what is wrong, rather than leaving a category without a plan.
 */
export function readPlaybookFiles(dir = playbooksDir): Playbook[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const parsed = PlaybookSchema.safeParse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        throw new Error(`playbooks/${file}: ${first.path.join('.') || '(root)'}: ${first.message}`);
      }
      if (parsed.data.id !== basename(file, '.json')) {
        throw new Error(`playbooks/${file}: id "${parsed.data.id}" must match the file name`);
      }
      return parsed.data;
    });
}

let shipped: Playbook[] | undefined;
const seeded = new WeakMap<Store, Promise<void>>();

/**
 * Writes each shipped playbook as version 1 where the store has no history for it yet. Once a
 * playbook has a history, the API owns it: editing the file later does not override an edit.
 */
async function seedPlaybooks(store: Store, playbooks: Playbook[]): Promise<number> {
  const { PlaybookVersion } = store.models;
  let inserted = 0;
  for (const file of playbooks) {
    if (await PlaybookVersion.exists({ playbookId: file.id })) continue;
    const playbook = await sealPlaybookSecrets(store.models, file);
    try {
      await PlaybookVersion.create({
        playbookId: playbook.id, version: 1, playbook, hash: playbookHash(playbook),
        source: 'file', createdBy: 'herald', createdAt: new Date(),
      });
      inserted++;
    } catch (err) {
      // Another process seeded the same playbook first; its version 1 is the same file.
      if (!isDuplicateKey(err)) throw err;
    }
  }
  return inserted;
}

/** Loads the shipped files once per process and seeds each store once. */
function ready(store: Store): Promise<void> {
  let done = seeded.get(store);
  if (!done) {
    shipped ??= readPlaybookFiles();
    done = seedPlaybooks(store, shipped).then(() => undefined);
    done.catch(() => seeded.delete(store));
    seeded.set(store, done);
  }
  return done;
}

function toStored(doc: PlaybookVersionDoc): StoredPlaybook {
  return {
    playbook: doc.playbook as unknown as Playbook,
    version: doc.version,
    hash: doc.hash,
    source: doc.source,
    createdBy: doc.createdBy,
    createdAt: new Date(doc.createdAt).toISOString(),
    ...(doc.note ? { note: doc.note } : {}),
  };
}

/** The latest version of every playbook, by id. */
export async function currentPlaybooks(store: Store): Promise<StoredPlaybook[]> {
  await ready(store);
  const docs = await store.models.PlaybookVersion.find({}, { _id: 0, __v: 0 }).sort({ playbookId: 1, version: -1 }).lean<PlaybookVersionDoc[]>();
  const latest = new Map<string, PlaybookVersionDoc>();
  for (const d of docs) if (!latest.has(d.playbookId)) latest.set(d.playbookId, d);
  return [...latest.values()].map(toStored);
}

export async function currentPlaybook(store: Store, id: string): Promise<StoredPlaybook | undefined> {
  await ready(store);
  const doc = await store.models.PlaybookVersion.findOne({ playbookId: id }, { _id: 0, __v: 0 }).sort({ version: -1 }).lean<PlaybookVersionDoc>();
  return doc ? toStored(doc) : undefined;
}

/** One exact version: what an incident that started with it still follows. */
export async function playbookAtVersion(store: Store, id: string, version: number): Promise<StoredPlaybook | undefined> {
  await ready(store);
  const doc = await store.models.PlaybookVersion.findOne({ playbookId: id, version }, { _id: 0, __v: 0 }).lean<PlaybookVersionDoc>();
  return doc ? toStored(doc) : undefined;
}

/** Every version of a playbook, newest first. */
export async function playbookHistory(store: Store, id: string): Promise<StoredPlaybook[]> {
  await ready(store);
  const docs = await store.models.PlaybookVersion.find({ playbookId: id }, { _id: 0, __v: 0 }).sort({ version: -1 }).lean<PlaybookVersionDoc[]>();
  return docs.map(toStored);
}

export type SaveOutcome =
  | { outcome: 'created' | 'saved' | 'unchanged'; stored: StoredPlaybook }
  | { outcome: 'stale'; latestVersion: number };

/**
 * Saves a validated playbook as its next version. Content equal to the latest version adds
 * nothing; `baseVersion`, when given, must be the latest version, so an edit made against an
 * older one is refused instead of silently overwriting someone else's change.
 */
export async function savePlaybook(
  store: Store,
  playbook: Playbook,
  opts: { by: string; note?: string; baseVersion?: number },
): Promise<SaveOutcome> {
  // A Slack webhook URL is a credential: the version keeps its reference, never the URL.
  playbook = await sealPlaybookSecrets(store.models, playbook);
  const latest = await currentPlaybook(store, playbook.id);
  const latestVersion = latest?.version ?? 0;
  if (opts.baseVersion !== undefined && opts.baseVersion !== latestVersion) return { outcome: 'stale', latestVersion };
  const hash = playbookHash(playbook);
  if (latest && latest.hash === hash) return { outcome: 'unchanged', stored: latest };
  const doc: PlaybookVersionDoc = {
    playbookId: playbook.id, version: latestVersion + 1, playbook, hash, source: 'api',
    createdBy: opts.by, createdAt: new Date(), ...(opts.note ? { note: opts.note } : {}),
  };
  try {
    await store.models.PlaybookVersion.create(doc);
  } catch (err) {
    if (isDuplicateKey(err)) return { outcome: 'stale', latestVersion: (await currentPlaybook(store, playbook.id))?.version ?? latestVersion };
    throw err;
  }
  return { outcome: latest ? 'saved' : 'created', stored: toStored(doc) };
}
