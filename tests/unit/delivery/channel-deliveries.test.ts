import { isTransient, retryAfterMs } from '../../../activities/http-delivery';
import { channelDeliveryId, channelLagReport } from '../../../domain/delivery/channel-deliveries';
import { escapeMrkdwn, slackIncidentMessage, slackLimits, splitMrkdwn } from '../../../domain/delivery/slack';

const meta = { incidentId: 'INC-1', severity: 'SEV1' as const, category: 'outage' as const, version: 2 };

describe('channel lag (M3.3)', () => {
  it('[M3.3] keys one row per incident, version and channel', () => {
    expect(channelDeliveryId('INC-1', 3, 'webhook')).toBe('INC-1#v3#webhook');
  });

  it('[M3.3] reports each version oldest first, its channels in delivery order with their lag behind the first, and the largest lag', () => {
    const t = (ms: number) => new Date(Date.UTC(2024, 4, 1, 10, 0, 0, ms));
    const report = channelLagReport([
      { version: 2, channel: 'email', deliveredAt: t(900), count: 10 },
      { version: 1, channel: 'webhook', deliveredAt: t(400), count: 2, failed: 1 },
      { version: 1, channel: 'status-api', deliveredAt: t(100), count: 1 },
      { version: 1, channel: 'status-page', deliveredAt: t(100), count: 1 },
      { version: 1, channel: 'in-app', deliveredAt: t(100).toISOString(), count: 5 },
      { version: 2, channel: 'status-page', deliveredAt: t(800), count: 1 },
    ]);
    expect(report.map((v) => v.version)).toEqual([1, 2]);
    expect(report[0]).toEqual({
      version: 1,
      firstChannel: 'status-page',
      firstAt: t(100).toISOString(),
      maxLagMs: 300,
      channels: [
        { channel: 'status-page', deliveredAt: t(100).toISOString(), count: 1, lagMs: 0 },
        { channel: 'status-api', deliveredAt: t(100).toISOString(), count: 1, lagMs: 0 },
        { channel: 'in-app', deliveredAt: t(100).toISOString(), count: 5, lagMs: 0 },
        { channel: 'webhook', deliveredAt: t(400).toISOString(), count: 2, failed: 1, lagMs: 300 },
      ],
    });
    expect(report[1]).toMatchObject({ firstChannel: 'status-page', maxLagMs: 100 });
    expect(channelLagReport([])).toEqual([]);
  });
});

describe('Slack-compatible messages (M3.3)', () => {
  it('[M3.3] marks a channel late only when it lags the first by more than the bound, and the version within the bound otherwise', () => {
    const t0 = Date.parse('2026-05-01T09:00:00Z');
    const at = (s: number) => new Date(t0 + s * 1000);
    const rows = [
      { version: 1, channel: 'status-page', deliveredAt: at(0), count: 1 },
      { version: 1, channel: 'email', deliveredAt: at(60), count: 10 },
      { version: 1, channel: 'webhook', deliveredAt: at(61), count: 2 },
    ];
    const [v] = channelLagReport(rows, 60_000);
    expect(v.withinBound).toBe(false);
    expect(v.channels.map((c) => [c.channel, c.late])).toEqual([['status-page', false], ['email', false], ['webhook', true]]);
    expect(channelLagReport(rows, 61_000)[0].withinBound).toBe(true);
    // Without a bound the report says nothing about it.
    expect(channelLagReport(rows)[0]).not.toHaveProperty('withinBound');
    expect(channelLagReport(rows)[0].channels[0]).not.toHaveProperty('late');
  });

  it('[M3.3] escapes Slack markup so message text cannot ping or link', () => {
    expect(escapeMrkdwn('a <!channel> & <http://x|y>')).toBe('a &lt;!channel&gt; &amp; &lt;http://x|y&gt;');
  });

  it('[M3.3] splits long text at line or word breaks, never inside an entity, within the limit', () => {
    const text = escapeMrkdwn(Array.from({ length: 400 }, (_, i) => `word${i} & more`).join(' '));
    const pieces = splitMrkdwn(text, 300);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(300);
      expect(p).not.toMatch(/&[a-z]*$/);
    }
    expect(pieces.join(' ')).toBe(text);
    const unbroken = escapeMrkdwn('&'.repeat(50));
    for (const p of splitMrkdwn(unbroken, 12)) expect(p).toMatch(/^(&amp;)+$/);
  });

  it('[M3.3] builds a fallback text, a header and mrkdwn sections within Block Kit limits, the body cut to the blocks allowed', () => {
    const m = slackIncidentMessage(meta, { title: 'T'.repeat(200), subject: 'Subject', text: 'x '.repeat(200_000), phase: 'identified' }, 'https://status.example/status#INC-1');
    expect(m.text.length).toBeGreaterThan(0);
    expect(m.blocks.length).toBeLessThanOrEqual(slackLimits.blocks);
    expect(m.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    expect((m.blocks[0].text.text as string).length).toBeLessThanOrEqual(slackLimits.headerText);
    for (const b of m.blocks.slice(1)) {
      expect(b).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
      expect(b.text.text.length).toBeGreaterThan(0);
      expect(b.text.text.length).toBeLessThanOrEqual(slackLimits.sectionText);
    }
    expect(m.blocks[m.blocks.length - 1].text.text).toBe('<https://status.example/status#INC-1|View on the status page>');
    expect(m.blocks[m.blocks.length - 2].text.text.endsWith('…')).toBe(true);
  });
});

describe('receiver retries (M3.3)', () => {
  it('[M3.3] retries timeouts, throttling and server errors only', () => {
    expect([408, 425, 429, 500, 502, 503].every(isTransient)).toBe(true);
    expect([400, 401, 403, 404, 410, 413].some(isTransient)).toBe(false);
  });

  it('[M3.3] reads Retry-After in seconds or as an HTTP date', () => {
    const now = Date.parse('2024-05-01T10:00:00Z');
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs('Wed, 01 May 2024 10:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Wed, 01 May 2024 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});
