import {
  joinLines, originalSpan, rewrite, stripTags, unmask, viewOf, type TextView,
} from './messages/text-view';

/**
 * The redaction engine (M5.5): finds infrastructure details and credentials in text bound for
 * customers, redacts what can be redacted and blocks what cannot be made safe.
 *
 * Detection reads several views of the text — as written; with entities, %XX escapes,
 * zero-width characters, compatibility forms and look-alike letters decoded; with markup removed;
 * with line breaks removed — so a secret disguised in any of those ways is still found, and the
 * redaction lands on the original characters it came from.
 *
 * Blocking rule: a message is blocked, never sent, when
 *  - it contains a finding of a kind that cannot be made safe by redaction (by default a private
 *    key block: its mere presence means key material leaked into a draft), or
 *  - more than `maxRedactedShare` of a field's non-blank characters would be redacted (what is
 *    left would not be a message, and its shape can still reveal what was there), or
 *  - the redacted text, read again, still shows something sensitive.
 */

export const findingKinds = [
  'ip-address', 'ip-range', 'internal-host', 'staff-email', 'internal-service', 'aws-access-key',
  'github-token', 'slack-token', 'jwt', 'bearer-token', 'private-key', 'password', 'url-credentials',
  'high-entropy',
] as const;
export type FindingKind = (typeof findingKinds)[number];

export interface RedactionConfig {
  /** Domain suffixes that only resolve inside the company: `internal`, `corp`, `svc.cluster.local`. */
  internalSuffixes: string[];
  /** Email domains of staff; addresses there are personal data and an attack surface. */
  staffDomains: string[];
  /** Staff-domain addresses customers may see (support, status, privacy). */
  allowedEmails: string[];
  /** Names of internal services customers must not see. */
  internalServices: string[];
  blockKinds: FindingKind[];
  /** Above this share of redacted characters in any field, the message is blocked. */
  maxRedactedShare: number;
}

export interface RedactionFinding {
  kind: FindingKind;
  /** The sensitive text, masked: enough to recognise it in a review, not enough to reuse it. */
  original: string;
  start: number;
  end: number;
}

export interface RedactionResult {
  text: string;
  findings: RedactionFinding[];
  blocked: boolean;
  blockReasons: string[];
}

export const redactionMark = '[redacted]';

