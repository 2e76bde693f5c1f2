import { componentStatusFor, impactOf, incidentsFrom, statusSnapshot, type ComponentStatus, type Impact, type MonitoringMarker, type StatusEntry, type StatusIncident } from './';

/**
 * The status page in Atlassian Statuspage's public v2 format (M7.6), so existing status
 * aggregators and tooling read Herald without an adapter, plus an Atom feed of incidents. Built
 * from the same published entries and the same snapshot as Herald's own status page, so every
 * channel says the same.
 */

/** `maintenance` only for the page as a whole, when the worst it shows is a component under maintenance. */
export type Indicator = Impact | 'maintenance';

export interface SpPage {
  id: string;
  name: string;
  url: string;
  time_zone: string;
  updated_at: string;
}

export interface SpComponent {
  id: string;
  name: string;
  status: ComponentStatus;
  created_at: string;
  updated_at: string;
  position: number;
  description: string | null;
  showcase: boolean;
  start_date: string | null;
  group_id: string | null;
  page_id: string;
  group: boolean;
  only_show_if_degraded: boolean;
}

export interface SpIncidentUpdate {
  id: string;
  status: string;
  body: string;
  incident_id: string;
  created_at: string;
  updated_at: string;
  display_at: string;
  affected_components: { code: string; name: string; old_status: ComponentStatus; new_status: ComponentStatus }[] | null;
  deliver_notifications: boolean;
}

export interface SpIncident {
  id: string;
  name: string;
  status: string;
  created_at: string;
  updated_at: string;
  monitoring_at: string | null;
  resolved_at: string | null;
  impact: Impact;
  shortlink: string;
  started_at: string;
  page_id: string;
  incident_updates: SpIncidentUpdate[];
  components: SpComponent[];
}

export interface StatuspageDocument {
  page: SpPage;
  status: { indicator: Indicator; description: string };
  components: SpComponent[];
  incidents: SpIncident[];
  unresolved: SpIncident[];
}

export interface StatuspageSource {
  publicUrl: string;
  pageName: string;
  components: { componentId: string; name: string; description?: string; createdAt?: Date }[];
  entries: StatusEntry[];
  /** Statuses monitoring set on components by itself (M3.1); they move a component, never an incident. */
  markers?: (MonitoringMarker & { since?: Date })[];
  /** The moment of the request; the page's updated_at when nothing was ever published. */
  now: Date;
}

const overall: Record<'operational' | ComponentStatus, { indicator: Indicator; description: string }> = {
  operational: { indicator: 'none', description: 'All Systems Operational' },
  degraded_performance: { indicator: 'minor', description: 'Minor Service Outage' },
  partial_outage: { indicator: 'major', description: 'Partial System Outage' },
  major_outage: { indicator: 'critical', description: 'Major Service Outage' },
  under_maintenance: { indicator: 'maintenance', description: 'Service Under Maintenance' },
};

const iso = (d: Date) => d.toISOString();

export function pageId(publicUrl: string): string {
  return new URL(publicUrl).hostname;
}

/** Everything the v2 endpoints serve, computed once per request. */
export function statuspageDocument(src: StatuspageSource): StatuspageDocument {
  const page_id = pageId(src.publicUrl);
  const snapshot = statusSnapshot(src.components, src.entries, src.markers);
  const epoch = new Date(0);
  const latestTouch = new Map<string, Date>();
  for (const e of src.entries) {
    for (const c of e.components) if ((latestTouch.get(c) ?? epoch) < e.publishedAt) latestTouch.set(c, e.publishedAt);
  }
  for (const m of src.markers ?? []) {
    if (m.since && (latestTouch.get(m.componentId) ?? epoch) < m.since) latestTouch.set(m.componentId, m.since);
  }
  const components: SpComponent[] = src.components.map((c, i) => {
    const created = c.createdAt ?? epoch;
    const touched = latestTouch.get(c.componentId);
    return {
      id: c.componentId,
      name: c.name,
      status: snapshot.components.find((s) => s.id === c.componentId)?.status ?? 'operational',
      created_at: iso(created),
      updated_at: iso(touched && touched > created ? touched : created),
      position: i + 1,
      description: c.description ?? null,
      showcase: true,
      start_date: c.createdAt ? iso(c.createdAt).slice(0, 10) : null,
      group_id: null,
      page_id,
      group: false,
      only_show_if_degraded: false,
    };
  });
  const byId = new Map(components.map((c) => [c.id, c]));
  const entriesOf = new Map<string, StatusEntry[]>();
  for (const e of src.entries) entriesOf.set(e.incidentId, [...(entriesOf.get(e.incidentId) ?? []), e]);

  const incidents = incidentsFrom(src.entries).map((i) =>
    toIncident(i, [...(entriesOf.get(i.id) ?? [])].sort((a, b) => a.version - b.version), byId, src.publicUrl, page_id),
  );
  const newest = src.entries.reduce<Date | undefined>((m, e) => (!m || e.publishedAt > m ? e.publishedAt : m), undefined);
  return {
    page: { id: page_id, name: src.pageName, url: src.publicUrl, time_zone: 'Etc/UTC', updated_at: iso(newest ?? src.now) },
    status: overall[snapshot.status],
    components,
    incidents,
    unresolved: incidents.filter((i) => i.status !== 'resolved'),
  };
}

