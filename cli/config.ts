/**
 * Where the herald CLI finds Herald and its key: `--url`/`--key`, then `HERALD_URL`/`HERALD_API_KEY`,
 * then the config file (`HERALD_CONFIG`, else `$XDG_CONFIG_HOME/herald/config.json`, else
 * `~/.config/herald/config.json`), then the local default. A file that holds a key must be private
 * to its owner (like ssh's keys): one others can read is refused.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { CliError, exitCodes, type Connection } from './api';

export const defaultUrl = 'http://127.0.0.1:8080';

const ConfigFileSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).optional(),
  key: z.string().min(1).optional(),
});
export type ConfigFile = z.infer<typeof ConfigFileSchema>;

/** The config file's path, and whether it was asked for (HERALD_CONFIG) rather than looked for. */
export function configPath(env: NodeJS.ProcessEnv = process.env): { path: string; explicit: boolean } {
  if (env.HERALD_CONFIG) return { path: env.HERALD_CONFIG, explicit: true };
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return { path: join(base, 'herald', 'config.json'), explicit: false };
}

/** Reads the config file; none is fine unless HERALD_CONFIG names it. */
export function readConfigFile(env: NodeJS.ProcessEnv = process.env): ConfigFile & { path?: string } {
  const { path, explicit } = configPath(env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !explicit) return {};
    throw new CliError(`herald: cannot read the config file ${path}: ${(err as Error).message}`, exitCodes.usage);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CliError(`herald: ${path} is not valid JSON: ${(err as Error).message}`, exitCodes.usage);
  }
  const parsed = ConfigFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new CliError([`herald: ${path} is not a valid herald config file ({"url": "…", "key": "…"}):`, ...issues].join('\n'), exitCodes.usage);
  }
  if (parsed.data.key && process.platform !== 'win32') {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) {
      throw new CliError(`herald: ${path} holds an API key and others can read it (mode ${mode.toString(8)}); run: chmod 600 ${path}`, exitCodes.usage);
    }
  }
  return { ...parsed.data, path };
}

/** The connection: flags, then the environment, then the config file, then the default URL. */
export function resolveConnection(flags: { url?: string; key?: string }, env: NodeJS.ProcessEnv = process.env): Connection {
  const needFile = !(flags.url ?? env.HERALD_URL) || !(flags.key ?? env.HERALD_API_KEY);
  const file = needFile ? readConfigFile(env) : {};
  return {
    url: flags.url ?? env.HERALD_URL ?? file.url ?? defaultUrl,
    key: flags.key ?? env.HERALD_API_KEY ?? file.key,
  };
}
