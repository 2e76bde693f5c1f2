/**
 * `herald import customers FILE`: NDJSON sent as it is, CSV converted to NDJSON row by row
 * (cli/customer-csv.ts), streamed to POST /v1/customers/import with a progress bar of the file
 * read. The import lands whole or not at all; refused rows are listed by their line in FILE.
 */
import { createReadStream, statSync } from 'node:fs';
import { extname } from 'node:path';
import { Option, type Command } from 'commander';
import { parse } from 'csv-parse';
import { callStreaming, CliError, exitCodes } from '../api';
import { customerFromCsv } from '../customer-csv';
import { globals } from '../program';
import { displayMode, uploadDisplay, type ByteProgress } from '../progress';

type Format = 'ndjson' | 'csv';

interface RowError { line: number; customerId?: string; issues: { path: string; message: string }[] }

function formatOf(file: string, given?: Format): Format {
  if (given) return given;
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (['.ndjson', '.jsonl', '.json'].includes(ext)) return 'ndjson';
  throw new CliError(`herald: cannot tell the format of ${file} from its name; give --format ndjson or --format csv`, exitCodes.usage);
}

const flushAt = 64 * 1024;

/** The NDJSON lines of the file, as bytes to send; `lineOf` maps each NDJSON line to the file's line. */
async function* ndjsonOf(file: string, format: Format, progress: ByteProgress, lineOf: number[]): AsyncGenerator<Uint8Array> {
  if (format === 'ndjson') {
    // Sent as it is: the API's line numbers are the file's.
    for await (const chunk of createReadStream(file)) {
      const buf = chunk as Buffer;
      let rows = 0;
      for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) rows++;
      progress.advance(buf.length, rows);
      yield buf;
    }
    return;
  }
  const parser = createReadStream(file).pipe(parse({ columns: true, bom: true, skip_empty_lines: true, trim: true, info: true }));
  let pending: string[] = [];
  let size = 0;
  let bytesRead = 0;
  let rows = 0;
  for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number; bytes: number } }>) {
    const text = `${JSON.stringify(customerFromCsv(record))}\n`;
    lineOf.push(info.lines);
    pending.push(text);
    size += text.length;
    rows++;
    if (size >= flushAt) {
      progress.advance(info.bytes - bytesRead, rows);
      bytesRead = info.bytes;
      rows = 0;
      yield Buffer.from(pending.join(''));
      pending = [];
      size = 0;
    }
  }
  progress.advance(statSync(file).size - bytesRead, rows);
  if (pending.length) yield Buffer.from(pending.join(''));
}

export function registerImportCommand(program: Command): void {
  const imports = program.command('import').description('Bulk imports');
  imports.command('customers <file>')
    .description('Import customers from NDJSON (one customer per line, as POST /v1/customers takes it) or CSV (a header of field paths) (admin key): all rows land, or none')
    .addOption(new Option('--format <format>', 'the file format (default: by its extension)').choices(['ndjson', 'csv']))
    .option('--print', 'print the NDJSON that would be sent, and send nothing')
    .action(async function (this: Command, file: string, o: { format?: Format; print?: boolean }) {
      const g = globals(this);
      const format = formatOf(file, o.format);
      let size: number;
      try {
        size = statSync(file).size;
      } catch (err) {
        throw new CliError(`herald: cannot read ${file}: ${(err as Error).message}`, exitCodes.usage);
      }
      const lineOf: number[] = [];
      if (o.print) {
        for await (const chunk of ndjsonOf(file, format, uploadDisplay('quiet', size, file), lineOf)) process.stdout.write(chunk);
        return;
      }
      const progress = uploadDisplay(displayMode(g.json), size, `import ${file}`);
      let r: { importId: string; imported: number };
      try {
        r = await callStreaming(g, 'POST', '/v1/customers/import', { contentType: 'application/x-ndjson', stream: ndjsonOf(file, format, progress, lineOf) });
      } catch (err) {
        progress.stop('nothing was imported');
        const rows = (err instanceof CliError ? (err.refusal?.body?.details as { rows?: RowError[] } | undefined)?.rows : undefined) ?? [];
        if (!(err instanceof CliError) || !rows.length) throw err;
        const fileLine = (l: number) => (format === 'csv' ? lineOf[l - 1] ?? l + 1 : l);
        const lines = rows.flatMap((row) => row.issues.map((i) => `  ${file}:${fileLine(row.line)}${row.customerId ? ` (${row.customerId})` : ''}: ${i.path || '(row)'}: ${i.message}`));
        throw new CliError([err.message.split('\n')[0], ...lines].join('\n'), err.exitCode, err.refusal);
      }
      progress.stop(g.json ? '' : `imported ${r.imported} customers (${r.importId})`);
      if (g.json) console.log(JSON.stringify(r, null, 2));
    });
}
