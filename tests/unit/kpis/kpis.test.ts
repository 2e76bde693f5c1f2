import { aggregateKpis, approvalLatencies, cadence, channelKpis, defaultGraceMinutes, hourOf, incidentKpis, inquiryVolume, percentile, periodOf, publicationBlocks, statusTraffic, timeToFirstMessage, type KpiIncident, type KpiRecords } from '../../../domain/kpis';
import { toCsv } from '../../../domain/kpis/csv';

const t0 = Date.parse('2026-03-02T10:00:00.000Z');
const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();

const incident: KpiIncident = {
  id: 'INC-1', severity: 'SEV2', category: 'outage', playbook: 'outage-single', team: 'lead@herald.test', drill: false,
  detectedAt: at(0), firstMessageDueAt: at(15),
};

/**
 * The example: detected at t0, first message at t0+7 promising the next in 20 minutes;
 * the updates come 25 and 48 minutes after that first message (t0+32, t0+55), each promising
 * 20 minutes. Gaps: 25 (late: more than 20 + 3 grace) and 23 (on time: 20 + 3) → adherence 1/2;
 * silences 7, 25, 23 → the longest is 25.
 */
const updates = [
  { version: 1, publishedAt: at(7), nextUpdateAt: at(27) },
  { version: 2, publishedAt: at(7 + 25), nextUpdateAt: at(7 + 25 + 20) },
  { version: 3, publishedAt: at(7 + 48), nextUpdateAt: at(7 + 48 + 20) },
];

