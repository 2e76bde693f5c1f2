import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { refusalHttpStatus, refusalStatus } from '../../../domain/incident/refusals';

const root = join(__dirname, '../../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every refusal type the workflow and the domain throw: each `reject('Type', …)`. */
const thrown = new Set(
  [...sources(join(root, 'workflows')), ...sources(join(root, 'domain'))].flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/\breject\(\s*'([A-Za-z]+)'/g)].map((m) => m[1]),
  ),
);

describe('the one table of incident refusals', () => {
  it('[X1] finds the refusals the validators throw', () => {
    expect(thrown.size).toBeGreaterThanOrEqual(10);
  });

  it('[X1] gives every refusal the workflow throws an HTTP status, and holds none that nothing throws', () => {
    expect([...thrown].filter((t) => refusalHttpStatus(t) === undefined)).toEqual([]);
    expect(Object.keys(refusalStatus).filter((t) => !thrown.has(t))).toEqual([]);
  });

  it('[X1] answers conflicts 409, a missing right 403 and malformed requests 400', () => {
    expect(refusalHttpStatus('StaleVersion')).toBe(409);
    expect(refusalHttpStatus('Forbidden')).toBe(403);
    expect(refusalHttpStatus('InvalidLocale')).toBe(400);
    expect(refusalHttpStatus('toString')).toBeUndefined();
    expect(refusalHttpStatus(undefined)).toBeUndefined();
  });
});
