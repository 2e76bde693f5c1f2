import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { broadcastProgress } from '../../../domain/delivery/progress';
import { resolveConnection } from '../../../cli/config';
import { customerFromCsv } from '../../../cli/customer-csv';
import { editorText, parseEdited } from '../../../cli/commands/edit';
import { duration, progressLine, progressSummary } from '../../../cli/progress';

describe('broadcast progress (what herald publish --wait and watch show)', () => {
  const planned = new Date('2026-12-03T10:00:00Z');
  const statusRow = { channel: 'status-page', count: 1, deliveredAt: new Date('2026-12-03T10:00:01Z') } as never;

  it('[M3.3] counts an email fan-out in flight: 400 of 1,000 settled in 20 s is 20/s with 30 s to go', () => {
    const p = broadcastProgress({
      version: 3, emailPlan: { recipients: 1000, plannedAt: planned }, emailReceipts: { sent: 390, failed: 10 }, channelRows: [statusRow],
    }, new Date('2026-12-03T10:00:20Z'));
    expect(p).toMatchObject({ state: 'sending', total: 1001, sent: 391, failed: 10, deferred: 0, pending: 600, ratePerSecond: 20, etaSeconds: 30 });
    expect(p.channels.map((c) => c.channel)).toEqual(['status-page', 'email']);
    expect(progressLine(p)).toBe('v3 sending: 391 of 1001 sent, 10 failed, email 400/1000 at 20/s, ETA 30s');
  });

  it('[M3.4] counts the recipients without a receipt once the broadcast returned as held for their digest', () => {
    const p = broadcastProgress({
      version: 2, emailPlan: { recipients: 10, plannedAt: planned }, emailReceipts: { sent: 7, failed: 0 },
      emailDoneAt: new Date('2026-12-03T10:00:05Z'), channelRows: [statusRow], finishedAt: new Date('2026-12-03T10:01:05Z'),
    }, new Date('2026-12-03T11:00:00Z'));
    expect(p).toMatchObject({ state: 'finished', sent: 8, deferred: 3, pending: 0, etaSeconds: 0, ratePerSecond: 2 });
    const summary = progressSummary(p).split('\n');
    expect(summary[0]).toBe('v2 finished: 8 of 11 sent, 3 held for digests, in 1m05s');
    expect(summary[2]).toMatch(/^ {2}email +█{30} 10\/10 done \(3 held for digests\)$/);
  });

  it('has nothing to show before a version starts, and an unknown ETA when nothing settled yet', () => {
    expect(broadcastProgress({ version: 1, emailReceipts: { sent: 0, failed: 0 }, channelRows: [] }, planned)).toMatchObject({ state: 'not-started', total: 0, etaSeconds: null });
    expect(broadcastProgress({ version: 1, emailPlan: { recipients: 5, plannedAt: planned }, emailReceipts: { sent: 0, failed: 0 }, channelRows: [] }, new Date('2026-12-03T10:00:02Z')).etaSeconds).toBeNull();
    expect([duration(59.4), duration(61), duration(3725)]).toEqual(['59s', '1m01s', '1h02m']);
  });
});

describe('herald edit: the file the editor opens', () => {
  const draft = { version: 4, phase: 'identified', hash: 'abcdef0123456789', subject: 'Payments degraded', text: 'We found the cause.' } as never;

  it('[M3.6] round-trips the subject and text and drops the comment lines', () => {
    expect(parseEdited(editorText('INC-1', draft))).toEqual({ subject: 'Payments degraded', text: 'We found the cause.' });
    expect(parseEdited('# only a comment\n\n')).toBeUndefined();
    expect(parseEdited('# c\r\nNew subject\r\n\r\nLine one\r\nLine two\r\n')).toEqual({ subject: 'New subject', text: 'Line one\nLine two' });
  });
});

describe('herald import customers: a CSV row as the API takes it', () => {
  it('[M1.4] nests field paths, splits list cells and reads contract minutes as numbers', () => {
    expect(customerFromCsv({
      customerId: 'acme', name: 'Acme', tier: 'enterprise', emails: 'a@acme.example; b@acme.example', 'accountManager.email': 'am@herald.example',
      'contract.notifyWithinMinutes.SEV1': '30', 'webhooks.0.url': 'https://acme.example/hook', phone: '', subscriptions: 'payments;api',
    })).toEqual({
      customerId: 'acme', name: 'Acme', tier: 'enterprise', emails: ['a@acme.example', 'b@acme.example'], accountManager: { email: 'am@herald.example' },
      contract: { notifyWithinMinutes: { SEV1: 30 } }, webhooks: [{ url: 'https://acme.example/hook' }], subscriptions: ['payments', 'api'],
    });
  });
});

describe('herald: where the URL and key come from', () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-config-'));
  const file = join(dir, 'config.json');

  it('takes flags over the environment over the config file over the default', () => {
    writeFileSync(file, JSON.stringify({ url: 'https://herald.example', key: 'file-key' }));
    chmodSync(file, 0o600);
    const env = { HERALD_CONFIG: file };
    expect(resolveConnection({}, env)).toEqual({ url: 'https://herald.example', key: 'file-key' });
    expect(resolveConnection({}, { ...env, HERALD_API_KEY: 'env-key' })).toEqual({ url: 'https://herald.example', key: 'env-key' });
    expect(resolveConnection({ url: 'http://127.0.0.1:1', key: 'flag-key' }, env)).toEqual({ url: 'http://127.0.0.1:1', key: 'flag-key' });
    expect(resolveConnection({}, { XDG_CONFIG_HOME: join(dir, 'none') })).toEqual({ url: 'http://127.0.0.1:8080', key: undefined });
  });

  it('refuses a key file others can read, an unknown field and a missing file it was pointed at', () => {
    chmodSync(file, 0o644);
    expect(() => resolveConnection({}, { HERALD_CONFIG: file })).toThrow(/others can read it \(mode 644\); run: chmod 600/);
    writeFileSync(file, JSON.stringify({ url: 'https://herald.example', token: 'x' }));
    expect(() => resolveConnection({}, { HERALD_CONFIG: file })).toThrow(/not a valid herald config file/);
    expect(() => resolveConnection({}, { HERALD_CONFIG: join(dir, 'missing.json') })).toThrow(/cannot read the config file/);
  });
});
