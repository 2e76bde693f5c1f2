import { contentHash } from './content-hash';

/**
 * Version metadata of a draft or template (M3.6): each save is a new version whose parent is the
 * version it was edited from; an edit made against anything but the latest version is stale.
 */

export interface VersionMeta {
  version: number;
  contentHash: string;
  /** The version this one was edited from; none for the first. */
  parent?: number;
  author: string;
  createdAt: string;
}

export function nextVersion(
  latest: Pick<VersionMeta, 'version'> | undefined,
  content: { subject: string; text: string },
  author: string,
  at: string,
): VersionMeta {
  return {
    version: (latest?.version ?? 0) + 1,
    contentHash: contentHash(content.subject, content.text),
    parent: latest?.version,
    author,
    createdAt: at,
  };
}

/** An edit names the version it was made against; anything but the latest is a conflict. */
export function staleEdit(
  latest: Pick<VersionMeta, 'version' | 'contentHash'> | undefined,
  base: { version: number; contentHash?: string },
): { currentVersion: number; currentHash?: string } | undefined {
  const current = latest?.version ?? 0;
  if (base.version === current && (base.contentHash === undefined || base.contentHash === latest?.contentHash)) return undefined;
  return { currentVersion: current, currentHash: latest?.contentHash };
}
