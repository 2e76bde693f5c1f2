/**
 * A line diff between two message versions (M3.6), from a longest common subsequence. Messages
 * are short; the common head and tail are trimmed first so the table stays small anyway.
 */

export interface DiffHunk {
  kind: 'added' | 'removed' | 'unchanged';
  lines: string[];
  /** 1-based line where the hunk starts in the old (removed, unchanged) or new (added) version. */
  oldStart: number;
  newStart: number;
}

export interface VersionDiff {
  hunks: DiffHunk[];
  added: number;
  removed: number;
  unchanged: number;
}

function lines(text: string): string[] {
  return text === '' ? [] : text.replace(/\r\n?/g, '\n').split('\n');
}

export function diffVersions(a: string, b: string): VersionDiff {
  const x = lines(a);
  const y = lines(b);
  let head = 0;
  while (head < x.length && head < y.length && x[head] === y[head]) head++;
  let tail = 0;
  while (tail < x.length - head && tail < y.length - head && x[x.length - 1 - tail] === y[y.length - 1 - tail]) tail++;
  const xs = x.slice(head, x.length - tail);
  const ys = y.slice(head, y.length - tail);

  // lcs[i][j]: the longest common subsequence of xs[i..] and ys[j..].
  const lcs = Array.from({ length: xs.length + 1 }, () => new Array<number>(ys.length + 1).fill(0));
  for (let i = xs.length - 1; i >= 0; i--) {
    for (let j = ys.length - 1; j >= 0; j--) {
      lcs[i][j] = xs[i] === ys[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }

  const ops: { kind: DiffHunk['kind']; line: string }[] = x.slice(0, head).map((line) => ({ kind: 'unchanged', line }));
  let i = 0;
  let j = 0;
  while (i < xs.length || j < ys.length) {
    if (i < xs.length && j < ys.length && xs[i] === ys[j]) {
      ops.push({ kind: 'unchanged', line: xs[i++] });
      j++;
    } else if (i < xs.length && (j >= ys.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push({ kind: 'removed', line: xs[i++] });
    } else {
      ops.push({ kind: 'added', line: ys[j++] });
    }
  }
  ops.push(...x.slice(x.length - tail).map((line) => ({ kind: 'unchanged' as const, line })));

  const hunks: DiffHunk[] = [];
  let oldLine = 1;
  let newLine = 1;
  for (const op of ops) {
    const last = hunks[hunks.length - 1];
    if (last?.kind === op.kind) last.lines.push(op.line);
    else hunks.push({ kind: op.kind, lines: [op.line], oldStart: oldLine, newStart: newLine });
    if (op.kind !== 'added') oldLine++;
    if (op.kind !== 'removed') newLine++;
  }
  const count = (k: DiffHunk['kind']) => ops.filter((o) => o.kind === k).length;
  return { hunks, added: count('added'), removed: count('removed'), unchanged: count('unchanged') };
}
