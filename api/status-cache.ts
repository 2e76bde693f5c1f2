import { createHash } from 'node:crypto';
import type { StatusEntry } from '../domain/status-page';
import type { StatusSource } from '../domain/status-page/page';
import { loadMarkers } from '../store/component-markers';
import type { Store } from '../store/connect';

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
  source: StatusSource & { components: StatusComponent[] };
  /** A hash of everything loaded. */
  version: string;
  /** When this process first saw this version: the Last-Modified of every view of it. */
  seenAt: Date;
  /** Views rendered from this version, by view and variant. */
  views: Map<string, RenderedView>;
}

export interface RenderedView {
  body: string;
  contentType: string;
  etag: string;
}

async function load(store: Store): Promise<StatusData['source']> {
  const { Component, StatusEntry } = store.models;
  const [components, entries, markers] = await Promise.all([
    Component.find({}, { _id: 0, componentId: 1, name: 1, service: 1, description: 1, createdAt: 1 }).sort({ name: 1 }).lean<StatusComponent[]>(),
    StatusEntry.find({}, { _id: 0, __v: 0 }).sort({ incidentId: 1, version: 1 }).lean<StatusEntry[]>(),
    loadMarkers(store.models),
  ]);
  return { components, entries, markers: markers.map((m) => ({ componentId: m.componentId, status: m.status, since: m.setAt })) };
}

class StatusReads {
  private last?: StatusData;
  private running?: Promise<StatusData>;
  private queued?: Promise<StatusData>;

  constructor(private readonly store: Store) {}

  read(): Promise<StatusData> {
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
    const run = load(this.store).then((source) => {
      const version = createHash('sha256').update(JSON.stringify(source)).digest('base64url');
      if (this.last?.version !== version) this.last = { source, version, seenAt: new Date(), views: new Map() };
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
  if (!r) readers.set(store, (r = new StatusReads(store)));
  return r.read();
}

/** A view of the data, rendered on its first request and kept with that version of the data. */
export function viewOf(data: StatusData, key: string, contentType: string, render: () => string): RenderedView {
  let view = data.views.get(key);
  if (!view) {
    // Time-bucketed keys (uptime bars of an open incident) would pile up on a version that lasts.
    if (data.views.size >= 500) data.views.clear();
    const body = render();
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