describe('communication KPIs', () => {
  it('[M6.1] the hand-computed example: first message after 7 min, adherence 1/2, longest silence 25 min', () => {
    expect(timeToFirstMessage(incident, updates)).toEqual({ minutes: 7, withinDeadline: true, deadlineMinutes: 15 });
    const c = cadence(incident, updates, defaultGraceMinutes);
    expect(c.gaps.map((g) => [g.minutes, g.promisedMinutes, g.onTime])).toEqual([[25, 20, false], [23, 20, true]]);
    expect(c.adherence).toBe(1 / 2);
    expect(c.longestSilenceMinutes).toBe(25);
  });

  it('[M6.1] grace is configurable: with none both gaps are late, with 5 minutes both are on time', () => {
    expect(cadence(incident, updates, 0).adherence).toBe(0);
    expect(cadence(incident, updates, 5).adherence).toBe(1);
    expect(cadence(incident, [], 3)).toMatchObject({ adherence: null, longestSilenceMinutes: null, measured: 0 });
  });

  it('[M6.1] a first message after the playbook deadline is outside it; versions repeat once', () => {
    expect(timeToFirstMessage({ ...incident, firstMessageDueAt: at(5) }, [updates[0], updates[0]])).toEqual({ minutes: 7, withinDeadline: false, deadlineMinutes: 5 });
    expect(timeToFirstMessage(incident, [])).toBeNull();
  });

  it('[M6.1] approval latency per role from the draft to each sign-off; time blocked by publication checks', () => {
    const audit = [
      { seq: 1, step: 'drafted', at: at(1), details: { version: 1 } },
      { seq: 2, step: 'approved', at: at(4), details: { version: 1, role: 'legal' } },
      { seq: 3, step: 'approved', at: at(6), details: { version: 1, role: 'pr' } },
      { seq: 4, step: 'publication-blocked', at: at(6), details: { version: 1 } },
      { seq: 5, step: 'drafted', at: at(8), details: { version: 2 } },
      { seq: 6, step: 'approved', at: at(18), details: { version: 2, role: 'legal' } },
      { seq: 7, step: 'published', at: at(19), details: { channel: 'status-page', version: 2 } },
      { seq: 8, step: 'publication-blocked', at: at(30), details: { version: 3 } },
    ];
    expect(approvalLatencies(audit)).toEqual([{ role: 'legal', version: 1, minutes: 3 }, { role: 'pr', version: 1, minutes: 5 }, { role: 'legal', version: 2, minutes: 10 }]);
    // 6 → 19 (13 min), then 30 → the end at 40 (10 min).
    expect(publicationBlocks(audit, at(40))).toEqual({ blocked: 2, blockedMinutes: 23 });
  });

  it('[M6.1] channel lag behind the page and delivery success per channel', () => {
    const c = channelKpis(updates, [
      { version: 1, channel: 'email', deliveredAt: at(8), count: 9, failed: 1 },
      { version: 2, channel: 'email', deliveredAt: at(32.5), count: 10 },
      { version: 1, channel: 'webhook', deliveredAt: at(7), count: 2, failed: 2 },
    ]);
    expect(c.email).toEqual({ lagMinutes: [1, 0.5], delivered: 19, failed: 1, successRate: 0.95 });
    expect(c.webhook.successRate).toBe(0.5);
  });

  it('[M6.1] inquiries per hour; status traffic in the incident window, an incident page only for its incident', () => {
    expect(inquiryVolume([{ receivedAt: at(5) }, { receivedAt: at(50) }, { receivedAt: at(65) }])).toEqual({
      total: 3, perHour: [{ hour: hourOf(at(0)), count: 2 }, { hour: hourOf(at(60)), count: 1 }], peakPerHour: 2,
    });
    const traffic = statusTraffic({ ...incident, resolvedAt: at(90) }, [
      { route: '/status', hour: hourOf(at(0)), count: 4 },
      { route: '/api/v2/summary.json', hour: hourOf(at(60)), count: 3 },
      { route: '/status/incidents/:id', hour: hourOf(at(0)), count: 2, incidentId: 'INC-1' },
      { route: '/status/incidents/:id', hour: hourOf(at(0)), count: 7, incidentId: 'INC-2' },
      { route: '/status', hour: hourOf(at(-60)), count: 100 },
      { route: '/status', hour: hourOf(at(180)), count: 100 },
    ], at(200));
    expect(traffic).toEqual({ total: 9, pageViews: 6, apiReads: 3, byRoute: { '/status': 4, '/api/v2/summary.json': 3, '/status/incidents/:id': 2 } });
  });

  it('[M6.1] percentiles by nearest rank; periods by day, ISO week and month', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([5, 1, 3, 2, 4], 90)).toBe(5);
    expect(percentile([10, 20], 50)).toBe(10);
    expect(percentile([], 50)).toBeNull();
    expect(periodOf('2026-03-04T10:00:00Z', 'week')).toBe('2026-03-02');
    expect(periodOf('2026-03-01T10:00:00Z', 'week')).toBe('2026-02-23');
    expect(periodOf('2026-03-04T10:00:00Z', 'month')).toBe('2026-03');
  });

  it('[M6.1, M7.5] aggregates by severity: p50/p90 of the first message, share within the deadline, adherence, recurrence', () => {
    const records = (id: string, severity: string, firstAt: number, recurring = false): KpiRecords => ({
      incident: { ...incident, id, severity, ...(recurring ? { recurrence: { count: 1, priorIncidents: ['INC-0'] } } : {}) },
      audit: [], channelDeliveries: [], inquiries: [], traffic: [], clicks: [{ channel: 'email', segment: 'enterprise', count: 2 }],
      updates: [{ version: 1, publishedAt: at(firstAt), nextUpdateAt: at(firstAt + 20) }, { version: 2, publishedAt: at(firstAt + 20) }],
    });
    const list = [records('A', 'SEV2', 5), records('B', 'SEV2', 20, true), records('C', 'SEV3', 10)].map((r) => incidentKpis(r, { graceMinutes: 3, now: at(120) }));
    const { overall, groups } = aggregateKpis(list, 'severity');
    expect(groups.map((g) => g.key)).toEqual(['SEV2', 'SEV3']);
    expect(groups[0].timeToFirstMessage).toMatchObject({ measured: 2, p50: 5, p90: 20, withinDeadlineShare: 0.5 });
    expect(overall.cadence).toEqual({ onTime: 3, measured: 3, adherence: 1, longestSilenceMinutes: 20 });
    expect(overall.recurrence).toEqual({ recurringIncidents: 1, share: 0.3333 });
    expect(overall.clicks).toEqual({ total: 6, byChannel: { email: 6 }, bySegment: { enterprise: 6 } });
    const csv = toCsv(groups).split('\r\n');
    expect(csv[0].split(',').slice(0, 4)).toEqual(['key', 'incidents', 'timeToFirstMessage.measured', 'timeToFirstMessage.p50']);
    expect(csv[1].startsWith('SEV2,2,2,5,20,0.5')).toBe(true);
  });
});
