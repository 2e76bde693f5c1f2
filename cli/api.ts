/** The herald CLI's HTTP client: one request to Herald's REST API, its refusals as exit codes. */

/** What a script can rely on: README "The herald CLI". */
export const exitCodes = { ok: 0, usage: 1, notFound: 2, conflict: 3, forbidden: 4, invalid: 5, server: 6, unverified: 7 } as const;

export class CliError extends Error {
  constructor(message: string, readonly exitCode: number, readonly refusal?: { status: number; body?: ErrorBody }) {
    super(message);
  }
}

export interface Connection {
  url: string;
  key?: string;
}

export interface ErrorBody {
  error?: string;
  message?: string;
  issues?: { path?: (string | number)[] | string; message: string }[];
  details?: Record<string, unknown>;
}

function exitCodeFor(status: number): number {
  if (status === 400) return exitCodes.invalid;
  if (status === 401 || status === 403) return exitCodes.forbidden;
  if (status === 404) return exitCodes.notFound;
  if (status === 409) return exitCodes.conflict;
  if (status >= 500) return exitCodes.server;
  return exitCodes.usage;
}

/** The refusal as a person reads it: the message, each invalid field, and the details (a 409's current version and hash). */
export function describeRefusal(status: number, body: ErrorBody | undefined): string {
  const lines = [`${status} ${body?.error ?? 'error'}: ${body?.message ?? 'no message'}`];
  for (const issue of body?.issues ?? []) {
    const path = Array.isArray(issue.path) ? issue.path.join('.') : issue.path;
    lines.push(`  ${path || '(body)'}: ${issue.message}`);
  }
  for (const [k, v] of Object.entries(body?.details ?? {})) lines.push(`  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return lines.join('\n');
}

/** A request body Herald reads as a stream (an NDJSON import), sent as it is produced. */
export interface StreamBody {
  contentType: string;
  stream: AsyncIterable<Uint8Array>;
}

/** Calls the API and answers its JSON body; any refusal or an unreachable server throws a CliError. */
export async function call<T>(conn: Connection, method: string, path: string, body?: unknown): Promise<T> {
  return send<T>(conn, method, path, body === undefined ? {} : { 'content-type': 'application/json' }, body === undefined ? undefined : JSON.stringify(body));
}

/** Sends a streamed body (`duplex: 'half'`: the answer comes once the body is sent). */
export function callStreaming<T>(conn: Connection, method: string, path: string, body: StreamBody): Promise<T> {
  return send<T>(conn, method, path, { 'content-type': body.contentType }, body.stream);
}

async function send<T>(conn: Connection, method: string, path: string, headers: Record<string, string>, body: string | AsyncIterable<Uint8Array> | undefined): Promise<T> {
  let res: Response;
  try {
    res = await fetch(new URL(path, conn.url), {
      method,
      headers: { ...(conn.key ? { authorization: `Bearer ${conn.key}` } : {}), ...headers },
      body: body as RequestInit["body"],
      ...(typeof body === 'object' ? { duplex: 'half' } : {}),
    } as RequestInit);
  } catch (err) {
    throw new CliError(`cannot reach Herald at ${conn.url}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`, exitCodes.server);
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    throw new CliError(describeRefusal(res.status, parsed as ErrorBody | undefined), exitCodeFor(res.status), { status: res.status, body: parsed as ErrorBody | undefined });
  }
  return parsed as T;
}

/** Plain padded columns: a header row and one row per item, for people (`--json` is for scripts). */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(headers), ...rows.map(line)].join('\n');
}
