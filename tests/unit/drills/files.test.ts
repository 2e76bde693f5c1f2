import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { validateDrill } from '../../../domain/drills/script';

const dir = join(__dirname, '../../../drills');
const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f));
const load = (f: string): unknown => (f.endsWith('.json') ? JSON.parse(readFileSync(join(dir, f), 'utf8')) : parse(readFileSync(join(dir, f), 'utf8')));

describe('[M6.6] drill files', () => {
  it('[M6.6] ships at least four drills', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('[M6.6] drills/%s is a valid drill script named after its file', (f) => {
    const result = validateDrill(load(f));
    if (!result.ok) throw new Error(`${f}: ${JSON.stringify(result.issues)}`);
    expect(result.script.name).toBe(f.replace(/\.(ya?ml|json)$/, ''));
  });

  it('[M6.6] a broken script reports every issue at its exact path', () => {
    const script = load('maintenance-blackout.yaml') as { injects: Record<string, unknown>[]; incident: Record<string, unknown> };
    script.injects[2].at = 'soon';
    script.injects[1].minutes = -5;
    script.incident.severity = 'SEV9';
    const result = validateDrill(script);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['injects.2.at', 'injects.1.minutes', 'incident.severity']));
    expect(result.issues.find((i) => i.path === 'injects.2.at')?.message).toMatch(/duration/);
  });

  it('[M6.6] injects out of time order are reported at the later inject', () => {
    const script = load('global-outage-vendor.yaml') as { injects: Record<string, unknown>[] };
    script.injects[3].at = '1m';
    const result = validateDrill(script);
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual(['injects.3.at']);
  });
});
