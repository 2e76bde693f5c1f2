import { Schema } from 'mongoose';
import { randomUUID } from 'node:crypto';
import type { TrafficBucket } from '../domain/kpis';
import { collectionOf } from './mongo';
import { required, storedIn, type BoundModels } from './schema';

/**
 * Status-page traffic as Herald counts it (M6.1): how often each public status route was read
 * per hour, and an incident's own page per incident. Only numbers are stored: no address, no
 * client, no cookie. Each flush of a process's counts is its own insert under a unique `_id`
 * and the counts are summed when read: FerretDB v1 applies `$inc` as read-modify-write and
 * would lose counts when two API processes flush the same hour.
 */
export interface StatusTrafficDoc extends TrafficBucket {
  _id: string;
}

export const statusTrafficCollections = {
  StatusTraffic: storedIn('status_traffic', new Schema<StatusTrafficDoc>({
    ...required({ _id: String, route: String, hour: String, count: Number }),
    incidentId: String,
  })),
};

export type StatusTrafficModels = BoundModels<typeof statusTrafficCollections>;

/** Adds counts to their hourly buckets. */
export async function addTraffic(models: StatusTrafficModels, buckets: TrafficBucket[]): Promise<void> {
  if (!buckets.length) return;
  const docs = buckets.map((b) => ({ _id: `${b.hour}#${b.route}#${b.incidentId ?? ''}#${randomUUID()}`, ...b }));
  await collectionOf(models.StatusTraffic).insertMany(docs, { ordered: false });
}

/** The hourly counts from one hour to another (inclusive), summed per route, hour and incident page. */
export async function trafficBetween(models: StatusTrafficModels, fromHour: string, toHour: string): Promise<TrafficBucket[]> {
  const docs = await collectionOf(models.StatusTraffic).find({ hour: { $gte: fromHour, $lte: toHour } }).toArray();
  const sums = new Map<string, TrafficBucket>();
  for (const d of docs) {
    const key = `${d.hour}#${d.route}#${d.incidentId ?? ''}`;
    const b = sums.get(key) ?? { route: d.route, hour: d.hour, count: 0, ...(d.incidentId ? { incidentId: d.incidentId } : {}) };
    b.count += d.count;
    sums.set(key, b);
  }
  return [...sums.values()];
}
