/**
 * A CSV row of customers as the import's NDJSON line: the header names each field by its path in
 * POST /v1/customers' shape (`accountManager.email`, `contract.notifyWithinMinutes.SEV1`,
 * `webhooks.0.url`); list fields hold their items separated by `;`; empty cells are left out. The
 * API validates every row, so a value that does not fit is reported there, by line.
 */

/** Fields whose cell is a list. */
const listFields = new Set(['emails', 'subscriptions', 'preferences.channels']);
/** Fields whose cell is a whole number. */
const numberField = (path: string) => path.startsWith('contract.notifyWithinMinutes.');

type Json = string | number | Json[] | { [k: string]: Json };

function cellValue(path: string, raw: string): Json {
  if (listFields.has(path)) return raw.split(/[;\s]+/).filter(Boolean);
  if (numberField(path) && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
}

function setAt(target: { [k: string]: Json } | Json[], segments: string[], value: Json): void {
  const [head, ...rest] = segments;
  const key: string | number = /^\d+$/.test(head) && Array.isArray(target) ? Number(head) : head;
  const holder = target as Record<string | number, Json>;
  if (!rest.length) {
    holder[key] = value;
    return;
  }
  holder[key] ??= /^\d+$/.test(rest[0]) ? [] : {};
  setAt(holder[key] as { [k: string]: Json } | Json[], rest, value);
}

/** One CSV record (column name to cell) as the customer object it describes. */
export function customerFromCsv(record: Record<string, string>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [column, cell] of Object.entries(record)) {
    const path = column.trim();
    const raw = (cell ?? '').trim();
    if (!path || !raw) continue;
    setAt(out, path.split('.'), cellValue(path, raw));
  }
  return out;
}
