import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { defaultGatePolicy } from '../../../config/gate';
import { findSensitive, isHighEntropy, maskSecret, redact, type RedactionConfig } from '../../../domain/gate/redaction';

const config: RedactionConfig = defaultGatePolicy.redaction;
const kinds = (text: string) => findSensitive(text, config).map((f) => f.kind);
const redacted = (text: string) => redact(text, config).text;

describe('redaction engine', () => {
  it('[M5.5] redacts IPv4 and IPv6 addresses and ranges, but not times, versions in prose or UUIDs', () => {
    expect(redacted('Traffic from 10.2.3.4 and 192.168.0.0/16 was dropped.')).toBe('Traffic from [redacted] and [redacted] was dropped.');
    expect(kinds('Hosts 2001:db8:85a3::8a2e:370:7334, fe80::1ff:fe23:4567:890a and 2001:0db8:0000:0000:0000:0000:0000:0001 and ::ffff:10.0.0.1')).toEqual([
      'ip-address', 'ip-address', 'ip-address', 'ip-address',
    ]);
    expect(kinds('2001:db8::/32 is ours')).toEqual(['ip-range']);
    const benign = 'Next update at 10:30:45 UTC on 2024-05-01; request 123e4567-e89b-12d3-a456-426614174000; 99.9% of requests; version 1.2.3.';
    expect(redact(benign, config)).toEqual({ text: benign, findings: [], blocked: false, blockReasons: [] });
    expect(kinds('999.1.2.3 and 1.2.3.4.5')).toEqual([]);
  });

  it('[M5.5] finds internal hostnames by configured suffix, in any case, and not inside longer names', () => {
    expect(redacted('db01.payments.internal, API.Edge.CORP and web-1.prod.svc.cluster.local failed')).toBe('[redacted], [redacted] and [redacted] failed');
    expect(kinds('See corporate.example.com, the internal team and example.local.news.com')).toEqual([]);
    expect(redacted('https://grafana.herald-infra.net/d/abc')).toBe('https://[redacted]/d/abc');
  });

  it('[M5.5] finds credentials in their known formats and keeps the context around them', () => {
    expect(kinds('AKIAIOSFODNN7EXAMPL3')).toEqual(['aws-access-key']);
    expect(kinds(`token ghp_${'a1B2c3D4e5'.repeat(4)}`)).toEqual(['github-token']);
    expect(kinds('xoxb-123456789012-123456789012-AbCdEfGhIjKlMnOpQrStUvWx')).toEqual(['slack-token']);
    expect(kinds('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c')).toEqual(['jwt']);
    expect(redacted('Authorization: Bearer abc123def456ghi789')).toBe('Authorization: Bearer [redacted]');
    expect(redacted('connect with password=hunter2 or PASSWORD: "correct horse"')).toBe('connect with password=[redacted] or PASSWORD: [redacted]');
    expect(redacted('postgres://admin:s3cret@db.example.com/app')).toBe('postgres://[redacted]@db.example.com/app');
    expect(kinds('The token: expired. Bearer tokens were rotated. Our secret: speed')).toEqual([]);
  });

  it('[M5.5] treats long machine-made strings as secrets by their entropy, not ordinary words', () => {
    expect(isHighEntropy('q8Zr2LmX0pVt7Ws4Ky9Bn3Jd')).toBe(true);
    expect(isHighEntropy('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b')).toBe(true);
    expect(isHighEntropy('internationalization')).toBe(false);
    expect(isHighEntropy('123e4567-e89b-12d3-a456-426614174000')).toBe(false);
    expect(redacted('secret material q8Zr2LmX0pVt7Ws4Ky9Bn3Jd here')).toBe('secret material [redacted] here');
  });

  it('[M5.5] catches a random token that happens to repeat characters, and every random token of 20-64 characters', () => {
    // Found by the generated gate test: its entropy is under the plain bar by chance.
    expect(isHighEntropy('2VKvsTS0qsOwPmSTqu2Kv0uMs2vv0')).toBe(true);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const missed: string[] = [];
    let tried = 0;
    for (let i = 0; i < 50_000; i++) {
      const bytes = randomBytes(20 + (i % 45));
      const token = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
      const count = (re: RegExp) => (token.match(re) ?? []).length;
      if (count(/\d/g) < 2 || count(/[A-Z]/g) < 2 || count(/[a-z]/g) < 2) continue;
      tried++;
      if (!isHighEntropy(token)) missed.push(token);
    }
    expect(tried).toBeGreaterThan(40_000);
    expect(missed).toEqual([]);
    for (const word of ['internationalization', 'Incident-communication', 'ReadinessProbe', 'status_page_components']) {
      expect(isHighEntropy(word)).toBe(false);
    }
  });

  it('[M5.5] redacts staff addresses and internal service names, not allowed addresses or longer words', () => {
    expect(redacted('Ask jane.doe@herald.example or support@herald.example')).toBe('Ask [redacted] or support@herald.example');
    expect(redacted('ledgerd and Payments-Core were slow; ledgerd-eu too; ledgerdb is unrelated')).toBe(
      '[redacted] and [redacted] were slow; [redacted]-eu too; ledgerdb is unrelated',
    );
  });

  it('[M5.5] sees through entities, zero-width characters, fullwidth and look-alike letters, markup and split lines', () => {
    expect(redacted('at 10&#46;2.3&#x2e;4 now')).toBe('at [redacted] now');
    expect(redacted('at 10.2\u200b.3.4 now')).toBe('at [redacted] now');
    expect(redacted('key ＡＫＩＡIOSFODNN7EXAMPL3 now')).toBe('key [redacted] now');
    expect(redacted('host db01.pаyments.internal now')).toBe('host [redacted] now'); // Cyrillic а
    expect(redacted('<p>host db01.pay<b>ments</b>.internal</p>')).toBe('<p>host [redacted]</p>');
    expect(redacted('ip 10.20.\n30.40\nnext line')).toBe('ip [redacted]\nnext line');
    expect(redacted('mail jane.doe%40herald.example now')).toBe('mail [redacted] now');
  });

  it('[M5.5] blocks what redaction cannot make safe: key material, or a message that would be mostly redacted', () => {
    const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx\n-----END RSA PRIVATE KEY-----';
    const withKey = redact(`We found this in a log and many other ordinary words around it so the share stays low: ${key} and more words.`, config);
    expect(withKey.blocked).toBe(true);
    expect(withKey.blockReasons).toEqual(['contains a private-key, which redaction cannot make safe']);
    expect(withKey.text).not.toContain('MIIEowIBAAKCAQEAx');
    const mostly = redact('10.0.0.1 10.0.0.2 db1.corp ok', config);
    expect(mostly.blocked).toBe(true);
    expect(mostly.blockReasons[0]).toMatch(/% of the message would be redacted/);
  });

  it('[M5.5] records findings masked, with their positions in the original text', () => {
    const text = 'ip 10.20.30.40 here';
    expect(findSensitive(text, config)).toEqual([{ kind: 'ip-address', original: maskSecret('10.20.30.40'), start: 3, end: 14 }]);
    expect(maskSecret('10.20.30.40')).toBe('10…40 (11)');
    expect(maskSecret('abc')).toBe('••• (3)');
  });
});

