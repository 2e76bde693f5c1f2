import type { IncidentInput } from '../domain/incident';
import { deliveryKey } from '../domain/messages';
import {
  assignmentEmail,
  completionUrl,
  escalationEmail,
  outreachMessageId,
  outreachTaskId,
  type OutreachTask,
  type TalkingPoints,
} from '../domain/outreach';
import { gateDispatch } from '../store/near-misses';
import { incidentOutreach, toOutreachTask, type OutreachTaskDoc } from '../store/outreach';
import { loadAudience } from '../store/service-model';
import { outreachAccounts } from '../domain/audience';
import { sendOnce } from './email';
import type { ActivityDeps } from './index';

export interface OutreachRequest {
  /** The incident as it stands now (current severity and components). */
  incident: IncidentInput;
  /** The message version the talking points come from. */
  version: number;
  talkingPoints: TalkingPoints;
  tiers: string[];
  createdAt: string;
  dueAt: string;
}

export interface OutreachCreated {
  created: number;
  updated: number;
  /** Tasks of the incident still open (not done, not escalated). */
  open: number;
  earliestDueAt?: string;
}

export interface OutreachEscalationRequest {
  incidentId: string;
  at: string;
  /** Who hears about an overdue call besides the account manager; the configured escalation list when empty. */
  escalateTo: string[];
}

export interface OutreachEscalated {
  /** Tasks this escalation (or an earlier attempt of it, at the same `at`) moved to escalated. */
  escalated: number;
  open: number;
  nextDueAt?: string;
}

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

function stillOpen(tasks: OutreachTask[]): { open: number; dueAt?: string } {
  const open = tasks.filter((t) => t.status === 'open');
  return { open: open.length, dueAt: open.map((t) => t.dueAt).sort()[0] };
}

export function createOutreachActivities(deps: ActivityDeps) {
  const { store, config } = deps;
  const { Customer, OutreachTask } = store.models;

  async function readTask(id: string): Promise<OutreachTask | undefined> {
    const doc = await OutreachTask.collection.findOne({ _id: id as never });
    return doc ? toOutreachTask(doc as unknown as OutreachTaskDoc) : undefined;
  }

  /**
   * The account manager's assignment: once per task, whoever retries. An account without a
   * manager (only lower tiers can lack one) keeps its task unassigned until it escalates.
   */
  async function sendAssignment(task: OutreachTask, title: string): Promise<void> {
    if (!task.accountManager?.email) return;
    const to = [task.accountManager.email];
    const { subject, text } = assignmentEmail(task, title, completionUrl(config.publicUrl, task));
    await sendOnce(
      deps,
      deliveryKey(task.incidentId, 0, 'outreach-assigned', task.id),
      { incidentId: task.incidentId, version: task.version, channel: 'outreach', recipient: to.join(', ') },
      {
        from: config.fromAddress, to, subject, text,
        messageId: outreachMessageId(task, 'assigned', config.messageIdDomain),
        headers: { 'X-Herald-Incident-Id': task.incidentId, 'X-Herald-Outreach-Customer': task.customerId, 'X-Herald-Notice': 'outreach-assigned' },
      },
    );
  }

  return {
    /**
     * Direct outreach (M3.5): one task per affected account in the given tiers, assigned to its
     * account manager by one email. A later version refreshes the talking points of tasks not
     * yet done and keeps their deadline. The talking points pass the one gate first: they are
     * public text, read out to the customer.
     */
    async createOutreachTasks(req: OutreachRequest): Promise<OutreachCreated> {
      const incidentId = req.incident.id;
      const talkingPoints = await gateDispatch(
        store.models,
        { incidentId, version: req.version, channel: 'outreach' },
        { subject: req.talkingPoints.subject, text: req.talkingPoints.text, html: '' },
      );
      const points = { subject: talkingPoints.subject, text: talkingPoints.text };
      const { audience } = await loadAudience(store.models, req.incident);
      const ids = outreachAccounts(audience, req.tiers).map((m) => m.customerId);
      const customers = ids.length
        ? await Customer.find({ customerId: { $in: ids } }, { _id: 0, customerId: 1, name: 1, tier: 1, phone: 1, accountManager: 1 }).lean()
        : [];
      customers.sort((a, b) => a.customerId.localeCompare(b.customerId));

      let created = 0;
      let updated = 0;
      for (const c of customers) {
        const doc: OutreachTaskDoc = {
          _id: outreachTaskId(incidentId, c.customerId),
          incidentId,
          customerId: c.customerId,
          customerName: c.name,
          tier: c.tier,
          ...(c.phone ? { phone: c.phone } : {}),
          ...(c.accountManager ? { accountManager: { name: c.accountManager.name, email: c.accountManager.email } } : {}),
          version: req.version,
          talkingPoints: points,
          createdAt: new Date(req.createdAt),
          dueAt: new Date(req.dueAt),
          status: 'open',
        };
        try {
          await OutreachTask.collection.insertOne(doc as never);
          created++;
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          // The call is still to be made: it should use the latest words, by the deadline first set.
          const res = await OutreachTask.collection.updateOne(
            { _id: doc._id as never, status: { $in: ['open', 'escalated'] }, version: { $lt: req.version } },
            { $set: { version: req.version, talkingPoints: points } },
          );
          updated += res.modifiedCount;
        }
        const task = await readTask(doc._id);
        // Also after a crash between the insert and the email: the delivery claim keeps it to one.
        if (task && task.status !== 'done') await sendAssignment(task, req.incident.title);
      }
      const { open, dueAt } = stillOpen(await incidentOutreach(store.models, incidentId));
      return { created, updated, open, ...(dueAt ? { earliestDueAt: dueAt } : {}) };
    },

    /**
     * Escalates every call still open at its deadline: the task is marked, and the escalation
     * list and the account manager get one email about it. A task done meanwhile is left alone.
     */
    async escalateOutreach(req: OutreachEscalationRequest): Promise<OutreachEscalated> {
      const at = new Date(req.at);
      const escalateTo = req.escalateTo.length ? req.escalateTo : config.escalationEmails;
      for (const t of await incidentOutreach(store.models, req.incidentId)) {
        if (t.status !== 'open' || Date.parse(t.dueAt) > at.getTime()) continue;
        await OutreachTask.collection.updateOne(
          { _id: t.id as never, status: 'open' },
          { $set: { status: 'escalated', escalatedAt: at, escalatedTo: escalateTo } },
        );
      }
      const tasks = await incidentOutreach(store.models, req.incidentId);
      let escalated = 0;
      for (const t of tasks.filter((x) => x.status === 'escalated')) {
        if (t.escalatedAt === at.toISOString()) escalated++;
        const to = [...new Set([...(t.escalatedTo ?? []), ...(t.accountManager?.email ? [t.accountManager.email] : [])])];
        if (!to.length) continue;
        const { subject, text } = escalationEmail(t, completionUrl(config.publicUrl, t));
        await sendOnce(
          deps,
          deliveryKey(t.incidentId, 0, 'outreach-escalated', t.id),
          { incidentId: t.incidentId, version: t.version, channel: 'outreach', recipient: to.join(', ') },
          {
            from: config.fromAddress, to, subject, text,
            messageId: outreachMessageId(t, 'escalated', config.messageIdDomain),
            headers: { 'X-Herald-Incident-Id': t.incidentId, 'X-Herald-Outreach-Customer': t.customerId, 'X-Herald-Notice': 'outreach-escalated' },
          },
        );
      }
      const { open, dueAt } = stillOpen(tasks);
      return { escalated, open, ...(dueAt ? { nextDueAt: dueAt } : {}) };
    },
  };
}