function toIncident(
  i: StatusIncident,
  versions: StatusEntry[],
  components: Map<string, SpComponent>,
  publicUrl: string,
  page_id: string,
): SpIncident {
  // Each update moves its components from the status the previous update left them in.
  const previous = new Map<string, ComponentStatus>();
  const updates: SpIncidentUpdate[] = versions.map((e) => {
    const next: ComponentStatus = e.phase === 'resolved' ? 'operational' : componentStatusFor[impactOf(e.severity)];
    const affected = e.components
      .filter((c) => components.has(c))
      .map((c) => ({ code: c, name: components.get(c)!.name, old_status: previous.get(c) ?? 'operational', new_status: next }));
    for (const a of affected) previous.set(a.code, a.new_status);
    const at = iso(e.publishedAt);
    return {
      id: `${i.id}-v${e.version}`,
      status: e.phase,
      body: e.body,
      incident_id: i.id,
      created_at: at,
      updated_at: at,
      display_at: at,
      affected_components: affected.length ? affected : null,
      deliver_notifications: true,
    };
  });
  const monitoring = versions.find((e) => e.phase === 'monitoring');
  return {
    id: i.id,
    name: i.title,
    status: i.phase,
    created_at: i.startedAt,
    updated_at: i.updatedAt,
    monitoring_at: monitoring ? iso(monitoring.publishedAt) : null,
    resolved_at: i.resolvedAt ?? null,
    impact: i.impact,
    shortlink: `${publicUrl}/status/incidents/${encodeURIComponent(i.id)}`,
    started_at: i.startedAt,
    page_id,
    incident_updates: updates.reverse(),
    components: i.components.map((c) => components.get(c)).filter((c): c is SpComponent => !!c),
  };
}

// XML 1.0 forbids most control characters outright; escaping cannot make them valid.
const xmlInvalid = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(s: string): string {
  return s
    .replace(xmlInvalid, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** An incident's updates as (X)HTML paragraphs, every text escaped once: the content of a feed entry. */
function updatesHtml(i: StatuspageDocument['incidents'][number]): string {
  return i.incident_updates
    .map((u) => `<p><small>${escapeXml(u.display_at)}</small><br/><strong>${escapeXml(u.status)}</strong> - ${escapeXml(u.body).replace(/\n/g, '<br/>')}</p>`)
    .join('');
}

/**
 * The incident history as an Atom 1.0 feed: one entry per incident, its updates as the content, newest first.
 * The content is inline XHTML, so every text is escaped exactly once (escaped HTML inside
 * `type="html"` would show a body's "&" as `&amp;amp;` in the feed).
 */
export function historyAtom(doc: StatuspageDocument): string {
  const host = doc.page.id;
  const entries = doc.incidents.slice(0, 50).map((i) => {
    const xhtml = updatesHtml(i);
    return [
      '<entry>',
      `<id>tag:${escapeXml(host)},2005:Incident/${escapeXml(encodeURIComponent(i.id))}</id>`,
      `<published>${i.started_at}</published>`,
      `<updated>${i.updated_at}</updated>`,
      `<link rel="alternate" type="text/html" href="${escapeXml(i.shortlink)}"/>`,
      `<title>${escapeXml(i.name)}</title>`,
      `<category scheme="${escapeXml(doc.page.url)}/impact" term="${i.impact}" label="${i.impact} impact"/>`,
      `<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">${xhtml}</div></content>`,
      '</entry>',
    ].join('');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
    `<id>tag:${escapeXml(host)},2005:/history</id>`,
    `<link rel="alternate" type="text/html" href="${escapeXml(doc.page.url)}/status"/>`,
    `<link rel="self" type="application/atom+xml" href="${escapeXml(doc.page.url)}/history.atom"/>`,
    `<title>${escapeXml(doc.page.name)} - Incident History</title>`,
    `<author><name>${escapeXml(doc.page.name)}</name></author>`,
    `<updated>${doc.page.updated_at}</updated>`,
    ...entries,
    '</feed>',
  ].join('\n');
}

/** The same history as an RSS 2.0 feed, for readers that take no Atom: one item per incident, its updates as escaped HTML. */
export function historyRss(doc: StatuspageDocument): string {
  const rfc822 = (iso: string) => new Date(iso).toUTCString();
  const items = doc.incidents.slice(0, 50).map((i) => {
    const html = updatesHtml(i);
    return [
      '<item>',
      `<title>${escapeXml(i.name)}</title>`,
      `<link>${escapeXml(i.shortlink)}</link>`,
      `<guid isPermaLink="true">${escapeXml(i.shortlink)}</guid>`,
      `<pubDate>${rfc822(i.started_at)}</pubDate>`,
      `<description>${escapeXml(html)}</description>`,
      '</item>',
    ].join('');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>',
    `<title>${escapeXml(doc.page.name)} - Incident History</title>`,
    `<link>${escapeXml(doc.page.url)}/status</link>`,
    `<atom:link rel="self" type="application/rss+xml" href="${escapeXml(doc.page.url)}/history.rss"/>`,
    `<description>${escapeXml(doc.page.name)} incident history</description>`,
    `<lastBuildDate>${rfc822(doc.page.updated_at)}</lastBuildDate>`,
    ...items,
    '</channel></rss>',
  ].join('\n');
}
