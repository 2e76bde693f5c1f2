import { Schema } from 'mongoose';
import type { FilterQuery } from 'mongoose';
import type { Category, Severity } from '../domain/incident/core';
import type { DeclaredVia, IncidentStatus, IncidentSummary } from '../domain/incident/summary';
import { escapeRegex } from '../domain/regex';
import { collectionOf, isDuplicateKey } from './mongo';
import { required, storedIn, type BoundModels } from './schema';

/**
 * The incident read model: one summary per incident (`_id` is its ID), replaced by each newer
 * one the workflow writes. Times are ISO 8601 UTC strings, which sort as the times they name.
 */
export interface IncidentSummaryDoc extends IncidentSummary {
  _id: string;
  /** When the incident's workflow wrote this summary (its own clock). */
  updatedAt: string;
}

const incidentSummary = new Schema<IncidentSummaryDoc>({
  ...required({ _id: String, id: String, title: String, status: String, severity: String, category: String, declaredBy: String, declaredVia: String }),
  ...required({ drill: Boolean, detectedAt: String, customersAffected: Number, impact: String, seq: Number, updatedAt: String }),
  tags: { type: [String], default: [] },
  components: { type: [String], default: [] },
  lead: String,
  playbook: { type: { _id: false, id: String, version: Number }, default: undefined },
  openDeadlines: { type: [{ _id: false, kind: String, dueAt: String, tiers: { type: [String], default: undefined }, customers: Number }], default: [] },
  firstMessageDueAt: { type: String, required: true },
  firstExternalMessageAt: String,
  customersByTier: { type: Schema.Types.Mixed, default: {} },
  lastExternalUpdate: { type: { _id: false, version: Number, phase: String, publishedAt: String }, default: undefined },
  nextExternalUpdateDueAt: String,
  pendingApprovers: { type: [String], default: [] },
  resolvedAt: String,
  alertFingerprints: { type: [String], default: [] },
  rootCause: String,
  recurrence: { type: { _id: false, count: Number, chronic: Boolean, priorIncidents: [String] }, default: undefined },
});
incidentSummary.index({ detectedAt: -1 });
incidentSummary.index({ updatedAt: -1 });
incidentSummary.index({ alertFingerprints: 1 });

export const incidentSummaryCollections = {
  IncidentSummary: storedIn('incident_summaries', incidentSummary),
};

export type IncidentSummaryModels = BoundModels<typeof incidentSummaryCollections>;

/**
 * Writes a summary unless the store holds one of the same or a later number: a retried or late
 * write changes nothing, so the read model only moves forward. False when it was not newer.
 */
export async function upsertIncidentSummary(models: IncidentSummaryModels, summary: IncidentSummary, updatedAt: string): Promise<boolean> {
  const doc: IncidentSummaryDoc = { ...summary, _id: summary.id, updatedAt };
  try {
    // A newer summary leaves the filter unmatched, and the upsert's insert then hits the `_id`.
    const res = await collectionOf(models.IncidentSummary).replaceOne({ _id: summary.id, seq: { $lt: summary.seq } }, doc, { upsert: true });
    return res.modifiedCount + res.upsertedCount === 1;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return false;
  }
}

/** Which summaries a list shows; every field narrows it, a list field to any of its values. */
export interface IncidentSummaryFilter {
  statuses?: IncidentStatus[];
  severities?: Severity[];
  categories?: Category[];
  components?: string[];
  tags?: string[];
  lead?: string;
  declaredVia?: DeclaredVia;
  /** detectedAt from (inclusive) and to (exclusive), ISO 8601 UTC. */
  from?: string;
  to?: string;
  drill: boolean;
  /** Words the title contains, in any case. */
  text?: string;
}

export type IncidentSortKey = 'detectedAt' | 'severity' | 'updatedAt';

/** Where a page ends: the sort it belongs to and the last summary's sort value and ID. */
export interface IncidentCursor {
  sort: IncidentSortKey;
  order: 'asc' | 'desc';
  value: string;
  id: string;
}

export interface IncidentPage {
  incidents: IncidentSummaryDoc[];
  /** Where the next page starts; absent on the last page. */
  next?: IncidentCursor;
  counts: { total: number; byStatus: Record<string, number>; bySeverity: Record<string, number> };
}

