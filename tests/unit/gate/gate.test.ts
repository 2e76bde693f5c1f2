import fc from 'fast-check';
import { defaultGatePolicy } from '../../../config/gate';
import { passExternalGate } from '../../../domain/gate';
import { flatten } from '../../../domain/gate/text-view';

/**
 * Generated messages seeded with secrets in varied disguises; whatever the gate lets through,
 * and whatever it hands back for the review, must not show any secret in any field.
 */

const config = defaultGatePolicy.redaction;

/** Fast-check picks the seed; the secret's characters come from a plain PRNG so they look machine-made. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]) => xs[int(xs.length)];
  const chars = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[int(alphabet.length)]).join('');
  return { int, pick, chars };
}
type Rng = ReturnType<typeof prng>;

const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const lower = 'abcdefghijklmnopqrstuvwxyz';
const digits = '0123456789';
const alnum = upper + lower + digits;
const b64url = alnum + '-_';

/** A machine-made token: every character class present at least twice, shuffled in. */
function token(r: Rng, n: number): string {
  const seed = r.chars(upper, 2) + r.chars(lower, 2) + r.chars(digits, 2) + r.chars(alnum, n - 6);
  return [...seed].sort(() => r.int(3) - 1).join('');
}

/** Forty base64 characters with `/` or `+`: the shape of an AWS secret access key. */
function awsSecretKey(r: Rng): string {
  const base = r.chars(alnum + '+/', 39);
  const i = r.int(40);
  return `${base.slice(0, i)}${r.pick(['/', '+'])}${base.slice(i)}`;
}

const b64json = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** A JWT as issuers make it: JSON header and claims, and a signature of the algorithm's length. */
function jwt(r: Rng): string {
  const [alg, length] = r.pick([['HS256', 43], ['HS512', 86], ['ES256', 86], ['RS256', 342]] as const);
  return `${b64json({ alg, typ: 'JWT' })}.${b64json({ sub: r.chars(alnum, 12), iat: 1714550400 + r.int(1e6) })}.${r.chars(b64url, length)}`;
}

interface Secret {
  kind: string;
  /** As planted in the message. */
  value: string;
  /** What must never be readable afterwards. */
  core: string;
  caseInsensitive?: boolean;
  mustBlock?: boolean;
}

