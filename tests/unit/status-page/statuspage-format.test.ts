import { escapeXml, historyAtom, statuspageDocument } from '../../../domain/status-page/format';
import { componentStatusFor, impactOf, statusSnapshot, type StatusEntry } from '../../../domain/status-page';
import { readAtom } from '../../support/atom';

const t = (m: number) => new Date(Date.UTC(2024, 4, 1, 10, m));
const entry = (incidentId: string, version: number, phase: string, severity: StatusEntry['severity'], components: string[], minute: number, extra: Partial<StatusEntry> = {}): StatusEntry => ({
  incidentId, version, phase, severity, components, title: `Incident ${incidentId}`, category: 'outage',
  subject: `${incidentId} v${version}`, body: `Update ${version} of ${incidentId}`, publishedAt: t(minute), ...extra,
});

const components = [
  { componentId: 'api', name: 'Public API', description: 'REST API', createdAt: new Date('2024-01-02T00:00:00Z') },
  { componentId: 'db', name: 'Database', createdAt: new Date('2024-01-01T00:00:00Z') },
  { componentId: 'web', name: 'Website' },
];
const entries = [
  entry('INC-A', 1, 'investigating', 'SEV2', ['api'], 0),
  entry('INC-A', 2, 'monitoring', 'SEV2', ['api'], 10),
  entry('INC-A', 3, 'resolved', 'SEV2', ['api'], 20),
  entry('INC-B', 1, 'identified', 'SEV3', ['db', 'ghost'], 30),
];
const doc = statuspageDocument({ publicUrl: 'https://status.example.com', pageName: 'Example', components, entries, now: t(59) });

describe('Statuspage v2 format', () => {
  it('[M7.6] describes the page and the overall status indicator', () => {
    expect(doc.page).toEqual({ id: 'status.example.com', name: 'Example', url: 'https://status.example.com', time_zone: 'Etc/UTC', updated_at: t(30).toISOString() });
    expect(doc.status).toEqual({ indicator: 'minor', description: 'Minor Service Outage' });
    const quiet = statuspageDocument({ publicUrl: 'https://s.example', pageName: 'S', components, entries: [], now: t(59) });
    expect(quiet.status).toEqual({ indicator: 'none', description: 'All Systems Operational' });
    expect(quiet.page.updated_at).toBe(t(59).toISOString());
    expect(statuspageDocument({ publicUrl: 'https://s.example', pageName: 'S', components, entries: [entry('X', 1, 'investigating', 'SEV1', ['web'], 0)], now: t(1) }).status.indicator).toBe('critical');
  });

  it('[M7.6] lists components with every documented field and the status the open incidents give them', () => {
    expect(doc.components.map((c) => [c.id, c.status, c.position])).toEqual([['api', 'operational', 1], ['db', 'degraded_performance', 2], ['web', 'operational', 3]]);
    expect(doc.components[0]).toEqual({
      id: 'api', name: 'Public API', status: 'operational', created_at: '2024-01-02T00:00:00.000Z', updated_at: t(20).toISOString(),
      position: 1, description: 'REST API', showcase: true, start_date: '2024-01-02', group_id: null, page_id: 'status.example.com',
      group: false, only_show_if_degraded: false,
    });
    expect(doc.components[2]).toMatchObject({ description: null, start_date: null, created_at: '1970-01-01T00:00:00.000Z' });
  });

  it('[M7.6] turns published versions into incidents with their updates, newest first, and component transitions', () => {
    const a = doc.incidents.find((i) => i.id === 'INC-A')!;
    expect(a).toMatchObject({
      name: 'Incident INC-A', status: 'resolved', impact: 'major', created_at: t(0).toISOString(), started_at: t(0).toISOString(),
      updated_at: t(20).toISOString(), monitoring_at: t(10).toISOString(), resolved_at: t(20).toISOString(),
      shortlink: 'https://status.example.com/status/incidents/INC-A', page_id: 'status.example.com',
    });
    expect(a.incident_updates.map((u) => [u.id, u.status, u.affected_components?.[0].old_status, u.affected_components?.[0].new_status])).toEqual([
      ['INC-A-v3', 'resolved', 'partial_outage', 'operational'],
      ['INC-A-v2', 'monitoring', 'partial_outage', 'partial_outage'],
      ['INC-A-v1', 'investigating', 'operational', 'partial_outage'],
    ]);
    expect(a.incident_updates[2]).toEqual({
      id: 'INC-A-v1', status: 'investigating', body: 'Update 1 of INC-A', incident_id: 'INC-A', created_at: t(0).toISOString(),
      updated_at: t(0).toISOString(), display_at: t(0).toISOString(), deliver_notifications: true,
      affected_components: [{ code: 'api', name: 'Public API', old_status: 'operational', new_status: 'partial_outage' }],
    });
    expect(a.components.map((c) => c.id)).toEqual(['api']);
    const b = doc.incidents.find((i) => i.id === 'INC-B')!;
    expect(b).toMatchObject({ status: 'identified', impact: 'minor', monitoring_at: null, resolved_at: null });
    expect(b.components.map((c) => c.id)).toEqual(['db']);
    expect(doc.incidents.map((i) => i.id)).toEqual(['INC-B', 'INC-A']);
    expect(doc.unresolved.map((i) => i.id)).toEqual(['INC-B']);
  });
});

