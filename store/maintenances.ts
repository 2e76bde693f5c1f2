import { Schema } from 'mongoose';
import type { Maintenance } from '../domain/status-page/maintenance';
import { required, storedIn, type BoundModels } from './schema';

/**
 * Scheduled maintenance windows (M3.1), keyed by their ID. A cancelled window keeps its record
 * (who scheduled and cancelled it) and leaves the status page.
 */
export interface MaintenanceDoc extends Omit<Maintenance, 'id'> {
  _id: string;
  createdBy: string;
  createdAt: Date;
  cancelledAt?: Date;
  cancelledBy?: string;
}

const maintenance = new Schema<MaintenanceDoc>({
  ...required({ _id: String, title: String, startsAt: Date, endsAt: Date, createdBy: String, createdAt: Date }),
  description: { type: String, default: '' },
  components: { type: [String], required: true },
  cancelledAt: Date,
  cancelledBy: String,
});

export const maintenanceCollections = {
  Maintenance: storedIn('maintenances', maintenance),
};

export type MaintenanceModels = BoundModels<typeof maintenanceCollections>;

/** The windows not cancelled and not over at `now`, soonest first, as the status page reads them. */
export async function loadMaintenances(models: MaintenanceModels, now: Date): Promise<(Maintenance & { createdAt: Date })[]> {
  const docs = await models.Maintenance.find({ cancelledAt: { $exists: false }, endsAt: { $gt: now } }).sort({ startsAt: 1, _id: 1 }).lean<MaintenanceDoc[]>();
  return docs.map((d) => ({ id: d._id, title: d.title, description: d.description, components: d.components, startsAt: d.startsAt, endsAt: d.endsAt, createdAt: d.createdAt }));
}
