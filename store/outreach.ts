import { Schema, type Connection, type Model } from 'mongoose';
import type { OutreachTask, OutreachTaskFields, TalkingPoints } from '../domain/outreach';

/**
 * Direct outreach tasks (M3.5), one per incident and account, keyed by `_id` =
 * `${incidentId}#${customerId}`: FerretDB answers `_id` lookups without scanning, and a second
 * insert of the same task fails instead of making a twin.
 */
export interface OutreachTaskDoc extends OutreachTaskFields<Date> {
  _id: string;
}

const outreachTask = new Schema<OutreachTaskDoc>({
  _id: { type: String, required: true },
  incidentId: { type: String, required: true },
  customerId: { type: String, required: true },
  customerName: { type: String, required: true },
  tier: { type: String, required: true },
  phone: String,
  accountManager: { type: { _id: false, name: String, email: String }, default: undefined },
  version: { type: Number, required: true },
  talkingPoints: { type: new Schema<TalkingPoints>({ subject: String, text: String }, { _id: false }), required: true },
  createdAt: { type: Date, required: true },
  dueAt: { type: Date, required: true },
  status: { type: String, required: true },
  completedAt: Date,
  completedBy: String,
  outcome: String,
  notes: String,
  escalatedAt: Date,
  escalatedTo: { type: [String], default: undefined },
});

export interface OutreachModels {
  OutreachTask: Model<OutreachTaskDoc>;
}

export function bindOutreachModels(conn: Connection): OutreachModels {
  return { OutreachTask: conn.model('OutreachTask', outreachTask, 'outreach_tasks') };
}

const iso = (d: Date | undefined) => (d ? new Date(d).toISOString() : undefined);

/** A stored task as plain JSON, the shape activities return and the API shows. */
export function toOutreachTask(d: OutreachTaskDoc): OutreachTask {
  const task: OutreachTask = {
    id: d._id,
    incidentId: d.incidentId,
    customerId: d.customerId,
    customerName: d.customerName,
    tier: d.tier,
    phone: d.phone,
    accountManager: d.accountManager ? { name: d.accountManager.name, email: d.accountManager.email } : undefined,
    version: d.version,
    talkingPoints: { subject: d.talkingPoints.subject, text: d.talkingPoints.text },
    createdAt: iso(d.createdAt)!,
    dueAt: iso(d.dueAt)!,
    status: d.status,
    completedAt: iso(d.completedAt),
    completedBy: d.completedBy,
    outcome: d.outcome,
    notes: d.notes,
    escalatedAt: iso(d.escalatedAt),
    escalatedTo: d.escalatedTo,
  };
  return Object.fromEntries(Object.entries(task).filter(([, v]) => v !== undefined)) as unknown as OutreachTask;
}

/** Every task of one incident, soonest deadline first. Few per incident (top-tier accounts only). */
export async function incidentOutreach(models: OutreachModels, incidentId: string): Promise<OutreachTask[]> {
  const docs = await models.OutreachTask.find({ incidentId }).lean<OutreachTaskDoc[]>();
  return docs.map(toOutreachTask).sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.customerId.localeCompare(b.customerId));
}
