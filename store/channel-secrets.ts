import { createHash } from 'node:crypto';
import { Schema } from 'mongoose';
import { required, storedIn, type BoundModels } from './schema';
import type { Playbook } from '../domain/playbooks';
import { isDuplicateKey } from './mongo';

/**
 * Channel credentials kept out of playbooks. A Slack incoming-webhook URL is itself the
 * credential; a playbook names it by reference, so the playbook history, the API and every
 * incident's workflow history (which carries the playbook snapshot) hold only the reference.
 */
export interface ChannelSecretDoc {
  /** The reference: `secret:slack/<24 hex>` of the URL's SHA-256. */
  _id: string;
  kind: 'slack-webhook';
  url: string;
  createdAt: Date;
}

const channelSecret = new Schema<ChannelSecretDoc>({
  ...required({ _id: String, kind: String, url: String, createdAt: Date }),
});

export const channelSecretCollections = {
  ChannelSecret: storedIn('channel_secrets', channelSecret),
};

export type ChannelSecretModels = BoundModels<typeof channelSecretCollections>;

const refPrefix = 'secret:slack/';

export function isSecretRef(value: string): boolean {
  return value.startsWith(refPrefix);
}

export function slackRefFor(url: string): string {
  return refPrefix + createHash('sha256').update(url).digest('hex').slice(0, 24);
}

/**
 * Moves every Slack webhook URL of a playbook into the secret store and returns the playbook
 * naming them by reference. A reference already in the playbook stays. Idempotent: the same URL
 * always gets the same reference, so an unchanged playbook keeps its hash.
 */
export async function sealPlaybookSecrets(models: ChannelSecretModels, playbook: Playbook): Promise<Playbook> {
  const hooks = playbook.distribution?.slackWebhooks ?? [];
  if (!hooks.some((h) => !isSecretRef(h))) return playbook;
  const sealed: string[] = [];
  for (const url of hooks) {
    if (isSecretRef(url)) {
      sealed.push(url);
      continue;
    }
    const ref = slackRefFor(url);
    try {
      await models.ChannelSecret.updateOne({ _id: ref }, { $setOnInsert: { kind: 'slack-webhook', url, createdAt: new Date() } }, { upsert: true });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    sealed.push(ref);
  }
  return { ...playbook, distribution: { ...playbook.distribution, slackWebhooks: sealed } };
}

/**
 * The URLs behind a list of Slack webhook entries. Raw URLs (playbook snapshots of incidents that
 * started before references existed) pass through; a reference the store does not know is
 * returned as missing, never guessed.
 */
export async function resolveSlackWebhooks(
  models: ChannelSecretModels,
  entries: readonly string[],
): Promise<{ resolved: { entry: string; url: string }[]; missing: string[] }> {
  const refs = [...new Set(entries.filter(isSecretRef))];
  const known = new Map<string, string>();
  if (refs.length) {
    for (const d of await models.ChannelSecret.find({ _id: { $in: refs } }).lean()) known.set(d._id, d.url);
  }
  const resolved: { entry: string; url: string }[] = [];
  const missing: string[] = [];
  for (const entry of new Set(entries)) {
    if (!isSecretRef(entry)) resolved.push({ entry, url: entry });
    else if (known.has(entry)) resolved.push({ entry, url: known.get(entry)! });
    else missing.push(entry);
  }
  return { resolved, missing };
}
