import { escapeXml, historyAtom, statuspageDocument } from '../../domain/statuspage-format';
import type { StatusEntry } from '../../domain/status-page';

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
      shortlink: 'https://status.example.com/status#INC-A', page_id: 'status.example.com',
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

/** A small well-formedness check: every tag closes in order, and no bare "&" or "<" is left in text. */
function assertWellFormed(xml: string) {
  const body = xml.replace(/^<\?xml[^>]*\?>/, '');
  const stack: string[] = [];
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos);)/g)) {
    if (m[0] === '<' || m[0].startsWith('&')) throw new Error(`stray ${m[0]} at ${m.index}`);
    if (m[4]) continue;
    if (m[1]) expect(stack.pop()).toBe(m[2]);
    else stack.push(m[2]);
  }
  expect(stack).toEqual([]);
}

describe('Atom history feed', () => {
  it('[M7.6] is a well-formed Atom 1.0 feed with one entry per incident', () => {
    const xml = historyAtom(doc);
    assertWellFormed(xml);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"/);
    for (const required of ['<id>', '<title>', '<updated>', '<author><name>Example</name></author>', 'rel="self"']) expect(xml).toContain(required);
    expect(xml.match(/<entry>/g)).toHaveLength(2);
    expect(xml).toContain('<id>tag:status.example.com,2005:Incident/INC-A</id>');
    expect(xml).toContain(`<updated>${t(20).toISOString()}</updated>`);
  });

  it('[M7.6] escapes hostile titles and bodies and drops characters XML cannot carry', () => {
    const hostile = entry('INC-X', 1, 'investigating', 'SEV2', ['api'], 0, {
      title: '<script>alert("x")</script> & \'friends\' \u0000\u0007',
      body: ']]> <b>bold</b> & </content></entry>',
    });
    const xml = historyAtom(statuspageDocument({ publicUrl: 'https://s.example', pageName: 'A & B <status>', components, entries: [hostile], now: t(1) }));
    assertWellFormed(xml);
    expect(xml).not.toContain('<script>');
    expect(xml.match(/<\/entry>/g)).toHaveLength(1);
    expect(xml).toContain('&amp;lt;/content&amp;gt;&amp;lt;/entry&amp;gt;');
    expect(xml).toContain('<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;friends&apos; </title>');
    expect(xml).toContain('<title>A &amp; B &lt;status&gt; - Incident History</title>');
    expect(escapeXml('a\u0001b\uFFFEc😀')).toBe('abc😀');
  });
});
