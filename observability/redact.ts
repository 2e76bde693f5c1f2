/**
 * What must never reach a log line, found in free text: recipient addresses (email, phone),
 * credentials in URLs (user:password@, Slack incoming-webhook paths, signed link tokens, `key=`
 * and similar query parameters), bearer tokens, webhook signing secrets, and any literal secret
 * the process was configured with. Keys whose value is a secret as a whole (an Authorization
 * header, a password field) are cut by the logger's `redact` paths instead (observability/log.ts).
 */

export const masked = '[redacted]';

const textRules: [RegExp, string][] = [
  // Credentials in a URL's authority: smtp://user:secret@host, mongodb://u:p@host.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]+@/gi, `$1${masked}@`],
  // A Slack incoming-webhook URL is a credential from /services/ on.
  [/\/services\/[^\s"'<>?#]+/g, `/services/${masked}`],
  // Signed tokens in Herald's own links: tracked redirects, unsubscribe and confirmation links.
  [/\/(r|unsubscribe|confirm)\/[^\s/"'<>?#]+/g, `/$1/${masked}`],
  [/([?&](?:key|token|sig|signature|secret|api[_-]?key|access[_-]?token|t)=)[^&\s"'<>#]+/gi, `$1${masked}`],
  [/\b(Bearer|Basic)\s+[^\s"',]+/gi, `$1 ${masked}`],
  [/\bwhsec_[A-Za-z0-9+/=_-]+/g, masked],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, '[email]'],
  // E.164 phone numbers (outreach tasks carry them).
  [/(^|[^\w+])\+[1-9]\d{7,14}\b/g, '$1[phone]'],
];

/** Masks secrets and recipient addresses in one string; `secrets` are literal values to cut wherever they appear. */
export function scrubText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(masked);
  for (const [pattern, replacement] of textRules) out = out.replace(pattern, replacement);
  return out;
}

/** An Error as a log line carries it: its type, message, stack and code, scrubbed like any text. */
function errorFields(err: Error): Record<string, unknown> {
  const code = (err as { code?: unknown }).code;
  return { type: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}), ...(code !== undefined ? { code } : {}) };
}

/**
 * Every string in a value scrubbed (objects and arrays walked, errors flattened first so their
 * message and stack are scrubbed too); depth-limited so a cyclic or huge object stays cheap.
 */
export function scrubValue(value: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 6) return '[object]';
  if (value instanceof Error) return scrubValue(errorFields(value), secrets, depth + 1);
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubValue(v, secrets, depth + 1);
  return out;
}