describe('Atom history feed', () => {
  it('[M7.6] is a well-formed Atom 1.0 feed with one entry per incident', () => {
    const xml = historyAtom(doc);
    const feed = readAtom(xml);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"/);
    expect(feed).toMatchObject({ id: 'tag:status.example.com,2005:/history', title: { value: 'Example - Incident History' }, authors: [{ name: 'Example' }] });
    expect(feed.links?.map((l) => l.rel)).toEqual(['alternate', 'self']);
    expect(feed.entries?.map((e) => e.id)).toEqual(['tag:status.example.com,2005:Incident/INC-B', 'tag:status.example.com,2005:Incident/INC-A']);
    const a = feed.entries!.find((e) => e.id?.endsWith('INC-A'))!;
    expect(a.updated).toBe(t(20).toISOString());
    expect(a.content).toEqual({
      type: 'xhtml',
      value: ['resolved', 'monitoring', 'investigating'].map((phase, i) =>
        `<p><small>${t(20 - 10 * i).toISOString()}</small><br/><strong>${phase}</strong> - Update ${3 - i} of INC-A</p>`).join(''),
    });
  });

  it('[M3.3] escapes every text exactly once: a title or body with "&" and "<" reads back as written', () => {
    const hostile = entry('INC-X', 1, 'investigating', 'SEV2', ['api'], 0, {
      title: '<script>alert("x")</script> & \'friends\' \u0000\u0007',
      body: ']]> <b>bold</b> & </content></entry>\nsecond line',
    });
    const xml = historyAtom(statuspageDocument({ publicUrl: 'https://s.example', pageName: 'A & B <status>', components, entries: [hostile], now: t(1) }));
    const feed = readAtom(xml);
    expect(xml).not.toContain('&amp;amp;');
    expect(xml).not.toContain('<script>');
    expect(feed.title?.value).toBe('A & B <status> - Incident History');
    expect(feed.entries).toHaveLength(1);
    expect(feed.entries![0].title?.value).toBe('<script>alert("x")</script> & \'friends\'');
    // XHTML content is markup: the body's text sits in it escaped once, its line break a <br/>.
    expect(feed.entries![0].content?.value).toContain(' - ]]&gt; &lt;b&gt;bold&lt;/b&gt; &amp; &lt;/content&gt;&lt;/entry&gt;<br/>second line</p>');
    expect(escapeXml('a\u0001b\uFFFEc😀')).toBe('abc😀');
  });

  it('[M3.3] the feed reader refuses what is not well-formed, so the tests above mean something', () => {
    expect(() => readAtom('<feed xmlns="http://www.w3.org/2005/Atom"><title>a & b</title></feed>')).toThrow(/not well-formed/);
    expect(() => readAtom('<feed xmlns="http://www.w3.org/2005/Atom"><title>a</feed>')).toThrow(/not well-formed/);
  });
});

describe('impact words (M3.3)', () => {
  it('[M3.3] maps every internal severity to the impact customers read, and each impact to a component status', () => {
    expect((['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const).map(impactOf)).toEqual(['critical', 'major', 'minor', 'minor']);
    expect(componentStatusFor).toEqual({ none: 'operational', minor: 'degraded_performance', major: 'partial_outage', critical: 'major_outage' });
  });

  it('[M3.3] no public surface names a severity: the snapshot, the v2 document and the feed carry the impact', () => {
    const snapshot = statusSnapshot(components, entries);
    expect(snapshot.activeIncidents.map((i) => [i.id, i.impact])).toEqual([['INC-B', 'minor']]);
    expect(snapshot.recentIncidents.map((i) => [i.id, i.impact])).toEqual([['INC-A', 'major']]);
    const xml = historyAtom(doc);
    for (const surface of [JSON.stringify(snapshot), JSON.stringify(doc), xml]) expect(surface).not.toMatch(/SEV[1-4]|severity/i);
    expect(readAtom(xml).entries?.map((e) => e.categories?.map((c) => c.term))).toEqual([['minor'], ['major']]);
  });
});
