import { defaultGatePolicy } from '../../config/gate';

/**
 * Secrets of every class the gate knows (domain/gate/redaction.ts), made from a seeded source so
 * a run can be repeated, planted in generated incident messages. `core` is what must never be
 * readable at a receiver.
 */
export interface PlantedSecret {
  kind: string;
  value: string;
  core: string;
  caseInsensitive?: boolean;
}

type Rng = { int(n: number): number; pick<T>(xs: readonly T[]): T; chars(alphabet: string, n: number): string };

export function rngFrom(next: () => number): Rng {
  const int = (n: number) => Math.floor(next() * n);
  return { int, pick: (xs) => xs[int(xs.length)], chars: (a, n) => Array.from({ length: n }, () => a[int(a.length)]).join('') };
}

const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const lower = 'abcdefghijklmnopqrstuvwxyz';
const digits = '0123456789';
const hex = '0123456789abcdef';
const alnum = upper + lower + digits;
const b64url = `${alnum}-_`;
const config = defaultGatePolicy.redaction;

/** A machine-made token: upper, lower and digits at least twice each, shuffled. */
function token(r: Rng, n: number): string {
  const chars = [...(r.chars(upper, 2) + r.chars(lower, 2) + r.chars(digits, 2) + r.chars(alnum, n - 6))];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

const same = (kind: string, value: string, caseInsensitive = false): PlantedSecret => ({ kind, value, core: value, caseInsensitive });

/** One maker per class of the gate. */
export const secretMakers: Record<string, (r: Rng) => PlantedSecret> = {
  'aws-access-key': (r) => same('aws-access-key', `AKIA${r.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 15)}${r.pick(['2', '3', '7'])}`),
  'aws-secret-key': (r) => {
    const base = token(r, 39);
    const i = r.int(40);
    return same('aws-secret-key', `${base.slice(0, i)}${r.pick(['/', '+'])}${base.slice(i)}`);
  },
  'gcp-key': (r) => same('gcp-key', `AIza${r.chars(`${alnum}_-`, 35)}`),
  'azure-key': (r) => {
    const key = `${r.chars(`${alnum}+/`, 86)}==`;
    return { kind: 'azure-key', value: `AccountKey=${key}`, core: key.slice(0, 40) };
  },
  'url-signature': (r) => {
    const sig = token(r, 32);
    return { kind: 'url-signature', value: `https://storage.example.com/export.csv?X-Amz-Signature=${sig}`, core: sig };
  },
  'github-token': (r) => same('github-token', `${r.pick(['ghp', 'gho', 'ghs', 'ghu'])}_${token(r, 36)}`),
  'gitlab-token': (r) => same('gitlab-token', `glpat-${token(r, 20)}`),
  'slack-token': (r) => same('slack-token', `xox${r.pick(['b', 'p', 'a'])}-${r.chars(digits, 12)}-${r.chars(digits, 12)}-${token(r, 24)}`),
  'stripe-key': (r) => same('stripe-key', `${r.pick(['sk', 'rk'])}_${r.pick(['live', 'test'])}_${token(r, 24)}`),
  'sendgrid-key': (r) => same('sendgrid-key', `SG.${r.chars(b64url, 22)}.${r.chars(b64url, 43)}`),
  'twilio-key': (r) => same('twilio-key', `SK${r.chars(digits, 4)}${r.chars('abcdef', 4)}${r.chars(hex, 24)}`),
  'npm-token': (r) => same('npm-token', `npm_${token(r, 36)}`),
  'openai-key': (r) => same('openai-key', `sk-proj-${token(r, 40)}`),
  'saas-token': (r) => same('saas-token', r.pick([`dop_v1_${r.chars(hex, 64)}`, `shpat_${r.chars(hex, 32)}`, `hf_${r.chars(upper + lower, 34)}`, `whsec_${token(r, 32)}`])),
  'private-key': (r) => {
    const lines = Array.from({ length: 3 }, () => r.chars(`${alnum}+/`, 64));
    const label = r.pick(['RSA ', 'EC ', 'OPENSSH ', '']);
    return { kind: 'private-key', value: `-----BEGIN ${label}PRIVATE KEY-----\n${lines.join('\n')}\n-----END ${label}PRIVATE KEY-----`, core: lines[1] };
  },
  jwt: (r) => same('jwt', `eyJ${r.chars(b64url, 20)}.eyJ${r.chars(b64url, 30)}.${r.chars(b64url, 43)}`),
  'url-credentials': (r) => {
    const pw = token(r, 14);
    return { kind: 'url-credentials', value: `postgres://svc_user:${pw}@db.example.com:5432/app`, core: pw };
  },
  'bearer-token': (r) => {
    const t = token(r, 32);
    return { kind: 'bearer-token', value: `${r.pick(['Bearer', 'bearer'])} ${t}`, core: t };
  },
  password: (r) => {
    const pw = `${r.chars(alnum, 4)}${r.pick(['!', '#', '$', '*', '~', '@'])}${r.chars(alnum, 4)}${r.chars(digits, 2)}`;
    return { kind: 'password', value: `${r.pick(['password=', 'api_key=', 'client_secret=', 'token: '])}${pw}`, core: pw };
  },
  'ip-address': (r) => same('ip-address', [10 + r.int(240), r.int(256), r.int(256), 1 + r.int(254)].join('.')),
  'ip-range': (r) => {
    const ip = [10 + r.int(240), r.int(256), r.int(256), 0].join('.');
    return { kind: 'ip-range', value: `${ip}/${8 + r.int(23)}`, core: ip };
  },
  'internal-host': (r) => same('internal-host', `${r.chars(lower, 3)}${r.chars(digits, 2)}.${r.pick(['payments', 'billing', 'edge'])}.${r.pick(config.internalSuffixes)}`, true),
  'staff-email': (r) => same('staff-email', `${r.pick(['jane.doe', 'oncall', 'sre-lead'])}${r.int(100)}@${r.pick(config.staffDomains)}`, true),
  'internal-service': (r) => same('internal-service', r.pick(config.internalServices), true),
  'high-entropy': (r) => same('high-entropy', token(r, 24 + r.int(20))),
};

export const secretKinds = Object.keys(secretMakers);

const openings = [
  'We are investigating elevated error rates on checkout.',
  'Some customers cannot sign in to the dashboard.',
  'Payments are delayed for a subset of merchants.',
  'A fix is rolling out and error rates are falling.',
];

export interface PlantedMessage {
  title: string;
  subject: string;
  text: string;
  html: string;
  secrets: PlantedSecret[];
}

/** A message with one to three secrets, of the given kinds, in the title, subject, text or HTML (the HTML escapes nothing special). */
export function plantedMessage(r: Rng, kinds: string[]): PlantedMessage {
  const secrets = kinds.map((k) => secretMakers[k](r));
  const fields = { title: 'Checkout errors', subject: 'Service disruption', text: r.pick(openings), html: `<p>${r.pick(openings)}</p>` };
  for (const s of secrets) {
    const field = r.pick(['subject', 'text', 'text', 'html'] as const);
    const phrase = r.pick([`Details: ${s.value}.`, `(seen on ${s.value})`, `${s.value}`]);
    fields[field] = field === 'html' ? fields.html.replace('</p>', ` ${phrase}</p>`) : `${fields[field]} ${phrase}`;
  }
  return { ...fields, secrets };
}

/** Where a planted secret can be read in what a receiver got. */
export function leaks(received: string, secrets: PlantedSecret[]): PlantedSecret[] {
  const lower = received.toLowerCase();
  return secrets.filter((s) => (s.caseInsensitive ? lower.includes(s.core.toLowerCase()) : received.includes(s.core)));
}
