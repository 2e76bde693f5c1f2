import type { StatusEntry } from '../../../domain/status-page';
import { componentUptime, statusSpans } from '../../../domain/status-page/uptime';

const entry = (incidentId: string, version: number, at: string, over: Partial<StatusEntry> = {}): StatusEntry => ({
  incidentId, version, title: `Incident ${incidentId}`, phase: 'investigating', severity: 'SEV1', category: 'outage', components: ['api'],
  subject: 's', body: 'b', publishedAt: new Date(at), ...over,
});
const now = new Date('2024-05-10T12:00:00Z');

describe('uptime bars (M3.1)', () => {
  it('[M3.1] gives 90 UTC days, today last, at 100 % with no incidents', () => {
    const u = componentUptime('api', [], now);
    expect(u.days).toHaveLength(90);
    expect(u.days[89]).toEqual({ date: '2024-05-10', uptime: 100, status: 'operational', incidents: [] });
    expect(u.days[0].date).toBe('2024-02-11');
    expect(u.uptime).toBe(100);
  });

  it('[M3.1] counts a major outage in full and a partial one at 30 %, each version holding until the next, a resolution ending it', () => {
    const spans = statusSpans([
      entry('A', 1, '2024-05-08T00:00:00Z'), // SEV1: major outage for 6 h
      entry('A', 2, '2024-05-08T06:00:00Z', { severity: 'SEV2' }), // partial outage for 6 h
      entry('A', 3, '2024-05-08T12:00:00Z', { phase: 'resolved' }),
    ], [], now);
    const day = componentUptime('api', spans, now).days.find((d) => d.date === '2024-05-08')!;
    expect(day).toEqual({ date: '2024-05-08', uptime: 67.5, status: 'major_outage', incidents: [{ id: 'A', title: 'Incident A' }] });
    expect(componentUptime('api', spans, now).days.find((d) => d.date === '2024-05-09')!.uptime).toBe(100);
    expect(componentUptime('web', spans, now).uptime).toBe(100);
  });

  it('[M3.1] degraded performance and maintenance show on the bar but cost no uptime; overlaps count the worst once', () => {
    const spans = statusSpans([
      entry('B', 1, '2024-05-09T00:00:00Z', { severity: 'SEV3' }),
      entry('B', 2, '2024-05-09T12:00:00Z', { phase: 'resolved' }),
      entry('C', 1, '2024-05-09T06:00:00Z'),
      entry('C', 2, '2024-05-09T09:00:00Z', { phase: 'resolved' }),
    ], [{ componentId: 'api', status: 'under_maintenance', since: new Date('2024-05-10T00:00:00Z') }], now);
    const days = componentUptime('api', spans, now).days;
    expect(days[88]).toMatchObject({ date: '2024-05-09', uptime: 87.5, status: 'major_outage' });
    expect(days[88].incidents.map((i) => i.id)).toEqual(['B', 'C']);
    expect(days[89]).toMatchObject({ date: '2024-05-10', uptime: 100, status: 'under_maintenance', incidents: [] });
  });

  it('[M3.1] an open incident runs until now; today counts only the time elapsed; any downtime shows below 100', () => {
    const spans = statusSpans([entry('D', 1, '2024-05-10T11:59:00Z')], [], now);
    const u = componentUptime('api', spans, now);
    expect(u.days[89].uptime).toBe(99.86);
    expect(u.uptime).toBeLessThan(100);
    expect(u.uptime).toBe(99.99);
  });
});
