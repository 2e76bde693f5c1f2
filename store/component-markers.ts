import { Schema } from 'mongoose';
import { required, storedIn, type BoundModels } from './schema';
import type { ComponentStatus } from '../domain/status-page';
import { collectionOf, insertOnce } from './mongo';

/**
 * Component statuses that monitoring sets by itself (M3.1), one per component and alert
 * fingerprint, keyed by `_id` = `${componentId}#${fingerprint}`. A marker moves the component's
 * shown status and nothing else: it writes no status entry, no incident update, no message.
 */
export interface ComponentMarkerDoc {
  _id: string;
  componentId: string;
  fingerprint: string;
  status: ComponentStatus;
  source: string;
  alertName: string;
  rule: string;
  /** When the alert first set it; a repeat of the firing alert keeps this. */
  setAt: Date;
  lastSeenAt: Date;
}

const componentMarker = new Schema<ComponentMarkerDoc>({
  ...required({ _id: String, componentId: String, fingerprint: String, status: String, source: String, alertName: String, rule: String, setAt: Date, lastSeenAt: Date }),
});

export const componentMarkerCollections = {
  ComponentMarker: storedIn('component_markers', componentMarker),
};

export type ComponentMarkerModels = BoundModels<typeof componentMarkerCollections>;

function markerId(componentId: string, fingerprint: string): string {
  return `${componentId}#${fingerprint}`;
}

export interface MarkerSetting {
  fingerprint: string;
  status: ComponentStatus;
  components: string[];
  source: string;
  alertName: string;
  rule: string;
  at: Date;
}

/**
 * Sets the alert's marker on each of its components. Insert first (a concurrent upsert can race on
 * FerretDB); an existing marker, from a repeat of the same alert, takes the current status.
 */
export async function setMarkers(models: ComponentMarkerModels, m: MarkerSetting): Promise<ComponentMarkerDoc[]> {
  const { ComponentMarker } = models;
  const out: ComponentMarkerDoc[] = [];
  for (const componentId of m.components) {
    const doc: ComponentMarkerDoc = {
      _id: markerId(componentId, m.fingerprint), componentId, fingerprint: m.fingerprint, status: m.status,
      source: m.source, alertName: m.alertName, rule: m.rule, setAt: m.at, lastSeenAt: m.at,
    };
    if (await insertOnce(ComponentMarker, doc)) {
      out.push(doc);
      continue;
    }
    const markers = collectionOf(ComponentMarker);
    await markers.updateOne({ _id: doc._id }, { $set: { status: m.status, alertName: m.alertName, rule: m.rule, lastSeenAt: m.at } });
    out.push((await markers.findOne({ _id: doc._id })) ?? doc);
  }
  return out;
}

/**
 * Clears every marker the alert set, whichever components its rule names now. Markers are few
 * (one per firing alert and component), so the scan by fingerprint stays small.
 */
export async function clearMarkers(models: ComponentMarkerModels, fingerprint: string): Promise<number> {
  const res = await models.ComponentMarker.deleteMany({ fingerprint });
  return res.deletedCount;
}

/** The markers in force, on one component or on all. */
export async function loadMarkers(models: ComponentMarkerModels, componentId?: string): Promise<ComponentMarkerDoc[]> {
  const docs = await models.ComponentMarker.find(componentId ? { componentId } : {}).lean<ComponentMarkerDoc[]>();
  return docs.sort((a, b) => a.componentId.localeCompare(b.componentId) || a.setAt.getTime() - b.setAt.getTime());
}
