import type { Phase } from '../incident';
import { phases } from '../incident/core';
import { componentStatusFor, incidentsFrom, statusSnapshot, type ComponentStatus, type MonitoringMarker, type StatusEntry, type StatusIncident } from './';
import { shownMaintenance, type Maintenance } from './maintenance';
import { cssVariables, palette } from './palette';
import { fill, pageStringsFor, type PageStrings, type PageStringTables } from './strings';
import { componentUptime, statusSpans, type UptimeDay } from './uptime';

/**
 * What the public status page shows (M3.1, M3.3), as plain data for its templates: the banner,
 * components by service with their 90-day uptime bars, active and past incidents with their
 * timelines in the reader's language, the monthly history and one incident's page. Every word
 * comes from the locale's strings; customers read status words, never internal severities.
 */

export interface StatusSource {
  components: { componentId: string; name: string; service: string }[];
  entries: StatusEntry[];
  markers: (MonitoringMarker & { since: Date })[];
  /** Maintenance windows not cancelled and not over; those in progress are among the markers too. */
  maintenances?: Maintenance[];
}

export interface PageContext {
  locale: string;
  /** The page's words in every locale it ships (config/page-strings). */
  strings: PageStringTables;
  now: Date;
  /** The path of the page, which the language switcher reloads. */
  path: string;
  /** Whether the reader chose the locale (`?lang=`): then links between pages keep it. */
  explicit: boolean;
}

interface Moment {
  iso: string;
  text: string;
}

export interface UpdateView {
  phase: Phase;
  phaseText: string;
  body: string;
  lang: string;
  at: Moment;
}

export interface IncidentView {
  id: string;
  url: string;
  title: string;
  phase: string;
  phaseText: string;
  /** The status its impact gives its components while it is open; operational once resolved. */
  status: ComponentStatus;
  resolved: boolean;
  components: string;
  started: Moment;
  resolvedAt?: Moment;
  updates: UpdateView[];
}

const moment = (iso: string, lang: string): Moment => ({
  iso,
  text: `${new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso))} UTC`,
});

const isPhase = (p: string): p is Phase => (phases as readonly string[]).includes(p);
const language = (tag: string) => tag.toLowerCase().split('-')[0];

/** The body of an update in the reader's language when it was published in it, else as written. */
function bodyIn(entry: StatusEntry | undefined, fallback: string, locale: string): { body: string; lang?: string } {
  const found = Object.entries(entry?.translations ?? {}).find(([tag]) => language(tag) === language(locale));
  return found ? { body: found[1].body, lang: found[0] } : { body: fallback };
}

export const incidentPath = (id: string) => `/status/incidents/${encodeURIComponent(id)}`;

function incidentView(i: StatusIncident, src: StatusSource, t: PageStrings, locale: string): IncidentView {
  const names = new Map(src.components.map((c) => [c.componentId, c.name]));
  const entries = new Map(src.entries.filter((e) => e.incidentId === i.id).map((e) => [e.version, e]));
  const phaseText = (p: string) => (isPhase(p) ? t.phase[p] : p);
  return {
    id: i.id,
    url: incidentPath(i.id),
    title: i.title,
    phase: i.phase,
    phaseText: phaseText(i.phase),
    status: i.phase === 'resolved' ? 'operational' : componentStatusFor[i.impact],
    resolved: i.phase === 'resolved',
    components: i.components.map((c) => names.get(c) ?? c).join(', '),
    started: moment(i.startedAt, t.lang),
    ...(i.resolvedAt ? { resolvedAt: moment(i.resolvedAt, t.lang) } : {}),
    updates: i.updates.map((u) => {
      const { body, lang } = bodyIn(entries.get(u.version), u.body, locale);
      return { phase: u.phase as Phase, phaseText: phaseText(u.phase), body, lang: lang ?? 'und', at: moment(u.publishedAt, t.lang) };
    }),
  };
}

function layout(t: PageStrings, ctx: PageContext, title: string) {
  return {
    t,
    title,
    lang: t.lang,
    css: { light: cssVariables(palette.light), dark: cssVariables(palette.dark) },
    locales: Object.entries(ctx.strings).map(([code, s]) => ({ code, name: s.languageName, lang: s.lang, selected: code === ctx.locale })),
    path: ctx.path,
    langSuffix: ctx.explicit ? `?lang=${ctx.locale}` : '',
  };
}

function maintenanceView(m: Maintenance, names: Map<string, string>, t: PageStrings, now: Date) {
  const inProgress = m.startsAt <= now;
  return {
    id: m.id,
    title: m.title,
    description: m.description,
    status: inProgress ? 'in_progress' : 'scheduled',
    statusText: inProgress ? t.status.under_maintenance : t.maintenance,
    components: m.components.map((c) => names.get(c) ?? c).join(', '),
    starts: moment(m.startsAt.toISOString(), t.lang),
    ends: moment(m.endsAt.toISOString(), t.lang),
  };
}

const groupName = (service: string) => service.charAt(0).toUpperCase() + service.slice(1).replace(/[-_]/g, ' ');

