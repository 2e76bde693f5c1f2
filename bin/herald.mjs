#!/usr/bin/env node
// The `herald` command (package.json "bin"): runs the TypeScript CLI in cli/main.ts through tsx,
// from the caller's directory, and exits with its code (README "The herald CLI" lists them).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'cli', 'main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
