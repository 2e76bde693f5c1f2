import { createHash } from 'node:crypto';
import type { StatusEntry } from '../domain/status-page';
import { maintenanceMarkers, type Maintenance } from '../domain/status-page/maintenance';
import type { StatusSource } from '../domain/status-page/page';
import { loadMarkers } from '../store/component-markers';
import { loadMaintenances } from '../store/maintenances';
import type { Store } from '../store/connect';
import { currentLog } from '../observability/log';

/**
 * The public status data, read for many at once (M3.1, M3.3): during an outage thousands of
 * readers ask at the same moment, so a read joins the next load that starts after it arrived
 * (at most one in flight, one queued), which keeps every answer as fresh as the store at the time
 * of the request while the store sees one load per burst. A load whose data hashes as the last one
 * keeps the same `StatusData`, so every view rendered from it (HTML bytes, JSON text, and their
 * ETags) is rendered once per change of the data, not per request.
 */

export interface StatusComponent {
  componentId: string;
  name: string;
  service: string;
  description?: string;
  createdAt?: Date;
}

export interface StatusData {
  source: StatusSource & { components: StatusComponent[]; maintenances: (Maintenance & { createdAt: Date })[] };
  /** A hash of everything loaded. */
  version: string;
  /** When this process first saw this version: the Last-Modified of every view of it. */
  seenAt: Date;
  /** Views rendered from this version, by view and variant. */
  views: Map<string, RenderedView>;
  /** Facts derived once per version (whether anything is open, for the page's render bucket). */
  memo: Map<string, unknown>;
}

/** A fact derived from one version of the data, computed on first use. */
export function memoOf<T>(data: StatusData, key: string, derive: () => T): T {
  if (!data.memo.has(key)) data.memo.set(key, derive());
  return data.memo.get(key) as T;
}

export interface RenderedView {
  /** The bytes, encoded once: Express would encode a string again on every request. */
  body: Buffer;
  contentType: string;
  etag: string;
}

async function load(store: Store): Promise<StatusData['source']> {
  const { Component, StatusEntry } = store.models;
  const now = new Date();
  const [components, entries, markers, maintenances] = await Promise.all([
    Component.find({}, { _id: 0, componentId: 1, name: 1, service: 1, description: 1, createdAt: 1 }).sort({ name: 1 }).lean<StatusComponent[]>(),
    StatusEntry.find({}, { _id: 0, __v: 0 }).sort({ incidentId: 1, version: 1 }).lean<StatusEntry[]>(),
    loadMarkers(store.models),
    loadMaintenances(store.models, now),
  ]);
  // A window in progress marks its components under maintenance (no uptime lost): the data, and
  // so its version, changes when a window starts or ends.
  const monitoring = markers.map((m) => ({ componentId: m.componentId, status: m.status, since: m.setAt }));
  return { components, entries, markers: [...monitoring, ...maintenanceMarkers(maintenances, now)], maintenances };
}

/**
 * How often, at most, reads ask the store (HERALD_STATUS_STALE_MS, 1,000 ms by default): a read takes
 * the last load from memory, and one older than this starts a load in the background for the reads
 * after it (stale-while-revalidate), so one API process answers a herd at the speed of serving bytes
 * from memory and shows a change within about a second plus one load. With 0 (the tests) every read
 * waits for a load that started after it arrived, so it sees every write before it.
 */
export function statusStaleMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.HERALD_STATUS_STALE_MS ?? 1000);
  return Number.isFinite(v) && v >= 0 ? v : 1000;
}

class StatusReads {
  private last?: StatusData;
  private lastStartedAt = 0;
  private running?: Promise<StatusData>;
  private queued?: Promise<StatusData>;

  constructor(
    private readonly store: Store,
    private readonly staleMs: number,
  ) {}

  read(): Promise<StatusData> {
    if (this.last && this.staleMs > 0) {
      // Served from memory; past the window, one load in the background brings the next version.
      if (Date.now() - this.lastStartedAt > this.staleMs && !this.running) this.start().catch((err: unknown) => currentLog().warn({ err }, 'status page data could not be loaded; the last version is served'));
      return Promise.resolve(this.last);
    }
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    this.queued = this.running.then(
      () => this.next(),
      () => this.next(),
    );
    return this.queued;
  }

  private next(): Promise<StatusData> {
    this.queued = undefined;
    return this.start();
  }

  private start(): Promise<StatusData> {
    const startedAt = Date.now();
    const run = load(this.store).then((source) => {
      this.lastStartedAt = startedAt;
      const version = createHash('sha256').update(JSON.stringify(source)).digest('base64url');
      if (this.last?.version !== version) this.last = { source, version, seenAt: new Date(), views: new Map(), memo: new Map() };
      return this.last;
    });
    this.running = run;
    const clear = () => {
      if (this.running === run) this.running = undefined;
    };
    run.then(clear, clear);
    return run;
  }
}

const readers = new WeakMap<Store, StatusReads>();

/** The status data as of this request, shared by every request of the same moment. */
export function readStatus(store: Store): Promise<StatusData> {
  let r = readers.get(store);
  if (!r) readers.set(store, (r = new StatusReads(store, statusStaleMs())));
  return r.read();
}

/** A view of the data, rendered on its first request and kept with that version of the data. */
export function viewOf(data: StatusData, key: string, contentType: string, render: () => string): RenderedView {
  let view = data.views.get(key);
  if (!view) {
    // Time-bucketed keys (uptime bars of an open incident) would pile up on a version that lasts.
    if (data.views.size >= 500) data.views.clear();
    const body = Buffer.from(render());
    view = { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    data.views.set(key, view);
  }
  return view;
}

/** The caching headers of a public status view: a CDN may serve it 30 s and revalidate for a minute more. */
export function cacheHeaders(data: StatusData, view: RenderedView, vary?: string): Record<string, string> {
  return {
    ETag: view.etag,
    'Last-Modified': data.seenAt.toUTCString(),
    'Cache-Control': 'public, max-age=30, stale-while-revalidate=60',
    ...(vary ? { Vary: vary } : {}),
  };
}
