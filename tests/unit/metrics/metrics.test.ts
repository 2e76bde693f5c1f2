import { approvalSeconds, firstMessageSeconds, gateCounts, messageCounts, openBySeverity, routeLabel } from '../../../domain/metrics';

describe('the figures GET /metrics reports', () => {
  it('[M6.1, M3.3] counts messages by channel and outcome: receipts for email, settled claims elsewhere, the channel log for the page channels', () => {
    const counts = messageCounts(
      [{ channel: 'email', outcome: 'sent', n: 5 }, { channel: 'email', outcome: 'in-doubt-resent', n: 1 }, { channel: 'email-digest', outcome: 'failed', n: 2 }],
      [
        { channel: 'email', outcome: 'sending', n: 8 }, // fan-out claims: their outcome is the receipt
        { channel: 'email', outcome: 'sent', n: 3 },
        { channel: 'webhook', outcome: 'sent', n: 4 },
        { channel: 'webhook', outcome: 'failed', n: 1 },
        { channel: 'slack', outcome: 'sending', n: 1 }, // in flight
      ],
      [{ channel: 'status-page', count: 2, failed: 0 }, { channel: 'in-app', count: 7, failed: 0 }, { channel: 'webhook', count: 4, failed: 1 }],
    );
    expect(counts).toEqual([
      { channel: 'email', outcome: 'in-doubt-resent', value: 1 },
      { channel: 'email', outcome: 'sent', value: 5 },
      { channel: 'email-digest', outcome: 'failed', value: 2 },
      { channel: 'in-app', outcome: 'sent', value: 7 },
      { channel: 'status-page', outcome: 'sent', value: 2 },
      { channel: 'webhook', outcome: 'failed', value: 1 },
      { channel: 'webhook', outcome: 'sent', value: 4 },
    ]);
  });

  it('[M6.1] names every severity among the open incidents and leaves drills out', () => {
    expect(openBySeverity([{ severity: 'SEV2' }, { severity: 'SEV2' }, { severity: 'SEV1', drill: true }])).toEqual({ SEV1: 0, SEV2: 2, SEV3: 0, SEV4: 0 });
  });

  it('[M5.5, M5.6] counts the gate\'s blocks by channel and its redactions by channel and kind', () => {
    const g = gateCounts([
      { kind: 'blocked-publication', details: { channel: 'email', findings: [{ kind: 'private-key' }] } },
      { kind: 'redacted-disclosure', details: { channel: 'webhook', findings: [{ kind: 'ipv4' }, { kind: 'ipv4' }, { kind: 'internal-host' }] } },
      { kind: 'unapproved-publish-attempt', details: {} },
    ]);
    expect(g.blocks).toEqual({ email: 1 });
    expect(g.redactions).toEqual([{ channel: 'webhook', kind: 'ipv4', value: 2 }, { channel: 'webhook', kind: 'internal-host', value: 1 }]);
    expect(g.nearMisses).toEqual({ 'blocked-publication': 1, 'redacted-disclosure': 1, 'unapproved-publish-attempt': 1 });
  });

  it('[M6.1] measures the time to first message from detection, for incidents that have one', () => {
    expect(firstMessageSeconds([
      { severity: 'SEV1', detectedAt: '2026-01-01T00:00:00.000Z', firstExternalMessageAt: '2026-01-01T00:12:30.000Z' },
      { severity: 'SEV2', detectedAt: '2026-01-01T00:00:00.000Z' },
      { severity: 'SEV3', detectedAt: '2026-01-01T00:00:00.000Z', firstExternalMessageAt: '2026-01-01T00:01:00.000Z', drill: true },
    ])).toEqual([{ severity: 'SEV1', seconds: 750 }]);
  });

  it('[M6.1, M5.2] measures approval latency from the version\'s drafting to each approval, per incident and role', () => {
    const at = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString();
    expect(approvalSeconds([
      { incidentId: 'A', seq: 2, step: 'approved', at: at(5), details: { version: 1, role: 'legal' } },
      { incidentId: 'A', seq: 1, step: 'drafted', at: at(1), details: { version: 1 } },
      { incidentId: 'A', seq: 3, step: 'approved', at: at(7), details: { version: 1, role: 'pr' } },
      { incidentId: 'B', seq: 1, step: 'approved', at: at(9), details: { version: 1, role: 'legal' } }, // B's drafting is not A's
    ])).toEqual([{ role: 'legal', seconds: 240 }, { role: 'pr', seconds: 360 }]);
  });

  it('[M6.1] labels a request by its route template, or as unmatched', () => {
    expect(routeLabel('/v1/incidents/:id')).toBe('/v1/incidents/:id');
    expect(routeLabel(undefined)).toBe('unmatched');
  });
});
