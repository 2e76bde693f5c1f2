/**
 * KPIs as CSV (RFC 4180): each row a flat record whose columns are the dotted paths of its
 * values (`timeToFirstMessage.p50`); arrays of numbers are joined with spaces, and every row
 * has every column any row has, in the order first seen.
 */

type Cell = string | number | boolean | null;

export function flatten(value: unknown, prefix = '', out: Record<string, Cell> = {}): Record<string, Cell> {
  if (value === null || value === undefined) {
    if (prefix) out[prefix] = null;
  } else if (Array.isArray(value)) {
    out[prefix] = value.every((v) => typeof v !== 'object') ? value.join(' ') : JSON.stringify(value);
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out[prefix] = value as Cell;
  }
  return out;
}

function cell(v: Cell | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: unknown[]): string {
  const flat = rows.map((r) => flatten(r));
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const k of flat.flatMap((r) => Object.keys(r))) {
    if (seen.has(k)) continue;
    seen.add(k);
    columns.push(k);
  }
  return [columns.map((c) => cell(c)).join(','), ...flat.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}