const secretMakers: ((r: Rng) => Secret)[] = [
  (r) => {
    const v = 'AKIA' + r.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 15) + r.pick(['2', '3', '7']);
    return { kind: 'aws', value: v, core: v };
  },
  (r) => {
    const v = `${r.pick(['ghp', 'gho', 'ghs'])}_${token(r, 36)}`;
    return { kind: 'github', value: v, core: v };
  },
  (r) => {
    const v = `xox${r.pick(['b', 'p', 'a'])}-${r.chars(digits, 12)}-${r.chars(digits, 12)}-${token(r, 24)}`;
    return { kind: 'slack', value: v, core: v };
  },
  (r) => {
    const v = `eyJ${r.chars(b64url, 20)}.eyJ${r.chars(b64url, 30)}.${r.chars(b64url, 43)}`;
    return { kind: 'jwt', value: v, core: v };
  },
  (r) => {
    const t = token(r, 32);
    return { kind: 'bearer', value: `${r.pick(['Bearer', 'bearer', 'BEARER'])} ${t}`, core: t };
  },
  (r) => {
    const pw = r.chars(alnum, 4) + r.pick(['!', '#', '$', '*', '+', '~', '@', '^']) + r.chars(alnum, 4) + r.chars(digits, 2);
    const key = r.pick(['password=', 'PASSWORD = ', 'password: ', 'api_key=', 'client_secret=', 'token=', 'passwd=']);
    return { kind: 'password', value: `${key}${pw}`, core: pw };
  },
  (r) => {
    const lines = Array.from({ length: 3 }, () => r.chars(alnum + '+/', 64));
    const label = r.pick(['RSA ', 'EC ', 'OPENSSH ', '']);
    return {
      kind: 'private-key',
      value: `-----BEGIN ${label}PRIVATE KEY-----\n${lines.join('\n')}\n-----END ${label}PRIVATE KEY-----`,
      core: lines[1],
      mustBlock: true,
    };
  },
  (r) => {
    const v = [10 + r.int(240), r.int(256), r.int(256), 1 + r.int(254)].join('.');
    return { kind: 'ipv4', value: v, core: v };
  },
  (r) => {
    const ip = [10 + r.int(240), r.int(256), r.int(256), 0].join('.');
    return { kind: 'cidr', value: `${ip}/${8 + r.int(23)}`, core: ip };
  },
  (r) => {
    const group = () => r.chars('0123456789abcdef', 4);
    const v = r.int(2) ? Array.from({ length: 8 }, group).join(':') : `fe80::${group()}:${group()}:${group()}`;
    return { kind: 'ipv6', value: v, core: v };
  },
  (r) => {
    const v = `${r.chars(lower, 3)}${r.chars(digits, 2)}.${r.pick(['payments', 'billing', 'edge', 'db'])}.${r.pick(config.internalSuffixes)}`;
    return { kind: 'internal-host', value: v, core: v, caseInsensitive: true };
  },
  (r) => {
    const v = `${r.pick(['jane.doe', 'oncall', 'sre-lead', 'm.rossi'])}${r.int(100)}@${r.pick(config.staffDomains)}`;
    return { kind: 'staff-email', value: v, core: v, caseInsensitive: true };
  },
  (r) => {
    const v = r.pick(config.internalServices);
    return { kind: 'service', value: v, core: v, caseInsensitive: true };
  },
  (r) => {
    const v = token(r, 24 + r.int(20));
    return { kind: 'high-entropy', value: v, core: v };
  },
  // The classes M5.5's second round added: cloud and SaaS credentials, internal zones, labels and host names.
  (r) => {
    const v = awsSecretKey(r);
    return { kind: 'aws-secret-key', value: v, core: v };
  },
  (r) => {
    const v = `AIza${r.chars(b64url, 35)}`;
    return { kind: 'gcp-api-key', value: v, core: v };
  },
  (r) => {
    const lines = Array.from({ length: 2 }, () => r.chars(alnum + '+/', 64));
    return {
      kind: 'gcp-service-account',
      value: `{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\n${lines.join('\\n')}\\n-----END PRIVATE KEY-----\\n"}`,
      core: lines[1],
      mustBlock: true,
    };
  },
  (r) => {
    const key = `${r.chars(alnum + '+/', 86)}==`;
    return { kind: 'azure-connection-string', value: `DefaultEndpointsProtocol=https;AccountName=prod${r.chars(lower, 6)};AccountKey=${key};EndpointSuffix=core.windows.net`, core: key };
  },
  (r) => {
    const sig = encodeURIComponent(`${r.chars(alnum + '+/', 43)}=`);
    return { kind: 'azure-sas', value: `https://prod.blob.core.windows.net/exports?sv=2022-11-02&sp=r&sig=${sig}`, core: sig };
  },
  (r) => {
    const v = r.pick([
      () => `github_pat_${r.chars(alnum, 22)}_${r.chars(alnum, 59)}`,
      () => `sk_live_${token(r, 24 + r.int(40))}`,
      () => `rk_live_${token(r, 24 + r.int(40))}`,
      () => `SG.${r.chars(b64url, 22)}.${r.chars(b64url, 43)}`,
      () => `SK${r.chars('0123456789abcdef', 30)}${r.pick(['0a', '9f', '3c'])}`,
      () => `npm_${r.chars(alnum, 36)}`,
      () => `glpat-${r.chars(b64url, 20)}`,
      () => `sk-proj-${token(r, 48)}`,
      () => `xoxp-${r.chars(digits, 11)}-${r.chars(digits, 11)}-${r.chars(digits, 12)}-${r.chars('0123456789abcdef', 32)}`,
    ])();
    return { kind: 'saas-token', value: v, core: v };
  },
  (r) => {
    const v = r.pick([
      () => `${r.chars(lower, 4)}${r.int(10)}.${r.pick(['internal', 'corp'])}.${r.pick(['herald', 'acme'])}.${r.pick(['net', 'com'])}`,
      () => `db-${r.pick(['prod', 'stg'])}-${r.chars(digits, 2)}`,
      () => `ip-10-${r.int(256)}-${r.int(256)}-${r.int(256)}.${r.pick(['ec2.internal', 'eu-west-1.compute.internal'])}`,
      () => `k8s-node-${r.chars('0123456789abcdef', 5)}`,
    ])();
    return { kind: 'internal-host', value: v, core: v, caseInsensitive: true };
  },
  (r) => {
    const v = `${r.pick(['oncall', 'sre', 'noc'])}@${r.pick(['ops.herald-infra.net', 'mail.corp.herald.com', 'eu.herald.example'])}`;
    return { kind: 'staff-email', value: v, core: v, caseInsensitive: true };
  },
  (r) => {
    const v = jwt(r);
    return { kind: 'jwt', value: v, core: v.split('.')[2] };
  },
];