function conditions(f: IncidentSummaryFilter): FilterQuery<IncidentSummaryDoc> {
  const detected = { ...(f.from ? { $gte: f.from } : {}), ...(f.to ? { $lt: f.to } : {}) };
  return {
    drill: f.drill,
    ...(f.statuses ? { status: { $in: f.statuses } } : {}),
    ...(f.severities ? { severity: { $in: f.severities } } : {}),
    ...(f.categories ? { category: { $in: f.categories } } : {}),
    ...(f.components ? { components: { $in: f.components } } : {}),
    ...(f.tags ? { tags: { $in: f.tags } } : {}),
    ...(f.lead ? { lead: f.lead } : {}),
    ...(f.declaredVia ? { declaredVia: f.declaredVia } : {}),
    ...(f.from || f.to ? { detectedAt: detected } : {}),
    ...(f.text ? { title: { $regex: escapeRegex(f.text), $options: 'i' } } : {}),
  };
}

/** The store's sort direction: severity codes sort SEV1 first, so the most severe come first when descending. */
function direction(sort: IncidentSortKey, order: 'asc' | 'desc'): 1 | -1 {
  const d = order === 'asc' ? 1 : -1;
  return sort === 'severity' ? (-d as 1 | -1) : d;
}

/** Counts of the filter's summaries by a field's value. */
async function countsBy(models: IncidentSummaryModels, match: FilterQuery<IncidentSummaryDoc>, field: 'status' | 'severity'): Promise<Record<string, number>> {
  const groups = await models.IncidentSummary.aggregate<{ _id: string; n: number }>([{ $match: match }, { $group: { _id: `$${field}`, n: { $sum: 1 } } }]);
  return Object.fromEntries(groups.map((g) => [g._id, g.n]));
}

/**
 * One page of summaries in the sort asked for (ties broken by incident ID), after the cursor's
 * position if one is given, with the counts of everything the filter matches.
 */
export async function listIncidentSummaries(
  models: IncidentSummaryModels,
  filter: IncidentSummaryFilter,
  page: { sort: IncidentSortKey; order: 'asc' | 'desc'; limit: number; after?: IncidentCursor },
): Promise<IncidentPage> {
  const match = conditions(filter);
  const dir = direction(page.sort, page.order);
  const beyond = dir === 1 ? '$gt' : '$lt';
  const after = page.after
    ? { $or: [{ [page.sort]: { [beyond]: page.after.value } }, { [page.sort]: page.after.value, _id: { [beyond]: page.after.id } }] }
    : {};
  const [docs, byStatus, bySeverity] = await Promise.all([
    models.IncidentSummary.find({ $and: [match, after] }, { __v: 0 }).sort({ [page.sort]: dir, _id: dir }).limit(page.limit + 1).lean<IncidentSummaryDoc[]>(),
    countsBy(models, match, 'status'),
    countsBy(models, match, 'severity'),
  ]);
  const incidents = docs.slice(0, page.limit);
  const last = incidents[incidents.length - 1];
  return {
    incidents,
    ...(docs.length > page.limit ? { next: { sort: page.sort, order: page.order, value: last[page.sort], id: last._id } } : {}),
    counts: { total: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus, bySeverity },
  };
}

const open = { status: { $ne: 'resolved' as const } };

/** Every incident not yet resolved, as its latest summary says. */
export function openIncidentSummaries(models: IncidentSummaryModels): Promise<IncidentSummaryDoc[]> {
  return collectionOf(models.IncidentSummary).find(open).toArray();
}

/**
 * What changes whenever an open incident's summary does, or an incident opens or closes: each
 * open incident's ID and number, read without the documents (the dashboard's feed polls it).
 */
export async function openSummariesMark(models: IncidentSummaryModels): Promise<string> {
  const docs = await collectionOf(models.IncidentSummary).find(open, { projection: { _id: 1, seq: 1 } }).toArray();
  return docs.map((d) => `${d._id}:${d.seq}`).sort().join(',');
}


/**
 * The incidents a new one may repeat (M7.5): real incidents detected in [from, to) that were opened
 * by the alert fingerprint given, or share its category and a component; the caller decides.
 */
export async function recurrenceCandidates(
  models: IncidentSummaryModels,
  probe: { category: string; components: string[]; alertFingerprint?: string; from: string; to: string },
): Promise<IncidentSummaryDoc[]> {
  const alike: FilterQuery<IncidentSummaryDoc>[] = [{ category: probe.category, components: { $in: probe.components } }];
  if (probe.alertFingerprint) alike.push({ alertFingerprints: probe.alertFingerprint });
  return models.IncidentSummary.find(
    { drill: false, detectedAt: { $gte: probe.from, $lt: probe.to }, $or: alike },
    { __v: 0 },
  ).sort({ detectedAt: -1 }).limit(500).lean<IncidentSummaryDoc[]>();
}
