import { contentHash } from '../domain/messages/content-hash';
import type { SnippetDoc } from './message-models';
import type { Models } from './models';
import { RegistryConflict, RegistryNotFound } from './templates';
import { isDuplicateKey } from './mongo';

/**
 * The library of pre-approved snippets drafters insert (M2.3). Each edit is a new version and
 * clears the legal approval, which binds to exact wording.
 */

type SnippetModels = Pick<Models, 'Snippet'>;
const projection = { _id: 0, __v: 0 };

export type SnippetDraft = Pick<SnippetDoc, 'title' | 'text' | 'locale' | 'tags'>;

export async function findSnippet(models: SnippetModels, snippetId: string): Promise<SnippetDoc> {
  const s = await models.Snippet.findOne({ snippetId }, projection).lean<SnippetDoc>();
  if (!s) throw new RegistryNotFound(`snippet ${snippetId} not found`);
  return s;
}

export async function createSnippet(models: SnippetModels, snippetId: string, draft: SnippetDraft, by: string, at: string): Promise<SnippetDoc> {
  const doc: SnippetDoc = { ...draft, snippetId, version: 1, contentHash: contentHash(draft.title, draft.text), updatedBy: by, updatedAt: at };
  try {
    await models.Snippet.create(doc);
  } catch (err) {
    if (isDuplicateKey(err)) throw new RegistryConflict(`snippet ${snippetId} already exists`);
    throw err;
  }
  return doc;
}

export async function updateSnippet(
  models: SnippetModels,
  snippetId: string,
  draft: SnippetDraft,
  opts: { baseVersion: number; by: string; at: string },
): Promise<SnippetDoc> {
  const current = await findSnippet(models, snippetId);
  const hash = contentHash(draft.title, draft.text);
  const next: SnippetDoc = {
    ...draft, snippetId, version: current.version + 1, contentHash: hash, updatedBy: opts.by, updatedAt: opts.at,
    approval: current.approval?.contentHash === hash ? current.approval : undefined,
  };
  // The version in the filter makes the write conditional: a concurrent edit finds nothing to replace.
  const res = await models.Snippet.replaceOne({ snippetId, version: opts.baseVersion }, next);
  if (res.matchedCount === 0) {
    throw new RegistryConflict(`version ${opts.baseVersion} is not the latest version of ${snippetId} (${current.version})`, current);
  }
  return next;
}

export async function approveSnippet(models: SnippetModels, snippetId: string, version: number, by: string, at: string): Promise<SnippetDoc> {
  const current = await findSnippet(models, snippetId);
  const approval = { approvedBy: by, at, contentHash: current.contentHash };
  const res = await models.Snippet.updateOne({ snippetId, version }, { $set: { approval } });
  if (res.matchedCount === 0) throw new RegistryConflict(`version ${version} is not the latest version of ${snippetId} (${current.version})`, current);
  return { ...current, approval };
}

export async function deleteSnippet(models: SnippetModels, snippetId: string): Promise<void> {
  const res = await models.Snippet.deleteOne({ snippetId });
  if (res.deletedCount === 0) throw new RegistryNotFound(`snippet ${snippetId} not found`);
}
