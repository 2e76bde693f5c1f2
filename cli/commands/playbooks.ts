/**
 * `herald playbooks validate DIR`: every playbook file in DIR (JSON, or YAML) checked offline with
 * the schema the API validates playbooks with (domain/playbooks' PlaybookSchema, as
 * `PUT /v1/playbooks/:id` and the start-up seeding use it) and the rule that a file is named after
 * its playbook's id. Each problem is printed as `file: path: message`; exit 5 when any file fails.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { PlaybookSchema } from '../../domain/playbooks';
import { CliError, exitCodes } from '../api';

const extensions = ['.json', '.yaml', '.yml'];

export interface PlaybookFileReport {
  file: string;
  id?: string;
  valid: boolean;
  issues: { path: string; message: string }[];
}

export function validatePlaybookFile(dir: string, file: string): PlaybookFileReport {
  const text = readFileSync(join(dir, file), 'utf8');
  let data: unknown;
  try {
    data = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    return { file, valid: false, issues: [{ path: '(file)', message: `not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}` }] };
  }
  const parsed = PlaybookSchema.safeParse(data);
  if (!parsed.success) {
    return {
      file, valid: false,
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message })),
    };
  }
  const named = basename(file, extname(file));
  if (parsed.data.id !== named) return { file, id: parsed.data.id, valid: false, issues: [{ path: 'id', message: `"${parsed.data.id}" must match the file name ("${named}")` }] };
  return { file, id: parsed.data.id, valid: true, issues: [] };
}

export function registerPlaybookCommands(program: Command): void {
  const playbooks = program.command('playbooks').description('Playbook files');
  playbooks.command('validate <dir>')
    .description("Check every playbook file in a folder offline against the API's playbook schema; exit 5 when one is invalid")
    .action(function (this: Command, dir: string) {
      const json = this.optsWithGlobals<{ json?: boolean }>().json;
      let files: string[];
      try {
        files = readdirSync(dir).filter((f) => extensions.includes(extname(f).toLowerCase())).sort();
      } catch (err) {
        throw new CliError(`herald: cannot read ${dir}: ${(err as Error).message}`, exitCodes.usage);
      }
      if (!files.length) throw new CliError(`herald: ${dir} holds no playbook files (${extensions.join(', ')})`, exitCodes.usage);
      const reports = files.map((f) => validatePlaybookFile(dir, f));
      const invalid = reports.filter((r) => !r.valid);
      if (json) {
        console.log(JSON.stringify({ dir, valid: invalid.length === 0, playbooks: reports }, null, 2));
      } else {
        for (const r of reports) {
          console.log(`${r.valid ? 'ok     ' : 'INVALID'} ${r.file}${r.id ? ` (${r.id})` : ''}`);
          for (const i of r.issues) console.log(`  ${join(dir, r.file)}: ${i.path}: ${i.message}`);
        }
        console.log(invalid.length ? `${invalid.length} of ${reports.length} playbooks invalid` : `${reports.length} playbooks valid`);
      }
      if (invalid.length) process.exitCode = exitCodes.invalid;
    });
}