const zeroWidth = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad'];
const lookalikes: Record<string, string> = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', x: 'х', A: 'А', B: 'В', E: 'Е', K: 'К', M: 'М', H: 'Н', O: 'О', P: 'Р', C: 'С', T: 'Т', X: 'Х' };

function at(s: string, r: Rng): number {
  return 1 + r.int(Math.max(1, s.length - 1));
}

/** Disguises that insert characters: applied first, so they never cut an escape in half. */
const insertions = {
  splitLine: (s: string, r: Rng) => {
    const i = at(s, r);
    return `${s.slice(0, i)}${r.pick(['\n', '\r\n', '\n  '])}${s.slice(i)}`;
  },
  zeroWidth: (s: string, r: Rng) => {
    let out = s;
    for (let k = 0; k < 1 + r.int(3); k++) {
      const i = at(out, r);
      out = out.slice(0, i) + r.pick(zeroWidth) + out.slice(i);
    }
    return out;
  },
};

/** Disguises of single characters; each character takes at most one. */
const substitutions = {
  entities: (c: string, r: Rng) =>
    c > ' ' && c <= '~' ? (r.int(2) ? `&#${c.charCodeAt(0)};` : `&#x${c.charCodeAt(0).toString(16)};`) : undefined,
  percent: (c: string) => (/[A-Za-z0-9.@:=-]/.test(c) ? `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : undefined),
  fullwidth: (c: string) => (c > ' ' && c <= '~' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : undefined),
  lookalikes: (c: string) => lookalikes[c],
};

const disguises = { ...insertions, ...substitutions };
type Disguise = keyof typeof disguises;

function mixCase(s: string, r: Rng): string {
  return [...s].map((c) => (r.int(2) ? c.toUpperCase() : c.toLowerCase())).join('');
}

function markup(s: string, r: Rng): string {
  const i = at(s, r);
  const [open, close] = r.pick([['<b>', '</b>'], ['<span class="x">', '</span>'], ['<em>', '</em>'], ['<wbr>', '']]);
  return `${s.slice(0, i)}${open}${s.slice(i)}${close}`;
}

const words = [
  'we', 'are', 'investigating', 'errors', 'affecting', 'checkout', 'customers', 'may', 'see', 'slow', 'pages',
  'the', 'issue', 'is', 'resolved', 'next', 'update', 'by', '10:30', 'UTC', 'on', '2024-05-01', 'for', '99.9%',
  'of', 'requests', 'Public', 'API', 'dashboard', 'thank', 'you', 'patience', 'status', 'https://status.example.com/incidents',
];

function prose(r: Rng, n: number): string {
  return Array.from({ length: n }, () => r.pick(words)).join(' ');
}

interface Plan {
  field: 'subject' | 'text' | 'html';
  secret: Secret;
  disguises: Disguise[];
  mixedCase: boolean;
  markup: boolean;
  context: 'plain' | 'url' | 'link';
}

function plant(r: Rng, plan: Plan): string {
  let v = plan.secret.value;
  if (plan.mixedCase && plan.secret.caseInsensitive) v = mixCase(v, r);
  for (const d of plan.disguises) if (d === 'splitLine' || d === 'zeroWidth') v = insertions[d](v, r);
  const subs = plan.disguises.filter((d): d is keyof typeof substitutions => d in substitutions);
  if (subs.length) v = [...v].map((c) => (r.int(4) === 0 ? substitutions[r.pick(subs)](c, r) ?? c : c)).join('');
  if (plan.field === 'html' && plan.markup && plan.context !== 'link') v = markup(v, r);
  if (plan.context === 'url') return `https://status.example.com/incidents?ref=${v}&lang=en`;
  if (plan.context === 'link' && plan.field === 'html') return `<a href="https://status.example.com/?q=${v}">details</a>`;
  return v;
}

type PlanInput = { seed: number; field: Plan['field']; maker: number; disguises: Disguise[]; mixedCase: boolean; markup: boolean; context: Plan['context'] };

const planArb: fc.Arbitrary<PlanInput> = fc.record({
  seed: fc.integer(),
  field: fc.constantFrom<Plan['field']>('subject', 'text', 'html'),
  maker: fc.integer({ min: 0, max: secretMakers.length - 1 }),
  disguises: fc.subarray(Object.keys(disguises) as Disguise[], { maxLength: 3 }),
  mixedCase: fc.boolean(),
  markup: fc.boolean(),
  context: fc.constantFrom<Plan['context']>('plain', 'url', 'link'),
});

function buildMessage(seed: number, plans: PlanInput[]) {
  const r = prng(seed);
  const fields = { subject: [prose(r, 4)], text: [prose(r, 20)], html: [`<p>${prose(r, 12)}</p>`] };
  const planted: Secret[] = [];
  for (const p of plans) {
    const pr = prng(p.seed);
    const secret = secretMakers[p.maker](pr);
    planted.push(secret);
    const piece = plant(pr, { ...p, secret });
    fields[p.field].push(p.field === 'html' && p.context !== 'link' ? `<p>${piece}</p>` : piece, prose(r, 3));
  }
  return {
    content: { subject: fields.subject.join(' '), text: fields.text.join('\n\n'), html: fields.html.join('\n') },
    planted,
  };
}

describe('the external gate', () => {
  it('[M5.5] lets no seeded secret survive in subject, text or HTML, whatever its disguise', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(planArb, { minLength: 1, maxLength: 4 }), (seed, plans) => {
        const { content, planted } = buildMessage(seed, plans);
        const verdict = passExternalGate(content, defaultGatePolicy);
        const seen = [verdict.content.subject, verdict.content.text, verdict.content.html].map(flatten);
        for (const s of planted) {
          const core = flatten(s.core);
          for (const field of seen) {
            if (field.includes(core)) throw new Error(`${s.kind} survived: ${JSON.stringify(s.value)} in ${JSON.stringify(verdict.content)}`);
          }
        }
        expect(verdict.findings.length).toBeGreaterThanOrEqual(1);
        if (planted.some((s) => s.mustBlock)) {
          expect(verdict.allowed).toBe(false);
          expect(verdict.nearMisses[0].kind).toBe('blocked-publication');
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('[M5.5] passes ordinary incident prose through unchanged', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const r = prng(seed);
        const content = { subject: prose(r, 5), text: `${prose(r, 30)}\n\n${prose(r, 10)}`, html: `<p>${prose(r, 15)}</p>` };
        const verdict = passExternalGate(content, defaultGatePolicy);
        expect(verdict).toMatchObject({ allowed: true, content, findings: [], nearMisses: [] });
      }),
      { numRuns: 200 },
    );
  });

  it('[M5.5, M5.6] blocks the whole message when one field cannot be made safe, and says why', () => {
    const verdict = passExternalGate({
      subject: 'Update on the checkout incident',
      text: 'Root cause: a leaked key.\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\nWe rotated it and many more words follow here so the share stays low.',
      html: '<p>Fine.</p>',
    }, defaultGatePolicy);
    expect(verdict.allowed).toBe(false);
    expect(verdict.blockReasons).toEqual([expect.stringMatching(/^text: contains a private-key/)]);
    expect(verdict.content.text).not.toContain('b3BlbnNzaC1rZXkt');
    expect(verdict.nearMisses).toEqual([
      { kind: 'blocked-publication', details: { reasons: verdict.blockReasons, findings: [expect.objectContaining({ field: 'text', kind: 'private-key' })] } },
    ]);
  });

  it('[M5.5, M5.6] redacts and allows what can be made safe, reporting a redacted disclosure', () => {
    const verdict = passExternalGate({
      subject: 'Errors on db01.payments.internal',
      text: 'Requests to 10.20.30.40 failed.',
      html: '<p>Requests to <code>10.20.30.40</code> failed.</p>',
    }, defaultGatePolicy);
    expect(verdict.allowed).toBe(true);
    expect(verdict.content).toEqual({
      subject: 'Errors on [redacted]',
      text: 'Requests to [redacted] failed.',
      html: '<p>Requests to <code>[redacted]</code> failed.</p>',
    });
    expect(verdict.nearMisses[0]).toMatchObject({ kind: 'redacted-disclosure' });
    expect(verdict.findings.map((f) => `${f.field}:${f.kind}`)).toEqual(['subject:internal-host', 'text:ip-address', 'html:ip-address']);
  });

  it('[M5.5] gates any further field a channel shows, such as a status-page title', () => {
    const verdict = passExternalGate({ subject: 's', text: 't', html: 'h', title: 'ledgerd down' }, defaultGatePolicy);
    expect(verdict.content.title).toBe('[redacted] down');
  });
});
