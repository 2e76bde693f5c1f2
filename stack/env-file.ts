/**
 * The stack's environment as shell `export` lines: what `node scripts/herald.mjs stack` prints and
 * what `npm start` leaves in data/stack.env while it runs, read back by commands run beside it
 * (`herald drill run`).
 */
export function exportLines(env: Record<string, string>): string {
  return Object.entries(env).map(([key, value]) => `export ${key}='${value.replace(/'/g, `'\\''`)}'`).join('\n');
}

/** The variables of `export NAME='value'` lines (single quotes, `'\''` for a quote inside). */
export function parseExportLines(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/^export (\w+)='((?:[^']|'\\'')*)'$/gm)].map((m) => [m[1], m[2].replace(/'\\''/g, "'")]));
}