interface Detector {
  kind: FindingKind | ((match: string) => FindingKind);
  re: RegExp;
  /** The capture group that is the secret; the rest of the match is context. */
  group?: number;
  accept?: (secret: string, m: RegExpExecArray) => boolean;
  /**
   * Word boundaries, checked by hand rather than in the pattern: where a line break was taken
   * out to rejoin a split secret, a word may end or start even though letters touch.
   */
  before?: RegExp;
  after?: RegExp;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const alternatives = (list: string[]) => list.map(escapeRe).sort((a, b) => b.length - a.length).join('|');
const wordChar = /[\p{L}\p{N}_]/u;
const wordStart = /^[\p{L}\p{N}_]/u;
const domainBefore = /[\p{L}\p{N}_.-]/u;
const domainAfter = /^(?:[\p{L}\p{N}_-]|\.[\p{L}\p{N}])/u;

function isIPv6(candidate: string): boolean {
  const addr = candidate.split('/')[0];
  const halves = addr.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  let count = 0;
  for (let i = 0; i < groups.length; i++) {
    if (i === groups.length - 1 && /^\d{1,3}(\.\d{1,3}){3}$/.test(groups[i])) count += 2;
    else if (/^[0-9a-f]{1,4}$/i.test(groups[i])) count += 1;
    else return false;
  }
  const hexDigits = addr.replace(/[^0-9a-f]/gi, '').length;
  return halves.length === 2 ? count >= 2 && count <= 7 && hexDigits >= 3 : count === 8;
}

function shannon(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A token that looks machine-made: long, mixing upper case, lower case and digits with high
 * character entropy, or a long hex string. UUIDs (incident and request IDs) are not secrets.
 */
export function isHighEntropy(token: string): boolean {
  if (uuid.test(token)) return false;
  const count = (re: RegExp) => (token.match(re) ?? []).length;
  if (token.length >= 32 && /^[0-9a-f]+$/i.test(token) && count(/\d/g) >= 4 && count(/[a-f]/gi) >= 4) return true;
  if (count(/\d/g) < 2 || count(/[A-Z]/g) < 2 || count(/[a-z]/g) < 2) return false;
  const ceiling = Math.log2(Math.min(token.length, 64));
  const h = shannon(token);
  if (h >= 0.8 * ceiling) return true;
  // A random token can repeat a few characters by chance and fall under the bar above (about 3 in
  // 10,000 random 20-64 character tokens do). What still marks it as machine-made is how often it
  // switches between upper case, lower case and digits: words, even camel-cased, switch rarely.
  return h >= 0.6 * ceiling && classSwitches(token) >= token.length / 4;
}

function classSwitches(token: string): number {
  const cls = (c: string) => (c >= 'A' && c <= 'Z' ? 0 : c >= 'a' && c <= 'z' ? 1 : c >= '0' && c <= '9' ? 2 : 3);
  let n = 0;
  for (let i = 1; i < token.length; i++) if (cls(token[i]) !== cls(token[i - 1])) n++;
  return n;
}

const ipv4Octet = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';

const detectorCache = new WeakMap<RedactionConfig, Detector[]>();

function detectorsFor(config: RedactionConfig): Detector[] {
  const cached = detectorCache.get(config);
  if (cached) return cached;
  const detectors: Detector[] = [
    {
      kind: 'private-key',
      re: /-----\s*BEGIN[A-Z ]*PRIVATE ?KEY(?: ?BLOCK)?\s*-----[\s\S]*?(?:-----\s*END[A-Z ]*PRIVATE ?KEY(?: ?BLOCK)?\s*-----|$)/gi,
    },
    {
      kind: 'aws-access-key',
      re: /(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16,}/g,
      accept: (s) => /\d/.test(s.slice(4)),
    },
    { kind: 'github-token', re: /(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{22,255})/gi },
    { kind: 'slack-token', re: /xox[abposre]-[A-Za-z0-9-]{10,}/gi },
    { kind: 'jwt', re: /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/gi },
    {
      kind: 'url-credentials',
      re: /[a-z][a-z0-9+.-]*:\/\/([^\s/:@<>"']+:[^\s/@<>"']+)@/gi,
      group: 1,
    },
    {
      kind: 'bearer-token',
      re: /bearer\s+([A-Za-z0-9._~+/-]{8,}=*)/gi,
      group: 1,
      before: /[\p{L}\p{N}]/u,
      accept: (s) => /\d/.test(s) || s.length >= 16,
    },
    {
      kind: 'password',
      re: /(password|passwd|pwd|passphrase|secret|client[_-]?secret|api[_-]?key|apikey|access[_-]?token|auth[_-]?token|token|access[_-]?key|private[_-]?key)\s*([:=])\s*(?!\[redacted\])("[^"\n]+"|'[^'\n]+'|[^\s"'<>&;,]*[^\s"'<>&;,.!?:)])/giu,
      group: 3,
      accept: (s, m) => m[2] === '=' || /[^\p{L}]/u.test(s) || s.length >= 8,
    },
    {
      kind: (s) => (s.includes('/') ? 'ip-range' : 'ip-address'),
      re: new RegExp(`(?:${ipv4Octet}\\.){3}${ipv4Octet}(?:\\/(?:3[0-2]|[12]?\\d))?`, 'g'),
      before: /[\d.]/,
      after: /^(?:\d|\.\d)/,
    },
    {
      kind: (s) => (s.includes('/') ? 'ip-range' : 'ip-address'),
      re: /(?:[0-9a-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9a-f]{1,4})?(?:\/\d{1,3})?/gi,
      accept: isIPv6,
      before: /[0-9a-f:.]/i,
      after: /^(?:[0-9a-f:]|\.\d)/i,
    },
    { kind: 'high-entropy', re: /[A-Za-z0-9+/_=-]{20,}/g, accept: isHighEntropy },
  ];
  if (config.internalSuffixes.length) {
    detectors.push({
      kind: 'internal-host',
      re: new RegExp(`(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+(?:${alternatives(config.internalSuffixes)})`, 'giu'),
      before: domainBefore,
      after: domainAfter,
    });
  }
  if (config.staffDomains.length) {
    const allowed = new Set(config.allowedEmails.map((e) => e.toLowerCase()));
    detectors.push({
      kind: 'staff-email',
      re: new RegExp(`[a-z0-9._%+-]+@(?:[a-z0-9-]+\\.)*(?:${alternatives(config.staffDomains)})`, 'giu'),
      accept: (s) => !allowed.has(s.toLowerCase()),
      before: /[\p{L}\p{N}._%+-]/u,
      after: domainAfter,
    });
  }
  if (config.internalServices.length) {
    detectors.push({
      kind: 'internal-service',
      re: new RegExp(alternatives(config.internalServices), 'giu'),
      before: wordChar,
      after: wordStart,
    });
  }
  // Indices locate the capture group that holds the secret.
  for (const d of detectors) d.re = new RegExp(d.re.source, `${d.re.flags}d`);
  detectorCache.set(config, detectors);
  return detectors;
}

// Block-level tags end a line of text; inline tags may sit in the middle of a word.
const blockTag = /<\/?(?:p|br|div|li|ul|ol|h[1-6]|tr|td|th|table|section|article|blockquote|pre|hr)\b[^<>]*>/gi;

function views(text: string): TextView[] {
  const raw = viewOf(text);
  const asWritten = unmask(raw);
  const withoutMarkup = unmask(stripTags(rewrite(raw, blockTag, () => '\n')));
  return [asWritten, joinLines(asWritten), withoutMarkup, joinLines(withoutMarkup)];
}

/** Masks a secret for the record: its first and last two characters and its length. */
export function maskSecret(secret: string): string {
  const chars = [...secret];
  if (chars.length <= 8) return `${'•'.repeat(chars.length)} (${chars.length})`;
  return `${chars.slice(0, 2).join('')}…${chars.slice(-2).join('')} (${chars.length})`;
}

const joinedAt = (v: TextView, i: number) => v.joins?.has(i) ?? false;

function boundedBefore(d: Detector, v: TextView, start: number): boolean {
  return !d.before || start === 0 || joinedAt(v, start) || !d.before.test(v.text[start - 1]);
}

function boundedAfter(d: Detector, v: TextView, end: number): boolean {
  return !d.after || end >= v.text.length || joinedAt(v, end) || !d.after.test(v.text.slice(end, end + 2));
}

/**
 * A greedy match that ran across a rejoined line break into the next word: the secret may end
 * exactly at the break. Only for detectors whose whole match is the secret.
 */
function endAtJoin(d: Detector, v: TextView, m: RegExpExecArray): RegExpExecArray | undefined {
  if (d.group || !v.joins) return undefined;
  const whole = new RegExp(`^(?:${d.re.source})$`, d.re.flags.replace('g', ''));
  for (let j = m.index + m[0].length - 1; j > m.index; j--) {
    if (!v.joins.has(j)) continue;
    const sub = v.text.slice(m.index, j);
    if (whole.test(sub)) return Object.assign([sub], { index: m.index, input: v.text, indices: [[m.index, j]] }) as unknown as RegExpExecArray;
  }
  return undefined;
}

function* matches(d: Detector, v: TextView): Generator<RegExpExecArray> {
  const re = new RegExp(d.re);
  for (let m = re.exec(v.text); m; m = re.exec(v.text)) {
    const end = m.index + m[0].length;
    const found = !boundedBefore(d, v, m.index) ? undefined : boundedAfter(d, v, end) ? m : endAtJoin(d, v, m);
    if (found) {
      yield found;
      re.lastIndex = Math.max(found.index + found[0].length, found.index + 1);
    } else {
      // A shorter or later match may start inside the one the boundaries rejected.
      re.lastIndex = m.index + 1;
    }
  }
}

/** Every sensitive span of a text, in the text's own positions, overlaps removed. */
export function findSensitive(text: string, config: RedactionConfig): RedactionFinding[] {
  const all = views(text);
  const found: RedactionFinding[] = [];
  for (const d of detectorsFor(config)) {
    for (const v of all) {
      for (const m of matches(d, v)) {
        const [s, e] = d.group ? m.indices![d.group]! : m.indices![0];
        const secret = v.text.slice(s, e);
        if (e <= s || (d.accept && !d.accept(secret, m))) continue;
        const span = originalSpan(v, s, e);
        const kind = typeof d.kind === 'function' ? d.kind(secret) : d.kind;
        found.push({ kind, original: maskSecret(secret), ...span });
      }
    }
  }
  // Keep the widest finding where several views or detectors saw the same secret.
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: RedactionFinding[] = [];
  for (const f of found) {
    const last = out[out.length - 1];
    if (last && f.start >= last.start && f.end <= last.end) continue;
    out.push(f);
  }
  return out;
}

function mergedSpans(findings: RedactionFinding[]): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  for (const f of [...findings].sort((a, b) => a.start - b.start)) {
    const last = spans[spans.length - 1];
    if (last && f.start <= last.end) last.end = Math.max(last.end, f.end);
    else spans.push({ start: f.start, end: f.end });
  }
  return spans;
}

