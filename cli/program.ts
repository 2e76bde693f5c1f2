/**
 * The herald command's root and what every command shares: the global options, the connection
 * they resolve to (cli/config.ts), and the one way a command prints (a table or `--json`).
 */
import { Command, InvalidArgumentError } from 'commander';
import type { Connection } from './api';
import { resolveConnection } from './config';

export const program = new Command('herald')
  .description("Herald's incident communication from the command line")
  .option('--url <url>', 'Herald API (default: env HERALD_URL, the config file, http://127.0.0.1:8080)')
  .option('--key <key>', 'API key (default: env HERALD_API_KEY, the config file)')
  .option('--json', "print the API's JSON answer");

export type Globals = Connection & { json?: boolean };

export function globals(cmd: Command): Globals {
  const g = cmd.optsWithGlobals<{ url?: string; key?: string; json?: boolean }>();
  return { ...resolveConnection(g), json: g.json };
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive whole number');
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a positive number');
  return n;
}

export const list = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

/** Runs a command: the API's JSON with --json, else what `human` makes of it. */
export function run<T>(cmd: Command, request: (conn: Connection) => Promise<T>, human: (body: T) => string) {
  return async () => {
    const g = globals(cmd);
    const body = await request(g);
    console.log(g.json ? JSON.stringify(body, null, 2) : human(body));
  };
}

export const enc = encodeURIComponent;
