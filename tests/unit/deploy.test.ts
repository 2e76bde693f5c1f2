import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const runtime = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8').split(/^FROM .* AS runtime$/m)[1] ?? '';
/** What the entry points the image runs (Dockerfile's ENTRYPOINT/CMD, docker-compose.yml) load. */
const entryPoints = ['api/main.ts', 'workers/main.ts', 'scripts/seed.ts'];

/** Every source file the entry points load, following relative imports, and the packages they import. */
function runtimeImports() {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    if (!file.endsWith('.ts')) return;
    const source = fs.readFileSync(path.join(root, file), 'utf8');
    const specifiers = [
      ...source.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm),
      ...source.matchAll(/\b(?:require(?:\.resolve)?|import)\(\s*['"]([^'"]+)['"]\s*\)/g),
    ].map((m) => m[1]!);
    for (const spec of specifiers) {
      if (spec.startsWith('.')) {
        const base = path.join(path.dirname(file), spec);
        const found = [base, `${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(path.join(root, f)) && fs.statSync(path.join(root, f)).isFile());
        if (!found) throw new Error(`${file} imports ${spec}, which is not there`);
        visit(found);
      } else if (!builtinModules.includes(spec.replace(/^node:/, '').split('/')[0]!)) {
        packages.add(spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/'));
      }
    }
  };
  entryPoints.forEach(visit);
  return { files, packages };
}

describe('the production image (Dockerfile)', () => {
  const { files, packages } = runtimeImports();

  it('installs dependencies only, and every package the API, worker and seed import at run time is one', () => {
    expect(runtime).toMatch(/RUN npm ci --omit=dev\b/);
    expect(packages.size).toBeGreaterThan(5);
    expect([...packages].filter((p) => !(p in pkg.dependencies))).toEqual([]);
    // tsx runs the sources in the image (ENTRYPOINT node --import tsx).
    expect(runtime).toMatch(/ENTRYPOINT \["node", "--import", "tsx"\]/);
    expect(pkg.dependencies).toHaveProperty('tsx');
  });

  it('copies every source file they load into the runtime stage', () => {
    const copied = [...runtime.matchAll(/^COPY (?!--from)(\S+) /gm)].map((m) => m[1]!);
    const missing = [...files].filter((f) => !copied.some((c) => f === c || f.startsWith(`${c}/`)));
    expect(missing).toEqual([]);
    for (const dir of ['views', 'playbooks']) expect(copied).toContain(dir); // read from disk at run time
  });

  it('runs as a non-root user, hands the worker the bundle built at image build time, and checks the API\'s health route', () => {
    expect(runtime).toMatch(/^USER (?!root\b)\w+/m);
    const bundle = /HERALD_WORKFLOW_BUNDLE=(\S+)/.exec(runtime)?.[1];
    expect(bundle).toBeDefined();
    expect(runtime).toContain(`COPY --from=build ${bundle} `);
    expect(runtime).toMatch(/HEALTHCHECK [^\n]*\\\n[^\n]*\/healthz/);
  });
});
