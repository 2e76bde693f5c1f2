import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { clockWords, dashboardView, dashboardSteps, type DashboardFacts, type DashboardView } from '../domain/dashboard';
import { auditRecordsOf } from '../store/audit';
import type { Store } from '../store/connect';
import { openIncidentSummaries, openSummariesMark } from '../store/incident-summaries';
import { playbookAtVersion } from '../store/playbooks';
import { componentNames } from '../store/service-model';
import { render } from '../views';
import { currentLog } from '../observability/log';

/**
 * The executive dashboard's data (M4.3), read from the incident summaries (the read model), the
 * playbook versions the incidents run on and their audit trails; and its live feed.
 */

export async function dashboardSnapshot(store: Store, now = Date.now()): Promise<DashboardView> {
  const summaries = await openIncidentSummaries(store.models);
  const ids = summaries.map((s) => s.id);
  const refs = [...new Map(summaries.flatMap((s) => (s.playbook ? [[`${s.playbook.id}@${s.playbook.version}`, s.playbook] as const] : []))).entries()];
  const [audit, playbooks, names] = await Promise.all([
    auditRecordsOf(store.models, ids, dashboardSteps),
    Promise.all(refs.map(async ([ref, p]) => [ref, (await playbookAtVersion(store, p.id, p.version))?.playbook] as const)),
    componentNames(store.models),
  ]);
  const playbookOf = new Map(playbooks);
  const facts: DashboardFacts[] = summaries.map((summary) => ({
    summary,
    playbook: summary.playbook && playbookOf.get(`${summary.playbook.id}@${summary.playbook.version}`),
    audit: audit.filter((r) => r.incidentId === summary.id),
    componentNames: names,
  }));
  return dashboardView(facts, now);
}

function countWords(n: number): string {
  return n === 1 ? '1 open incident' : `${n} open incidents`;
}

/** The incidents as the page shows them: the fragment that the live feed swaps in. */
export function dashboardFragment(view: DashboardView): string {
  return render('dashboardIncidents', { ...view, countWords: countWords(view.openIncidents) });
}

const script = fs.readFileSync(path.join(__dirname, '..', 'views', 'dashboard.js'), 'utf8');

/** The whole page; its script follows the live feed. */
export function dashboardPage(view: DashboardView): string {
  return render('dashboard', {
    ...view, countWords: countWords(view.openIncidents), generatedAtWords: clockWords(view.generatedAt, Date.parse(view.generatedAt)), script,
  });
}

// --- the live feed (Server-Sent Events) ------------------------------------------------------------

const pollMs = 1_000;
/** Clocks move without a change: a fresh snapshot this often keeps "overdue" and durations true. */
const refreshMs = 30_000;
/** A comment line this often keeps proxies and browsers from dropping a quiet stream. */
const heartbeatMs = 15_000;

type Format = 'json' | 'html';

interface Listener {
  out: Writable;
  format: Format;
  /** It got its first snapshot: later ones follow it. */
  ready: boolean;
}

interface Feed {
  listeners: Set<Listener>;
  timer: NodeJS.Timeout;
  mark?: string;
  sentAt: number;
  beatAt: number;
  busy: boolean;
}

/** One poller per store, shared by every connection; it stops when the last one closes. */
const feeds = new WeakMap<Store, Feed>();

function eventOf(view: DashboardView, format: Format, fragment: () => string): string {
  const data = format === 'html' ? { generatedAt: view.generatedAt, openIncidents: view.openIncidents, html: fragment() } : view;
  return `event: snapshot\ndata: ${JSON.stringify(data)}\n\n`;
}

function sendAll(feed: Feed, view: DashboardView): void {
  let html: string | undefined;
  const fragment = () => (html ??= dashboardFragment(view));
  for (const l of feed.listeners) if (l.ready) l.out.write(eventOf(view, l.format, fragment));
  feed.sentAt = feed.beatAt = Date.now();
}

async function tick(store: Store, feed: Feed): Promise<void> {
  if (feed.busy) return;
  feed.busy = true;
  try {
    const now = Date.now();
    const mark = await openSummariesMark(store.models);
    if (mark !== feed.mark || now - feed.sentAt >= refreshMs) {
      const view = await dashboardSnapshot(store, now);
      feed.mark = mark;
      sendAll(feed, view);
    } else if (now - feed.beatAt >= heartbeatMs) {
      for (const l of feed.listeners) l.out.write(': heartbeat\n\n');
      feed.beatAt = now;
    }
  } catch (err) {
    // The store is away: the stream stays open and the next tick tries again.
    currentLog().warn({ err }, 'dashboard feed: the snapshot could not be read; the next tick tries again');
  } finally {
    feed.busy = false;
  }
}

/**
 * Streams the dashboard to one connection: the current snapshot at once, then a new one whenever
 * an open incident's summary changes (or an incident opens or closes), and every 30 s.
 */
export function followDashboard(store: Store, out: Writable, format: Format): void {
  let feed = feeds.get(store);
  if (!feed) {
    const created: Feed = { listeners: new Set(), sentAt: 0, beatAt: 0, busy: false, timer: setInterval(() => void tick(store, created), pollMs) };
    created.timer.unref();
    feeds.set(store, (feed = created));
  }
  const current = feed;
  const listener: Listener = { out, format, ready: false };
  current.listeners.add(listener);
  let closed = false;
  out.on('error', () => undefined);
  out.on('close', () => {
    closed = true;
    current.listeners.delete(listener);
    if (current.listeners.size === 0) {
      clearInterval(current.timer);
      if (feeds.get(store) === current) feeds.delete(store);
    }
  });
  out.write('retry: 3000\n\n');
  dashboardSnapshot(store).then(
    (view) => {
      if (closed) return;
      out.write(eventOf(view, format, () => dashboardFragment(view)));
      listener.ready = true;
      // A change the feed saw while this snapshot was read reaches it with the next tick.
      current.mark = undefined;
    },
    (err: unknown) => {
      currentLog().warn({ err }, 'dashboard feed: the first snapshot could not be read; the stream ends');
      out.end();
    },
  );
}
