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
import { gateDispatch } from './gate';
import {
  escalateOutreachTask,
  findOutreachTask,
  incidentOutreach,
  insertOutreachTask,
  refreshTalkingPoints,
  type OutreachTaskDoc,
} from '../store/outreach';
import { loadAudience } from '../store/service-model';
import { outreachAccounts } from '../domain/audience';
import { sendOnce } from './email';
import type { ActivityDeps, AudienceCollections, StoreDeps } from './deps';

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

function stillOpen(tasks: OutreachTask[]): { open: number; dueAt?: string } {
  const open = tasks.filter((t) => t.status === 'open');
  return { open: open.length, dueAt: open.map((t) => t.dueAt).sort()[0] };
}

export function createOutreachActivities(deps: StoreDeps<AudienceCollections | 'OutreachTask' | 'Delivery' | 'NearMiss'> & Pick<ActivityDeps, 'mailer' | 'config'>) {
  const { store, config } = deps;
  const { Customer } = store.models;

  /** One email about a task, once per task and notice whoever retries. */
  async function tellAbout(task: OutreachTask, notice: 'assigned' | 'escalated', to: string[], mail: { subject: string; text: string }): Promise<void> {
    await sendOnce(
      deps,
      deliveryKey(task.incidentId, 0, `outreach-${notice}`, task.id),
      { incidentId: task.incidentId, version: task.version, channel: 'outreach', recipient: to.join(', ') },
      {
        from: config.fromAddress, to, ...mail,
        messageId: outreachMessageId(task, notice, config.messageIdDomain),
        headers: { 'X-Herald-Incident-Id': task.incidentId, 'X-Herald-Outreach-Customer': task.customerId, 'X-Herald-Notice': `outreach-${notice}` },
      },
    );
  }

  /**
   * The account manager's assignment. An account without a manager (only lower tiers can lack
   * one) keeps its task unassigned until it escalates.
   */
  async function sendAssignment(task: OutreachTask, title: string): Promise<void> {
    if (!task.accountManager?.email) return;
    await tellAbout(task, 'assigned', [task.accountManager.email], assignmentEmail(task, title, completionUrl(config.publicUrl, task)));
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
        if (await insertOutreachTask(store.models, doc)) created++;
        // The call is still to be made: it should use the latest words, by the deadline first set.
        else if (await refreshTalkingPoints(store.models, doc._id, req.version, points)) updated++;
        const task = await findOutreachTask(store.models, doc._id);
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
        await escalateOutreachTask(store.models, t.id, at, escalateTo);
      }
      const tasks = await incidentOutreach(store.models, req.incidentId);
      let escalated = 0;
      for (const t of tasks.filter((x) => x.status === 'escalated')) {
        if (t.escalatedAt === at.toISOString()) escalated++;
        const to = [...new Set([...(t.escalatedTo ?? []), ...(t.accountManager?.email ? [t.accountManager.email] : [])])];
        if (!to.length) continue;
        await tellAbout(t, 'escalated', to, escalationEmail(t, completionUrl(config.publicUrl, t)));
      }
      const { open, dueAt } = stillOpen(tasks);
      return { escalated, open, ...(dueAt ? { nextDueAt: dueAt } : {}) };
    },
  };
}
