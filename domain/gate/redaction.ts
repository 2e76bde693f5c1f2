import {
  joinLines, originalSpan, rewrite, stripTags, unmask, viewOf, type TextView,
} from './text-view';
import { escapeRegex } from '../regex';

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
  'aws-secret-key', 'gcp-key', 'azure-key', 'url-signature', 'github-token', 'gitlab-token', 'slack-token',
  'stripe-key', 'sendgrid-key', 'twilio-key', 'npm-token', 'openai-key', 'saas-token', 'jwt', 'bearer-token',
  'private-key', 'password', 'url-credentials', 'high-entropy',
] as const;
export type FindingKind = (typeof findingKinds)[number];

export interface RedactionConfig {
  /**
   * Internal zones: a hostname that ends in one of them is internal, whatever comes before
   * (`internal`, `svc.cluster.local`, or a company zone under a public suffix such as `herald-infra.net`).
   */
  internalSuffixes: string[];
  /**
   * Labels that mark a hostname of three or more labels as internal wherever they stand except
   * last: `api.internal.herald.net`, `db.corp.herald.com`.
   */
  internalLabels: string[];
  /**
   * How the company names its hosts: regular expressions (case-insensitive) that one whole DNS
   * label must match, such as `db-prod-03`, `ip-10-0-3-7` or `k8s-node-…`; a bare name or any
   * dotted name with such a label is internal.
   */
  hostPatterns: string[];
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
  kind: FindingKind | ((secret: string, m: RegExpExecArray) => FindingKind);
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
  /** How much of a match the secret really is, when its format says where it ends. */
  trim?: (secret: string) => number;
}

const alternatives = (list: string[]) => list.map(escapeRegex).sort((a, b) => b.length - a.length).join('|');
const wordChar = /[\p{L}\p{N}_]/u;
const wordStart = /^[\p{L}\p{N}_]/u;
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

// RFC 1123 labels; a hostname is one or more of them joined by dots.
const dnsLabel = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const hostname = `${dnsLabel}(?:\\.${dnsLabel})*`;

/**
 * Whether a hostname is the company's own: it ends in an internal zone, carries an internal label
 * before its last one (`api.internal.herald.net`), or has a label named as the company names its
 * hosts (`db-prod-03`, `ip-10-0-3-7`).
 */
function internalHostTest(config: RedactionConfig): (name: string) => boolean {
  const zones = config.internalSuffixes.map((s) => s.toLowerCase());
  const labels = new Set(config.internalLabels.map((l) => l.toLowerCase()));
  const named = config.hostPatterns.length ? new RegExp(`^(?:${config.hostPatterns.join('|')})$`, 'i') : undefined;
  return (name) => {
    const parts = name.toLowerCase().split('.');
    const lower = parts.join('.');
    if (parts.length >= 2 && zones.some((z) => lower.endsWith(`.${z}`))) return true;
    if (parts.length >= 3 && /^[a-z]{2,63}$/.test(parts[parts.length - 1]) && parts.slice(0, -1).some((p) => labels.has(p))) return true;
    return named !== undefined && parts.some((p) => named.test(p));
  };
}

// Signature lengths (base64url characters) by JWS algorithm; RSA ones for 2048, 3072 and 4096-bit keys.
const rsaSignature = [342, 512, 683];
const jwtSignatureLengths: Record<string, number[]> = {
  HS256: [43], HS384: [64], HS512: [86], ES256: [86], ES384: [128], ES512: [176], EdDSA: [86],
  RS256: rsaSignature, RS384: rsaSignature, RS512: rsaSignature, PS256: rsaSignature, PS384: rsaSignature, PS512: rsaSignature,
};

/**
 * Where a JWT ends: a header that names its algorithm fixes the signature's length, so letters
 * glued on after it (a line break or a tag taken out) are not part of the token.
 */
function jwtLength(token: string): number {
  const [header, payload, signature] = token.split('.');
  let alg: unknown;
  try {
    alg = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown }).alg;
  } catch {
    return token.length;
  }
  const fits = (typeof alg === 'string' ? jwtSignatureLengths[alg] ?? [] : []).filter((n) => n <= signature.length);
  return fits.length ? header.length + payload.length + 2 + Math.max(...fits) : token.length;
}