/**
 * Exactly `n` characters drawn from `alphabet` by a plain PRNG that fast-check seeds, so they look
 * machine-made (fast-check's own strings lean towards repeats such as `AAAA…`, which no issuer makes).
 */
const chars = (alphabet: string, n: number) =>
  fc.integer().map((seed) => {
    let a = seed >>> 0;
    return Array.from({ length: n }, () => {
      a = (Math.imul(a ^ (a >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
      a ^= a >>> 13;
      return alphabet[(a >>> 0) % alphabet.length];
    }).join('');
  });
const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const lower = 'abcdefghijklmnopqrstuvwxyz';
const digits = '0123456789';
const hex = '0123456789abcdef';
const alnum = upper + lower + digits;
const b64 = `${alnum}+/`;
const b64url = `${alnum}-_`;
/** Mixed case and digits, as issued tokens are. */
const token = (n: number) => fc.tuple(chars(upper, 2), chars(lower, 2), chars(digits, 2), chars(alnum, n - 6)).map((p) => p.join(''));
const b64json = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

const prose = fc.constantFrom('We rotated it at 10:30 UTC.', 'Next update by 16:00 UTC.', 'See https://status.herald.example/ for details.', 'Errors fell to 0.1% in us-east-1.');

/** A secret of one class planted between ordinary sentences: it is found exactly, as that class, and the words around it are kept. */
function exactlyRedacted(secret: fc.Arbitrary<string>, kind: string) {
  return fc.property(secret, prose, prose, (s, before, after) => {
    const text = `${before} ${s} ${after}`;
    const found = findSensitive(text, config);
    expect(found.map((f) => [f.kind, f.start, f.end])).toEqual([[kind, before.length + 1, before.length + 1 + s.length]]);
    expect(redacted(text)).toBe(`${before} [redacted] ${after}`);
  });
}

describe('[M5.5] detector classes, generated', () => {
  it('[M5.5] finds hostnames under an internal zone, with an internal label under a public suffix, or named as company hosts are', () => {
    const label = fc.tuple(chars(lower, 1), chars(lower + digits, 5)).map((p) => p.join(''));
    const host = fc.oneof(
      fc.tuple(label, fc.constantFrom(...config.internalSuffixes)).map(([l, z]) => `${l}.${z}`),
      fc.tuple(label, fc.constantFrom(...config.internalLabels), fc.constantFrom('herald', 'acme-cloud'), fc.constantFrom('net', 'com', 'io'))
        .map(([l, i, c, t]) => `${l}.${i}.${c}.${t}`),
      fc.tuple(fc.constantFrom('db', 'redis', 'kafka', 'web'), fc.constantFrom('prod', 'stg', 'dev'), chars(digits, 2)).map(([s, e, n]) => `${s}-${e}-${n}`),
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.constantFrom('', '.ec2.internal', '.eu-west-1.compute.internal'))
        .map(([a, b, c, tail]) => `ip-10-${a}-${b}-${c}${tail}`),
      fc.tuple(fc.constantFrom('node', 'worker', 'pool'), chars(hex, 5)).map(([r, id]) => `k8s-${r}-${id}`),
      fc.tuple(fc.constantFrom('db-prod-03', 'ip-10-0-3-7', 'k8s-node-7f9c2'), label, fc.constantFrom('herald.com', 'example.net')).map(([h, l, d]) => `${h}.${l}.${d}`),
    );
    fc.assert(exactlyRedacted(host, 'internal-host'), { numRuns: 300 });
    fc.assert(exactlyRedacted(fc.constant('api.INTERNAL.herald.net'), 'internal-host'), { numRuns: 5 });
  });

  it('[M5.5] takes the whole address of a staff mailbox or of an internal host, never only its domain', () => {
    const local = fc.tuple(fc.constantFrom('oncall', 'sre-lead', 'jane.doe', 'noc'), fc.integer({ min: 0, max: 99 })).map(([l, n]) => `${l}${n}`);
    const domain = fc.constantFrom(...config.staffDomains, 'eu.herald.example', 'ops.herald-infra.net', 'mail.corp.herald.com', 'db-prod-03.herald.com');
    fc.assert(exactlyRedacted(fc.tuple(local, domain).map(([l, d]) => `${l}@${d}`), 'staff-email'), { numRuns: 200 });
    expect(redacted('Write to oncall@herald.example or ops@acme.example')).toBe('Write to [redacted] or ops@acme.example');
    expect(redacted('<a href="mailto:oncall@ops.herald-infra.net">oncall@ops.herald-infra.net</a>')).toBe('<a href="mailto:[redacted]">[redacted]</a>');
  });

  it('[M5.5] finds AWS secret access keys, base64 with / and +, whatever their digits', () => {
    const key = fc.tuple(chars(b64, 39), fc.constantFrom('/', '+'), fc.integer({ min: 0, max: 39 })).map(([s, c, i]) => `${s.slice(0, i)}${c}${s.slice(i)}`);
    fc.assert(exactlyRedacted(key, 'aws-secret-key'), { numRuns: 500 });
    expect(kinds('key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY leaked')).toEqual(['aws-secret-key']);
  });

  it('[M5.5] finds GCP API keys, OAuth secrets and service-account private keys', () => {
    fc.assert(exactlyRedacted(chars(b64url, 35).map((k) => `AIza${k}`), 'gcp-key'), { numRuns: 200 });
    fc.assert(exactlyRedacted(chars(b64url, 28).map((k) => `GOCSPX-${k}`), 'gcp-key'), { numRuns: 50 });
    const sa = '{"type": "service_account", "private_key_id": "4f2a9c81d0e3b7a6c5d4e3f2a1b0c9d8e7f6a5b4", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\\n-----END PRIVATE KEY-----\\n"}';
    const r = redact(`We found this in a public bucket and removed it, along with many other words: ${sa} and more words so the share stays low.`, config);
    expect(r.blocked).toBe(true);
    expect(r.findings.map((f) => f.kind)).toEqual(['high-entropy', 'private-key']);
    expect(r.text).not.toContain('MIIEvQIBADAN');
  });

  it('[M5.5] finds Azure storage keys, connection strings, SAS signatures and client secrets', () => {
    fc.assert(fc.property(chars(b64, 86), (k) => {
      const text = `Connection DefaultEndpointsProtocol=https;AccountName=prodexports;AccountKey=${k}==;EndpointSuffix=core.windows.net failed.`;
      expect(redacted(text)).toBe('Connection DefaultEndpointsProtocol=https;AccountName=prodexports;AccountKey=[redacted];EndpointSuffix=core.windows.net failed.');
      expect(kinds(text)).toEqual(['azure-key']);
    }), { numRuns: 200 });
    fc.assert(fc.property(chars(b64, 43), (sig) => {
      const url = `https://prod.blob.core.windows.net/exports/a.csv?sv=2022-11-02&sp=r&sig=${encodeURIComponent(`${sig}=`)}`;
      const r = redact(`Download ${url} now, and the rest of the words of this update follow`, config);
      expect(r.text).toBe(`Download ${url.replace(/sig=.*$/, 'sig=[redacted]')} now, and the rest of the words of this update follow`);
      expect(r.blocked).toBe(false);
      expect(kinds(url)).toEqual(['azure-key']);
    }), { numRuns: 200 });
    fc.assert(exactlyRedacted(fc.tuple(chars(alnum, 3), chars(digits, 1), chars(`${alnum}_~.-`, 32), chars(alnum, 1)).map(([a, d, b, e]) => `${a}${d}Q~${b}${e}`), 'azure-key'), { numRuns: 100 });
  });

  it('[M5.5] finds SaaS tokens by their published formats', () => {
    const tokens: [fc.Arbitrary<string>, string][] = [
      [chars(alnum, 36).map((t) => `ghp_${t}`), 'github-token'],
      [fc.tuple(chars(alnum, 22), chars(alnum, 59)).map(([a, b]) => `github_pat_${a}_${b}`), 'github-token'],
      [fc.tuple(fc.constantFrom('b', 'p', 'a', 'r'), chars(digits, 11), token(24)).map(([t, n, x]) => `xox${t}-${n}-${n}-${x}`), 'slack-token'],
      [fc.tuple(fc.constantFrom('sk', 'rk'), token(24)).map(([p, t]) => `${p}_live_${t}`), 'stripe-key'],
      [fc.tuple(chars(b64url, 22), chars(b64url, 43)).map(([a, b]) => `SG.${a}.${b}`), 'sendgrid-key'],
      [fc.tuple(chars(hex, 30), fc.constantFrom('0a', '7f')).map(([h, t]) => `SK${h}${t}`), 'twilio-key'],
      [chars(alnum, 36).map((t) => `npm_${t}`), 'npm-token'],
      [chars(b64url, 20).map((t) => `glpat-${t}`), 'gitlab-token'],
      [token(48).map((t) => `sk-proj-${t}`), 'openai-key'],
      [chars(hex, 64).map((t) => `dop_v1_${t}`), 'saas-token'],
      [chars(b64, 32).map((t) => `whsec_${t}`), 'saas-token'],
    ];
    for (const [arb, kind] of tokens) fc.assert(exactlyRedacted(arb, kind), { numRuns: 60 });
    const pem = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----';
    expect(redact(`Removed from the runbook, with many ordinary words around it: ${pem} and the rest of this update.`, config).blocked).toBe(true);
  });

  it('[M5.5] redacts exactly the JWT, not the word after it on the next line or paragraph', () => {
    const jwt = fc.tuple(fc.constantFrom<[string, number]>(['HS256', 43], ['HS384', 64], ['ES256', 86], ['RS256', 342]), chars(alnum, 10), chars(b64url, 342))
      .map(([[alg, n], sub, sig]) => `${b64json({ alg, typ: 'JWT' })}.${b64json({ sub, iat: 1714550400 })}.${sig.slice(0, n)}`);
    fc.assert(
      fc.property(jwt, fc.constantFrom('was', 'We', 'Next', 'a', 'rotated'), (t, word) => {
        expect(redacted(`Token ${t}\n${word} revoked.`)).toBe(`Token [redacted]\n${word} revoked.`);
        expect(redacted(`<p>Token ${t}</p>\n<p>${word} revoked.</p>`)).toBe(`<p>Token [redacted]</p>\n<p>${word} revoked.</p>`);
        expect(redacted(`Token ${t}. ${word} revoked.`)).toBe(`Token [redacted]. ${word} revoked.`);
        expect(kinds(`Token ${t}\n${word}`)).toEqual(['jwt']);
      }),
      { numRuns: 200 },
    );
    // A token split across lines is still found whole.
    const split = `${b64json({ alg: 'HS256' })}.${b64json({ sub: 'x1' })}.SflKxwRJSMeKKF2QT4fw\npMeJf36POk6yJV_adQssw5c`;
    expect(redacted(`Token ${split} now`)).toBe('Token [redacted] now');
  });
});
