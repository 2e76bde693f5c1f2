import { Schema } from 'mongoose';
import { required, storedIn, type BoundModels } from './schema';
import type { OutreachOutcome, OutreachTask, OutreachTaskFields, TalkingPoints } from '../domain/outreach';
import { collectionOf, insertOnce } from './mongo';

/**
 * Direct outreach tasks (M3.5), one per incident and account, keyed by `_id` =
 * `${incidentId}#${customerId}`: FerretDB answers `_id` lookups without scanning, and a second
 * insert of the same task fails instead of making a twin.
 */
export interface OutreachTaskDoc extends OutreachTaskFields<Date> {
  _id: string;
}

const outreachTask = new Schema<OutreachTaskDoc>({
  ...required({ _id: String, incidentId: String, customerId: String, customerName: String, tier: String }),
  phone: String,
  accountManager: { type: { _id: false, name: String, email: String }, default: undefined },
  version: { type: Number, required: true },
  talkingPoints: { type: new Schema<TalkingPoints>({ subject: String, text: String }, { _id: false }), required: true },
  ...required({ createdAt: Date, dueAt: Date, status: String }),
  completedAt: Date, completedBy: String, outcome: String, notes: String, escalatedAt: Date,
  escalatedTo: { type: [String], default: undefined },
});

export const outreachCollections = {
  OutreachTask: storedIn('outreach_tasks', outreachTask),
};

export type OutreachModels = BoundModels<typeof outreachCollections>;

const iso = (d: Date | undefined) => (d ? new Date(d).toISOString() : undefined);

/** A stored task as plain JSON, the shape activities return and the API shows. */
function toOutreachTask(d: OutreachTaskDoc): OutreachTask {
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

/** One task, if it exists. */
export async function findOutreachTask(models: OutreachModels, id: string): Promise<OutreachTask | undefined> {
  const doc = await collectionOf(models.OutreachTask).findOne({ _id: id });
  return doc ? toOutreachTask(doc) : undefined;
}

/** Creates a task; false when the account's task for the incident exists already. */
export function insertOutreachTask(models: OutreachModels, doc: OutreachTaskDoc): Promise<boolean> {
  return insertOnce(models.OutreachTask, doc);
}

/** Gives a call still to be made the words of a later version; answers whether the task changed. */
export async function refreshTalkingPoints(models: OutreachModels, id: string, version: number, talkingPoints: TalkingPoints): Promise<boolean> {
  const res = await collectionOf(models.OutreachTask).updateOne(
    { _id: id, status: { $in: ['open', 'escalated'] }, version: { $lt: version } },
    { $set: { version, talkingPoints } },
  );
  return res.modifiedCount > 0;
}

/** Marks a task escalated, unless it is no longer open. */
export async function escalateOutreachTask(models: OutreachModels, id: string, at: Date, escalatedTo: string[]): Promise<void> {
  await collectionOf(models.OutreachTask).updateOne({ _id: id, status: 'open' }, { $set: { status: 'escalated', escalatedAt: at, escalatedTo } });
}

/**
 * Records the outcome of a call. The status in the filter makes two concurrent completions record
 * exactly one outcome: `completed` is false for the one that came second (or a task already done).
 */
export async function completeOutreachTask(
  models: OutreachModels,
  id: string,
  completion: { by: string; outcome: OutreachOutcome; notes?: string; at: Date },
): Promise<{ completed: boolean; task?: OutreachTask }> {
  const tasks = collectionOf(models.OutreachTask);
  const res = await tasks.updateOne(
    { _id: id, status: { $in: ['open', 'escalated'] } },
    {
      $set: {
        status: 'done', completedAt: completion.at, completedBy: completion.by, outcome: completion.outcome,
        ...(completion.notes ? { notes: completion.notes } : {}),
      },
    },
  );
  return { completed: res.modifiedCount > 0, task: await findOutreachTask(models, id) };
}
