// Entry point for `npm start`, `npm test` and `npm run bench`: installs dependencies when the
// lock file changed, then hands off to the TypeScript CLI in stack/cli.ts.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const startedAt = Date.now();

function needsInstall() {
  const installed = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(installed)) return true;
  return statSync(join(root, 'package-lock.json')).mtimeMs > statSync(installed).mtimeMs;
}

let installMs = 0;
if (needsInstall()) {
  console.error('installing dependencies (npm ci)…');
  // Under `npm run`, npm_execpath is the npm that started us; reuse it rather than trusting PATH.
  const npmCli = process.env.npm_execpath;
  const [cmd, args] = npmCli && npmCli.endsWith('.js')
    ? [process.execPath, [npmCli, 'ci', '--no-audit', '--no-fund', '--loglevel=error']]
    : ['npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']];
  const result = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    console.error('npm ci failed');
    process.exit(result.status ?? 1);
  }
  installMs = Date.now() - startedAt;
}

// `npm test` reports its wall time from here, with the time the install took.
const child = spawn(process.execPath, ['--import', 'tsx', join('stack', 'cli.ts'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, HERALD_STARTED_AT: String(startedAt), HERALD_INSTALL_MS: String(installMs) },
});

// A terminal's Ctrl-C reaches the child too; forwarding covers `kill <pid>` from supervisors.
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const forward = (signal) => child.kill(signal);
for (const signal of signals) process.on(signal, forward);

child.on('exit', (code, signal) => {
  for (const s of signals) process.off(s, forward);
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
