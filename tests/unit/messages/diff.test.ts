import fc from 'fast-check';
import { diffVersions } from '../../../domain/messages/diff';

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
});
