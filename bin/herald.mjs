#!/usr/bin/env node
// The `herald` command (package.json "bin"): runs the TypeScript CLI in cli/main.ts through tsx,
// from the caller's directory, and exits with its code (README "The herald CLI" lists them).
// tsx's ESM loader, not only its CommonJS hook: commands import their heavy parts on demand.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// tsx resolved from here, not from the caller's directory: the command runs anywhere.
const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'cli', 'main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
