import type { Model } from 'mongoose';
import { CustomerSchema, type CustomerInput } from '../domain/audience/service-model';
import type { CustomerDoc } from './models';

/**
 * Bulk import of customers from an NDJSON stream: every row is validated before anything is
 * written, and the write lands whole or not at all: in one transaction where the server has
 * them (a replica set), and elsewhere (FerretDB, a standalone mongod) by removing what a write
 * that failed half-way had stored.
 */

export interface RowIssue {
  path: string;
  message: string;
  code: string;
}

export interface RowError {
  line: number;
  customerId?: string;
  issues: RowIssue[];
}

export interface ParsedRows {
  rows: { line: number; customer: CustomerInput }[];
  errors: RowError[];
}

export class ImportTooLarge extends Error {}

const newline = 0x0a;

/** Splits a byte stream into lines without decoding across chunk boundaries, refusing overlong lines. */
async function* lines(stream: AsyncIterable<Buffer | string>, maxLineBytes: number): AsyncGenerator<string> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of stream) {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let i = buf.indexOf(newline); i !== -1; i = buf.indexOf(newline)) {
      pending.push(buf.subarray(0, i));
      yield Buffer.concat(pending).toString('utf8');
      pending = [];
      pendingBytes = 0;
      buf = buf.subarray(i + 1);
    }
    pending.push(buf);
    pendingBytes += buf.length;
    if (pendingBytes > maxLineBytes) throw new ImportTooLarge(`a line is longer than ${maxLineBytes} bytes`);
  }
  if (pendingBytes > 0) yield Buffer.concat(pending).toString('utf8');
}

/** Reads and validates every row; blank lines are skipped but still counted, so line numbers match the file. */
export async function readCustomerRows(
  stream: AsyncIterable<Buffer | string>,
  limits: { maxRows: number; maxLineBytes: number },
): Promise<ParsedRows> {
  const rows: ParsedRows['rows'] = [];
  const errors: RowError[] = [];
  let line = 0;
  for await (const text of lines(stream, limits.maxLineBytes)) {
    line += 1;
    if (!text.trim()) continue;
    if (rows.length + errors.length >= limits.maxRows) throw new ImportTooLarge(`more than ${limits.maxRows} rows`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      errors.push({ line, issues: [{ path: '', message: 'not valid JSON', code: 'invalid_json' }] });
      continue;
    }
    const parsed = CustomerSchema.safeParse(json);
    if (parsed.success) rows.push({ line, customer: parsed.data });
    else {
      const id = (json as { customerId?: unknown } | null)?.customerId;
      errors.push({
        line,
        customerId: typeof id === 'string' ? id : undefined,
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code })),
      });
    }
  }
  return { rows, errors };
}

/**
 * The checks that need the whole file or the store: a customer ID twice in one file, a
 * subscription to a component that does not exist, a customer that already exists.
 */
export function crossRowErrors(
  rows: ParsedRows['rows'],
  knownComponents: Set<string>,
  existingCustomers: Set<string>,
): RowError[] {
  const firstLine = new Map<string, number>();
  const out: RowError[] = [];
  for (const { line, customer } of rows) {
    const issues: RowIssue[] = [];
    const seenOn = firstLine.get(customer.customerId);
    if (seenOn !== undefined) issues.push({ path: 'customerId', message: `also on line ${seenOn}`, code: 'duplicate' });
    else firstLine.set(customer.customerId, line);
    if (existingCustomers.has(customer.customerId)) issues.push({ path: 'customerId', message: 'a customer with this ID already exists', code: 'conflict' });
    customer.subscriptions.forEach((s, i) => {
      if (!knownComponents.has(s)) issues.push({ path: `subscriptions.${i}`, message: `unknown component "${s}"`, code: 'unknown_component' });
    });
    if (issues.length) out.push({ line, customerId: customer.customerId, issues });
  }
  return out;
}

export function toCustomerDoc(c: CustomerInput, importId?: string, now = new Date()): CustomerDoc {
  return { ...c, ...(importId ? { importId } : {}), createdAt: now };
}

/**
 * Writes the import in chunks. With `transactions`, all chunks commit together (majority write
 * concern) or none does; without, any failure deletes every record tagged with this import and
 * rethrows.
 */
export async function writeImport(
  Customer: Model<CustomerDoc>,
  docs: CustomerDoc[],
  importId: string,
  chunkSize = 1000,
  opts: { transactions?: boolean } = {},
): Promise<number> {
  if (opts.transactions) {
    const session = await Customer.db.startSession();
    try {
      // withTransaction retries the whole callback on a transient error (a failover), so each run writes every chunk.
      await session.withTransaction(async () => {
        for (let i = 0; i < docs.length; i += chunkSize) {
          await Customer.insertMany(docs.slice(i, i + chunkSize).map((d) => ({ ...d, importId })), { ordered: true, lean: true, session });
        }
      }, { writeConcern: { w: 'majority' } });
      return docs.length;
    } finally {
      await session.endSession();
    }
  }
  try {
    for (let i = 0; i < docs.length; i += chunkSize) {
      await Customer.insertMany(docs.slice(i, i + chunkSize).map((d) => ({ ...d, importId })), { ordered: true, lean: true });
    }
    return docs.length;
  } catch (err) {
    await Customer.deleteMany({ importId });
    throw err;
  }
}
