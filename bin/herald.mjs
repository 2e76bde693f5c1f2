#!/usr/bin/env node
// The `herald` command (package.json "bin"): runs the TypeScript CLI in cli/main.ts through tsx's
// CommonJS hook, from the caller's directory, and exits with its code (README "The herald CLI"
// lists them). The CommonJS hook alone (`--require tsx/cjs`) starts in two thirds of the CPU that
// `--import tsx` takes, which also starts an ESM loader thread the CLI has no use for.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// tsx resolved from here, not from the caller's directory: the command runs anywhere.
const hook = createRequire(import.meta.url).resolve('tsx/cjs');
const child = spawn(process.execPath, ['--require', hook, join(root, 'cli', 'main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
