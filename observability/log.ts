import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { masked, scrubText, scrubValue } from './redact';

/**
 * Herald's one logger: JSON lines (pino) from the API and the worker, pretty in a terminal.
 * Every line passes two filters: the `redact` paths cut fields that are secrets as a whole
 * (Authorization headers, passwords, webhook secrets, recipient fields), and every string left,
 * the message included, has its email addresses, phone numbers and URL credentials masked
 * (observability/redact.ts). A request's lines carry its requestId; an activity's lines carry
 * its workflowId, incidentId and message version (api/request-log.ts, observability/activity-log.ts).
 */

export type { Logger } from 'pino';

export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export interface LogOptions {
  level: LogLevel;
  pretty: boolean;
  /** A file to append JSON lines to instead of stdout (HERALD_LOG_FILE). */
  file?: string;
  /** Any stream instead of stdout or the file (an embedding process, a test of the logger itself). */
  stream?: DestinationStream;
}

/** Fields that are a secret or a recipient as a whole, wherever the logged object carries them. */
const secretFields = [
  'authorization', 'cookie', 'password', 'pass', 'secret', 'token', 'apiKey', 'key',
  'webhookSecret', 'signingSecret', 'linkSecret', 'unsubscribeSecret', 'smtpUrl', 'mongoUri',
  'email', 'emails', 'recipient', 'recipients', 'to', 'phone',
];
export const redactPaths = [
  ...secretFields,
  ...secretFields.map((f) => `*.${f}`),
  ...['authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-herald-signature'].flatMap((h) => [`headers["${h}"]`, `req.headers["${h}"]`, `*.headers["${h}"]`]),
];

/** Literal secrets this process holds (API keys, signing secrets, SMTP password), cut wherever they appear. */
const literalSecrets = new Set<string>();

/** Adds values to cut from every line; short values are ignored (they would mask ordinary words). */
export function registerLogSecrets(values: Iterable<string | undefined>): void {
  for (const v of values) if (v && v.length >= 8) literalSecrets.add(v);
}

/** HERALD_LOG_LEVEL (default info), HERALD_LOG_PRETTY (1/0; default: stdout is a terminal), HERALD_LOG_FILE. */
export function logOptionsFromEnv(env: NodeJS.ProcessEnv = process.env, isTTY = Boolean(process.stdout.isTTY)): LogOptions {
  const level = (env.HERALD_LOG_LEVEL ?? 'info').toLowerCase();
  if (!(logLevels as readonly string[]).includes(level)) throw new Error(`HERALD_LOG_LEVEL must be one of ${logLevels.join(', ')}, not "${env.HERALD_LOG_LEVEL}"`);
  const prettyFlag = env.HERALD_LOG_PRETTY?.toLowerCase();
  const file = env.HERALD_LOG_FILE || undefined;
  return {
    level: level as LogLevel,
    pretty: prettyFlag === undefined || prettyFlag === '' ? isTTY && !file : ['1', 'true', 'yes', 'on'].includes(prettyFlag),
    ...(file ? { file } : {}),
  };
}

export function createLogger(opts: LogOptions, base: Record<string, unknown> = {}): Logger {
  const secrets = () => [...literalSecrets];
  const destination: DestinationStream = opts.stream
    // Synchronous: a crash's last lines are on disk, and a reader of the file sees every line written.
    ?? (opts.file ? pino.destination({ dest: opts.file, sync: true, mkdir: true }) : opts.pretty ? pretty({ colorize: true, sync: true }) : pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      level: opts.level,
      base: { pid: process.pid, ...base },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactPaths, censor: masked },
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => scrubValue(bindings, secrets()) as Record<string, unknown>,
        log: (obj) => scrubValue(obj, secrets()) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a: unknown) => (typeof a === 'string' ? scrubText(a, secrets()) : a));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

let root: Logger | undefined;
let service = 'herald';

/** The process's logger, made from the environment on first use. */
export function rootLogger(): Logger {
  return (root ??= createLogger(logOptionsFromEnv(), { service }));
}

/** Names the process in every line (`herald-api`, `herald-worker`); its entry point calls this before the first line. */
export function nameService(name: string): Logger {
  service = name;
  if (root) root = root.child({ service: name });
  return rootLogger();
}

const scope = new AsyncLocalStorage<Logger>();

/** Runs `fn` with `log` as the logger of everything it calls (a request, an activity). */
export function withLogScope<T>(log: Logger, fn: () => T): T {
  return scope.run(log, fn);
}

/** The logger of the request or activity under way, with its fields bound; the root logger elsewhere. */
export function currentLog(): Logger {
  return scope.getStore() ?? rootLogger();
}