function replaceSpans(text: string, spans: { start: number; end: number }[]): string {
  let out = '';
  let last = 0;
  for (const s of spans) {
    out += text.slice(last, s.start) + redactionMark;
    last = s.end;
  }
  return out + text.slice(last);
}

const nonBlank = (s: string) => s.replace(/\s/g, '').length;

/** One text redacted, with the counts the mostly-redacted rule needs; no share rule applied yet. */
export interface ScrubbedText extends RedactionResult {
  redactedChars: number;
  totalChars: number;
}

export function scrub(text: string, config: RedactionConfig): ScrubbedText {
  const totalChars = nonBlank(text);
  const findings = findSensitive(text, config);
  if (!findings.length) return { text, findings, blocked: false, blockReasons: [], redactedChars: 0, totalChars };
  const spans = mergedSpans(findings);
  let redacted = replaceSpans(text, spans);
  const redactedChars = spans.reduce((n, s) => n + nonBlank(text.slice(s.start, s.end)), 0);
  const blockReasons = [...new Set(findings.map((f) => f.kind).filter((k) => config.blockKinds.includes(k)))].map(
    (kind) => `contains a ${kind}, which redaction cannot make safe`,
  );
  const residue = findSensitive(redacted, config);
  if (residue.length) {
    blockReasons.push(`the redacted text still shows ${[...new Set(residue.map((f) => f.kind))].join(', ')}`);
    redacted = replaceSpans(redacted, mergedSpans(residue));
  }
  return { text: redacted, findings, blocked: blockReasons.length > 0, blockReasons, redactedChars, totalChars };
}

/** The mostly-redacted rule over one message, all of its fields together; undefined when it holds. */
export function mostlyRedacted(parts: { redactedChars: number; totalChars: number }[], config: RedactionConfig): string | undefined {
  const redacted = parts.reduce((n, p) => n + p.redactedChars, 0);
  const share = redacted / Math.max(1, parts.reduce((n, p) => n + p.totalChars, 0));
  if (share <= config.maxRedactedShare) return undefined;
  return `${Math.round(share * 100)}% of the message would be redacted (the limit is ${Math.round(config.maxRedactedShare * 100)}%)`;
}

/** Redacts one text that is a message on its own. */
export function redact(text: string, config: RedactionConfig): RedactionResult {
  const { redactedChars, totalChars, ...result } = scrub(text, config);
  const tooMuch = mostlyRedacted([{ redactedChars, totalChars }], config);
  if (!tooMuch) return result;
  return { ...result, blocked: true, blockReasons: [...result.blockReasons, tooMuch] };
}