const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

/**
 * A 40-character base64 run with `/` or `+` in it, random-looking: the shape of an AWS secret
 * access key (and of other providers' raw keys). Paths of words have too little entropy and
 * switch character classes too rarely to pass.
 */
function isBase64Key(s: string): boolean {
  return /[/+]/.test(s) && count(s, /[A-Z]/g) >= 2 && count(s, /[a-z]/g) >= 2
    && shannon(s) >= 4.2 && classSwitches(s) >= 12;
}

const mixed = (s: string) => /\d/.test(s) && /[A-Z]/.test(s) && /[a-z]/.test(s);

/**
 * Credential formats with a fixed shape. The rules are Herald's own, written from the patterns
 * that gitleaks publishes (https://github.com/gitleaks/gitleaks, `config/gitleaks.toml`) and
 * secretlint's rule packages (https://github.com/secretlint/secretlint, `packages/@secretlint/
 * secretlint-rule-{aws,azure,gcp,github,slack,npm,openai,…}`): the same prefixes and lengths, read
 * on every unmasked view. Whatever has no known shape is left to the entropy rule.
 */
const credentialFormats: Detector[] = [
  {
    kind: 'aws-access-key',
    re: /(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}/g,
    accept: (s) => /\d/.test(s.slice(4)),
  },
  { kind: 'aws-secret-key', re: /[A-Za-z0-9/+]{40}/g, accept: isBase64Key, before: /[A-Za-z0-9/+]/, after: /^[A-Za-z0-9/+=]/ },
  // GCP API keys, OAuth client secrets and access tokens; service-account keys are PEM blocks (private-key).
  { kind: 'gcp-key', re: /AIza[\w-]{35}|GOCSPX-[\w-]{28}|ya29\.[\w-]{20,}/g },
  // Azure storage account keys (connection strings, bare 64-byte keys), shared access keys, Entra ID client secrets.
  { kind: 'azure-key', re: /(?:AccountKey|SharedAccessKey)\s*=\s*([A-Za-z0-9+/]{20,}={0,2})/gi, group: 1 },
  { kind: 'azure-key', re: /[A-Za-z0-9+/]{86}==/g, before: /[A-Za-z0-9+/]/ },
  { kind: 'azure-key', re: /[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}/g, before: /[A-Za-z0-9_~.]/, after: /^[A-Za-z0-9_~.-]/ },
  // The signature of a signed URL: Azure SAS `sig=`, S3 and GCS presigned URLs.
  {
    kind: (_s, m) => (m[1].toLowerCase() === 'sig' ? 'azure-key' : 'url-signature'),
    re: /[?&;](sig|x-amz-signature|x-amz-security-token|x-goog-signature|signature)=(?!\[redacted\])([^&\s"'<>#]{8,})/gi,
    group: 2,
  },
  { kind: 'github-token', re: /gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_\w{22,255}/g },
  {
    kind: 'gitlab-token',
    re: /gl(?:pat|dt|ft|rt|soat|ffct|imt|agent|oas)-[\w-]{20,}|glptt-[0-9a-f]{40}|glcbt-[0-9a-zA-Z]{1,5}_[\w-]{20}|GR1348941[\w-]{20}/g,
  },
  { kind: 'slack-token', re: /xox[abposre]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,}|hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/]{20,}/gi },
  { kind: 'stripe-key', re: /(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,99}/g },
  { kind: 'sendgrid-key', re: /SG\.[\w-]{22}\.[\w-]{43}/g },
  { kind: 'twilio-key', re: /SK[0-9a-fA-F]{32}/g, before: /[A-Za-z0-9]/, accept: (s) => /\d/.test(s) && /[a-f]/i.test(s.slice(2)) },
  { kind: 'npm-token', re: /npm_[A-Za-z0-9]{36}/g },
  {
    kind: 'openai-key',
    re: /sk-(?:proj-|svcacct-|admin-|ant-(?:api|admin|sid)\d\d-)?[\w-]{20,}/g,
    before: /[\w-]/,
    accept: (s) => mixed(s.slice(3)),
  },
  {
    kind: 'saas-token',
    re: new RegExp([
      'do[opr]_v1_[a-f0-9]{64}', // DigitalOcean
      'hv[sb]\\.[\\w-]{90,300}', // HashiCorp Vault
      'pypi-AgEIcHlwaS5vcmc[\\w-]{50,}', // PyPI
      'shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}', // Shopify
      'dapi[a-f0-9]{32}', // Databricks
      'lin_api_[A-Za-z0-9]{40}', // Linear
      'PMAK-[a-f0-9]{24}-[a-f0-9]{34}', // Postman
      'hf_[A-Za-z]{34}', // Hugging Face
      'glc_[A-Za-z0-9+/]{32,400}={0,3}', 'glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}', // Grafana
      'sntry[us]_[A-Za-z0-9+/=_]{40,}', // Sentry
      'ATATT3[\\w=-]{186}', // Atlassian
      'sq0(?:atp|csp)-[\\w-]{22,60}', // Square
      'pscale_(?:tkn|oauth|pw)_[\\w=.-]{32,64}', // PlanetScale
      'dt0c01\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{64}', // Dynatrace
      'AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}', // age
      'whsec_[A-Za-z0-9+/]{24,}={0,2}', // Standard Webhooks and Stripe signing secrets
      'rubygems_[a-f0-9]{48}', 'pnu_[A-Za-z0-9]{36}', 'pul-[a-f0-9]{40}', 'ntn_\\d{11}[A-Za-z0-9]{35}',
      'xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}', // Brevo (Sendinblue)
      'key-[a-f0-9]{32}', // Mailgun
      'EZ[AT]K[A-Za-z0-9]{54}', // EasyPost
      'dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9]{40,44}', // Doppler
      'fo1_[\\w-]{43}', // Fly.io
      'sha256~[\\w-]{43}', // OpenShift
      'pplx-[A-Za-z0-9]{48}', // Perplexity
    ].join('|'), 'g'),
  },
];

