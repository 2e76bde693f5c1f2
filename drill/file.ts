import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { validateDrill, type DrillIssue, type DrillScript } from '../domain/drills/script';

/** A drill file (drills/*.yaml or *.json) read and validated; what is wrong with it at its exact paths. */
export function readDrillFile(file: string): { ok: true; script: DrillScript } | { ok: false; issues: DrillIssue[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { ok: false, issues: [{ path: '(file)', message: `cannot read ${file}: ${(err as Error).message}` }] };
  }
  let data: unknown;
  try {
    data = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    return { ok: false, issues: [{ path: '(file)', message: `not valid ${extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}` }] };
  }
  return validateDrill(data);
}
