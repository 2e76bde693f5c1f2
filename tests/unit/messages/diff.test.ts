import fc from 'fast-check';
import { diffVersions } from '../../../domain/messages/diff';
import { nextVersion, staleEdit } from '../../../domain/messages/versions';
import { contentHash } from '../../../domain/messages/content-hash';

describe('versions and diffs', () => {
  it('[M3.6] shows which lines were added, removed and kept, with their line numbers', () => {
    const d = diffVersions('We are investigating.\nNext update at 10:00.\nThanks.', 'We are investigating.\nWe found the cause.\nNext update at 11:00.\nThanks.');
    expect(d.hunks).toEqual([
      { kind: 'unchanged', lines: ['We are investigating.'], oldStart: 1, newStart: 1 },
      { kind: 'removed', lines: ['Next update at 10:00.'], oldStart: 2, newStart: 2 },
      { kind: 'added', lines: ['We found the cause.', 'Next update at 11:00.'], oldStart: 3, newStart: 2 },
      { kind: 'unchanged', lines: ['Thanks.'], oldStart: 3, newStart: 4 },
    ]);
    expect([d.added, d.removed, d.unchanged]).toEqual([2, 1, 2]);
    expect(diffVersions('same', 'same').hunks).toEqual([{ kind: 'unchanged', lines: ['same'], oldStart: 1, newStart: 1 }]);
    expect(diffVersions('', 'new').hunks).toEqual([{ kind: 'added', lines: ['new'], oldStart: 1, newStart: 1 }]);
  });

  it('[M3.6] rebuilds both versions from any diff, and finds nothing between equal versions', () => {
    const line = fc.constantFrom('a', 'b', 'c', 'We are investigating.', '', 'Next update soon.');
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.array(line, { maxLength: 30 }), (xs, ys) => {
        const a = xs.join('\n');
        const b = ys.join('\n');
        const d = diffVersions(a, b);
        const oldSide = d.hunks.filter((h) => h.kind !== 'added').flatMap((h) => h.lines);
        const newSide = d.hunks.filter((h) => h.kind !== 'removed').flatMap((h) => h.lines);
        expect(oldSide.join('\n')).toBe(a);
        expect(newSide.join('\n')).toBe(b);
        if (a === b) expect(d.added + d.removed).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('[M3.6] numbers versions, hashes their content, names the parent, and detects stale edits', () => {
    const v1 = nextVersion(undefined, { subject: 's', text: 't' }, 'riley', '2024-05-01T10:00:00Z');
    expect(v1).toEqual({ version: 1, contentHash: contentHash('s', 't'), parent: undefined, author: 'riley', createdAt: '2024-05-01T10:00:00Z' });
    const v2 = nextVersion(v1, { subject: 's', text: 't2' }, 'avery', '2024-05-01T10:05:00Z');
    expect(v2).toMatchObject({ version: 2, parent: 1 });
    expect(staleEdit(v2, { version: 2 })).toBeUndefined();
    expect(staleEdit(v2, { version: 2, contentHash: v2.contentHash })).toBeUndefined();
    expect(staleEdit(v2, { version: 1 })).toEqual({ currentVersion: 2, currentHash: v2.contentHash });
    expect(staleEdit(v2, { version: 2, contentHash: v1.contentHash })).toEqual({ currentVersion: 2, currentHash: v2.contentHash });
  });
});