const detectorCache = new WeakMap<RedactionConfig, Detector[]>();

function detectorsFor(config: RedactionConfig): Detector[] {
  const cached = detectorCache.get(config);
  if (cached) return cached;
  const isInternalHost = internalHostTest(config);
  const staffDomains = config.staffDomains.map((d) => d.toLowerCase());
  const allowedEmails = new Set(config.allowedEmails.map((e) => e.toLowerCase()));
  const detectors: Detector[] = [
    {
      kind: 'private-key',
      re: /-----\s*BEGIN[A-Z ]*PRIVATE ?KEY(?: ?BLOCK)?\s*-----[\s\S]*?(?:-----\s*END[A-Z ]*PRIVATE ?KEY(?: ?BLOCK)?\s*-----|$)/gi,
    },
    ...credentialFormats,
    { kind: 'jwt', re: /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/gi, trim: jwtLength },
    {
      kind: 'url-credentials',
      re: /[a-z][a-z0-9+.-]*:\/\/([^\s/:@<>"']+:[^\s/@<>"']+)@/gi,
      group: 1,
    },
    {
      kind: 'bearer-token',
      re: /bearer\s+([A-Za-z0-9._~+/-]{7,}[A-Za-z0-9_~+/-]=*)/gi,
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
    // Any hostname, kept when it is internal; the lookbehind skips starts inside a longer name.
    { kind: 'internal-host', re: new RegExp(`(?<![\\p{L}\\p{N}_.-])${hostname}`, 'giu'), accept: isInternalHost, after: domainAfter },
    {
      // The whole address of a staff mailbox or of any internal host, never only its domain.
      kind: 'staff-email',
      re: new RegExp(`[a-z0-9._%+-]+@${hostname}`, 'giu'),
      accept: (s) => {
        if (allowedEmails.has(s.toLowerCase())) return false;
        const domain = s.slice(s.lastIndexOf('@') + 1).toLowerCase();
        return staffDomains.some((d) => domain === d || domain.endsWith(`.${d}`)) || isInternalHost(domain);
      },
      before: /[\p{L}\p{N}._%+-]/u,
      after: domainAfter,
    },
    { kind: 'high-entropy', re: /[A-Za-z0-9+/_-]{20,}={0,2}/g, accept: isHighEntropy },
  ];
  if (config.internalServices.length) {
    detectors.push({
      kind: 'internal-service',
      re: new RegExp(alternatives(config.internalServices), 'giu'),
      before: wordChar,
      after: wordStart,
    });
  }
  // Indices locate the capture group that holds the secret.
  const withIndices = detectors.map((d) => ({ ...d, re: new RegExp(d.re.source, `${d.re.flags}d`) }));
  detectorCache.set(config, withIndices);
  return withIndices;
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

const wholeCache = new WeakMap<Detector, RegExp>();
/** The detector's pattern over a whole string. */
function wholeRe(d: Detector): RegExp {
  let re = wholeCache.get(d);
  if (!re) wholeCache.set(d, (re = new RegExp(`^(?:${d.re.source})$`, d.re.flags.replace('g', ''))));
  return re;
}

/**
 * A greedy match that ran across a rejoined line break into the next word: the secret may end
 * exactly at the break. Only for detectors whose whole match is the secret.
 */
function endAtJoin(d: Detector, v: TextView, m: RegExpExecArray): RegExpExecArray | undefined {
  if (d.group || !v.joins) return undefined;
  for (let j = m.index + m[0].length - 1; j > m.index; j--) {
    if (!v.joins.has(j)) continue;
    const sub = v.text.slice(m.index, j);
    if (wholeRe(d).test(sub)) return Object.assign([sub], { index: m.index, input: v.text, indices: [[m.index, j]] }) as unknown as RegExpExecArray;
  }
  return undefined;
}

// A word as prose writes it: what taking out a line break (or a paragraph's tags) glues onto a token.
const plainWord = /^(?:[A-Z]?[a-z]+|[AI])$/;

/**
 * The span of a match that is the secret, or undefined when there is none. In a view with line
 * breaks taken out, the breaks inside a match may have been real ones:
 *  - a match that is no finding as a whole (`oncall@herald.example` glued to the next line's
 *    word reads as another domain) may hold one between breaks: the widest is taken;
 *  - when the text on one side of a break is a plain word and the rest is a finding on its own,
 *    the word is not part of the secret (`…w5c` ending a paragraph, `We rotated it` opening the next).
 */
function secretSpan(d: Detector, v: TextView, m: RegExpExecArray, s: number, e: number): [number, number] | undefined {
  const valid = (a: number, b: number) => {
    const secret = v.text.slice(a, b);
    return b > a && (d.group !== undefined || a === s && b === e || wholeRe(d).test(secret)) && (!d.accept || d.accept(secret, m));
  };
  const inside = v.joins ? [...v.joins].filter((j) => j > s && j < e).sort((a, b) => a - b) : [];
  if (!valid(s, e)) {
    let best: [number, number] | undefined;
    for (const a of d.group === undefined ? [s, ...inside] : [s]) {
      for (const b of [e, ...inside]) if (valid(a, b) && (!best || b - a > best[1] - best[0])) best = [a, b];
    }
    if (!best) return undefined;
    [s, e] = best;
  }
  for (let i = inside.length - 1; i >= 0; i--) {
    if (inside[i] >= e) continue;
    if (!plainWord.test(v.text.slice(inside[i], e)) || !valid(s, inside[i])) break;
    e = inside[i];
  }
  if (d.group === undefined) {
    for (const j of inside) {
      if (j <= s) continue;
      if (j >= e || !plainWord.test(v.text.slice(s, j)) || !valid(j, e)) break;
      s = j;
    }
  }
  return [s, e];
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
        const [ms, me] = d.group ? m.indices![d.group]! : m.indices![0];
        const span = secretSpan(d, v, m, ms, me);
        if (!span) continue;
        const s = span[0];
        const e = d.trim ? s + d.trim(v.text.slice(s, span[1])) : span[1];
        const secret = v.text.slice(s, e);
        const kind = typeof d.kind === 'function' ? d.kind(secret, m) : d.kind;
        found.push({ kind, original: maskSecret(secret), ...originalSpan(v, s, e) });
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
