import { randomBytes } from 'node:crypto';
import { defaultGatePolicy } from '../../domain/gate';
import { findSensitive, isHighEntropy, maskSecret, redact, type RedactionConfig } from '../../domain/redaction';

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
