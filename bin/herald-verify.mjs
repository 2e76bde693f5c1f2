#!/usr/bin/env node
// The `herald-verify` command (package.json "bin"): checks an archive bundle offline, with no
// server and no network (cli/herald-verify.ts, run through tsx); exits 0 when it verifies, 1 when not.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// tsx resolved from here, not from the caller's directory: an auditor runs this anywhere.
const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'cli', 'herald-verify.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
