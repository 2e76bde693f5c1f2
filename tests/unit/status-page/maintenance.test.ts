import { maintenanceMarkers, maintenanceStatus, shownMaintenance, statuspageMaintenances, type Maintenance } from '../../../domain/status-page/maintenance';
import { statusSnapshot } from '../../../domain/status-page';
import { componentUptime, statusSpans } from '../../../domain/status-page/uptime';

const now = new Date('2026-05-10T12:00:00Z');
const window = (id: string, startsAt: string, endsAt: string, components = ['db']): Maintenance => ({
  id, title: `Work ${id}`, description: '', components, startsAt: new Date(startsAt), endsAt: new Date(endsAt),
});
const active = window('a', '2026-05-10T11:00:00Z', '2026-05-10T13:00:00Z', ['db', 'api']);
const soon = window('s', '2026-05-12T00:00:00Z', '2026-05-12T02:00:00Z');
const far = window('f', '2026-06-10T00:00:00Z', '2026-06-10T02:00:00Z');
const over = window('o', '2026-05-09T00:00:00Z', '2026-05-10T12:00:00Z');

describe('scheduled maintenance', () => {
  it('[M3.1] a window is scheduled before its start, in progress until its end, then completed', () => {
    expect([soon, active, over].map((m) => maintenanceStatus(m, now))).toEqual(['scheduled', 'in_progress', 'completed']);
    expect(maintenanceStatus(active, active.startsAt)).toBe('in_progress');
  });

  it('[M3.1] the page lists windows in progress and those starting within 14 days, soonest first', () => {
    expect(shownMaintenance([far, soon, over, active], now).map((m) => m.id)).toEqual(['a', 's']);
    expect(shownMaintenance([far], now, 31).map((m) => m.id)).toEqual(['f']);
  });

  it('[M3.1] a window in progress puts its components under maintenance, which costs no uptime and loses to an outage', () => {
    const markers = maintenanceMarkers([active, soon, over], now);
    expect(markers).toEqual([
      { componentId: 'db', status: 'under_maintenance', since: active.startsAt },
      { componentId: 'api', status: 'under_maintenance', since: active.startsAt },
    ]);
    const snapshot = statusSnapshot([{ componentId: 'db', name: 'DB' }, { componentId: 'web', name: 'Web' }], [], [...markers, { componentId: 'web', status: 'major_outage' }]);
    expect(snapshot.components.map((c) => c.status)).toEqual(['under_maintenance', 'major_outage']);
    expect(snapshot.status).toBe('major_outage');
    expect(statusSnapshot([{ componentId: 'db', name: 'DB' }], [], markers).status).toBe('under_maintenance');
    expect(componentUptime('db', statusSpans([], markers, now), now).days.at(-1)).toMatchObject({ uptime: 100, status: 'under_maintenance' });
  });

  it('[M3.1] writes the windows not over as Statuspage v2 scheduled_maintenances', () => {
    const createdAt = new Date('2026-05-01T00:00:00Z');
    const out = statuspageMaintenances([{ ...soon, createdAt }, { ...over, createdAt }, { ...active, createdAt }], [{ componentId: 'db', name: 'Database' }], {
      publicUrl: 'https://status.example', pageId: 'status.example', now,
    });
    expect(out.map((m) => [m.id, m.status])).toEqual([['a', 'in_progress'], ['s', 'scheduled']]);
    expect(out[1]).toEqual({
      id: 's', name: 'Work s', status: 'scheduled', impact: 'maintenance', shortlink: 'https://status.example/status#maintenance-s',
      created_at: '2026-05-01T00:00:00.000Z', updated_at: '2026-05-01T00:00:00.000Z',
      scheduled_for: '2026-05-12T00:00:00.000Z', scheduled_until: '2026-05-12T02:00:00.000Z', page_id: 'status.example',
      incident_updates: [], components: [{ id: 'db', name: 'Database' }],
    });
  });
});
