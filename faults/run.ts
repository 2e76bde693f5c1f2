import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startStack } from '../stack/env';

/**
 * `npm run faults [NAME]`: the full variant of every fault scenario (faults/NAME.fault.ts), or of
 * one, against a throwaway stack (or the servers TEMPORAL_ADDRESS, MONGODB_URI and SMTP_URL name),
 * one after another; each writes faults/results/NAME.json. Scenarios that kill a server start
 * their own private one.
 */
const root = path.resolve(__dirname, '..');
const scenarios = fs.readdirSync(__dirname).filter((f) => f.endsWith('.fault.ts')).map((f) => f.replace(/\.fault\.ts$/, '')).sort();

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !scenarios.includes(w));
  if (unknown.length) {
    console.error(`unknown scenario ${unknown.join(', ')}; one of: ${scenarios.join(', ')}`);
    return 2;
  }
  const stack = await startStack({ mode: 'test' });
  try {
    const files = (wanted.length ? wanted : scenarios).map((s) => `faults/${s}.fault.ts`);
    const jest = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
    return await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, [jest, '--config', 'faults/jest.config.js', '--runInBand', ...files], {
        cwd: root, stdio: 'inherit', env: { ...process.env, ...stack.env, HERALD_FAULTS: 'full' },
      });
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
      child.once('exit', (code) => resolve(code ?? 1));
    });
  } finally {
    await stack.stop();
  }
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