function barLabel(day: UptimeDay, t: PageStrings): string {
  const date = new Intl.DateTimeFormat(t.lang, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${day.date}T00:00:00Z`));
  const percent = new Intl.NumberFormat(t.lang, { maximumFractionDigits: 2 }).format(day.uptime);
  return day.incidents.length
    ? fill(t.dayIncidents, { date, percent, incidents: day.incidents.map((i) => i.title).join('; ') })
    : fill(t.dayNoIncidents, { date, percent });
}

/**
 * How long a rendering of the main page stays true when the data does not change: its uptime bars
 * move with the clock while an incident or a marker is open (a minute), else at midnight UTC.
 */
export function renderBucket(open: boolean, now: Date): string {
  return now.toISOString().slice(0, open ? 16 : 10);
}

/** Whether anything shown is still open (an incident or a marker): the bars then move with the clock. */
export function anythingOpen(src: StatusSource): boolean {
  return src.markers.length > 0 || incidentsFrom(src.entries).some((i) => i.phase !== 'resolved');
}

/** The main status page. */
export function statusPageView(src: StatusSource, ctx: PageContext) {
  const t = pageStringsFor(ctx.strings, ctx.locale);
  const snapshot = statusSnapshot(src.components, src.entries, src.markers);
  const spans = statusSpans(src.entries, src.markers, ctx.now);
  const statusOf = new Map(snapshot.components.map((c) => [c.id, c.status]));
  const services = [...new Set(src.components.map((c) => c.service))].sort();
  const groups = services.map((service) => ({
    id: service,
    name: groupName(service),
    components: src.components
      .filter((c) => c.service === service)
      .map((c) => {
        const status: ComponentStatus = statusOf.get(c.componentId) ?? 'operational';
        const uptime = componentUptime(c.componentId, spans, ctx.now);
        return {
          id: c.componentId,
          name: c.name,
          status,
          statusText: t.status[status],
          uptimeText: fill(t.uptimeOver, { percent: new Intl.NumberFormat(t.lang, { maximumFractionDigits: 2 }).format(uptime.uptime) }),
          days: uptime.days.map((d) => ({ date: d.date, status: d.status, uptime: d.uptime, label: barLabel(d, t) })),
        };
      }),
  }));
  const since = ctx.now.getTime() - 90 * 24 * 60 * 60 * 1000;
  return {
    ...layout(t, ctx, t.title),
    banner: { status: snapshot.status, text: t.banner[snapshot.status] },
    groups,
    active: snapshot.activeIncidents.map((i) => incidentView(i, src, t, ctx.locale)),
    maintenance: shownMaintenance(src.maintenances ?? [], ctx.now).map((m) => maintenanceView(m, new Map(src.components.map((c) => [c.componentId, c.name])), t, ctx.now)),
    past: snapshot.recentIncidents.filter((i) => Date.parse(i.updatedAt) >= since).slice(0, 10).map((i) => incidentView(i, src, t, ctx.locale)),
    historyUrl: `/status/history/${ctx.now.toISOString().slice(0, 7)}`,
    subscribeComponents: src.components.map((c) => ({ id: c.componentId, name: c.name })),
  };
}

/** One incident's page, or undefined when no published entry names it. */
export function incidentPageView(src: StatusSource, id: string, ctx: PageContext) {
  const t = pageStringsFor(ctx.strings, ctx.locale);
  const incident = statusSnapshot(src.components, src.entries.filter((e) => e.incidentId === id), []);
  const found = [...incident.activeIncidents, ...incident.recentIncidents][0];
  if (!found) return undefined;
  const view = incidentView(found, src, t, ctx.locale);
  return { ...layout(t, ctx, `${view.title} · ${t.title}`), incident: view };
}

export const monthPattern = /^\d{4}-(0[1-9]|1[0-2])$/;

function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return d.toISOString().slice(0, 7);
}

/** The incidents that started in one UTC month (YYYY-MM), newest first. */
export function historyPageView(src: StatusSource, month: string, ctx: PageContext) {
  const t = pageStringsFor(ctx.strings, ctx.locale);
  const monthName = new Intl.DateTimeFormat(t.lang, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));
  const incidents = incidentsFrom(src.entries)
    .filter((i) => i.startedAt.slice(0, 7) === month)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
    .map((i) => incidentView(i, src, t, ctx.locale));
  const next = shiftMonth(month, 1);
  return {
    ...layout(t, ctx, `${fill(t.historyOf, { month: monthName })} · ${t.title}`),
    heading: fill(t.historyOf, { month: monthName }),
    month,
    incidents,
    previous: `/status/history/${shiftMonth(month, -1)}`,
    ...(next <= ctx.now.toISOString().slice(0, 7) ? { next: `/status/history/${next}` } : {}),
  };
}

/** A page of a few sentences (subscription steps, not found), optionally with one form. */
export function noticePageView(ctx: PageContext, title: string, paragraphs: string[], form?: { action: string; button: string }) {
  const t = pageStringsFor(ctx.strings, ctx.locale);
  return { ...layout(t, ctx, `${title} · ${t.title}`), heading: title, paragraphs, form };
}
