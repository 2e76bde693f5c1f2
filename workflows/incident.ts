import { ApplicationFailure, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { HeraldActivities } from '../activities';
import type { AuditStep } from '../domain/audit';
import { firstMessageDeadlineMinutes, requiresApproval, type IncidentInput, type Phase } from '../domain/incident';
import type { MessageVersion } from '../domain/message';
import {
  approveUpdate,
  incidentStateQuery,
  resolveUpdate,
  type ApprovalReceipt,
  type IncidentView,
  type ResolveRequest,
} from './messages';

const { recordAudit, draftMessage, publishStatusPage } = proxyActivities<HeraldActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

const { sendIncidentEmail, sendInternalNotice } = proxyActivities<HeraldActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

const minute = 60_000;

function now(): string {
  return new Date(Date.now()).toISOString();
}

/** The communication state of one incident; the workflow function wires its handlers and waits. */
class Incident {
  status: IncidentView['status'] = 'drafting';
  draft?: MessageVersion;
  approval?: ApprovalReceipt;
  approvals: ApprovalReceipt[] = [];
  published: IncidentView['published'] = [];
  escalations: IncidentView['escalations'] = [];
  resolution?: ResolveRequest;
  resolvedAt?: string;
  private auditSeq = 0;
  private versions = 0;

  constructor(readonly input: IncidentInput) {}

  get firstMessageDueAt(): number {
    return Date.parse(this.input.detectedAt) + firstMessageDeadlineMinutes[this.input.severity] * minute;
  }

  view(): IncidentView {
    const { id, title, category, severity, components, summary, detectedAt, declaredBy } = this.input;
    const d = this.draft;
    return {
      id, title, category, severity, components, summary, detectedAt, declaredBy,
      status: this.status,
      firstMessageDueAt: new Date(this.firstMessageDueAt).toISOString(),
      currentDraft: d && { version: d.version, hash: d.hash, phase: d.phase, subject: d.subject, text: d.text },
      approvals: this.approvals,
      published: this.published,
      escalations: this.escalations,
      resolvedAt: this.resolvedAt,
    };
  }

  async audit(step: AuditStep, actor: string, details: Record<string, unknown> = {}): Promise<void> {
    this.auditSeq += 1;
    await recordAudit({ incidentId: this.input.id, seq: this.auditSeq, step, at: now(), actor, details });
  }

  async draftVersion(phase: Phase, author: string, summary?: string): Promise<MessageVersion> {
    this.versions += 1;
    const message = await draftMessage({
      incident: this.input, phase, version: this.versions, author, summary, createdAt: now(),
    });
    this.draft = message;
    this.approval = undefined;
    await this.audit('drafted', author, {
      version: message.version, hash: message.hash, phase, templateId: message.templateId,
    });
    return message;
  }

  /** Status page first, so that every other channel points at a page that already says the same. */
  async publish(message: MessageVersion): Promise<void> {
    const publishedAt = now();
    await publishStatusPage({ incident: this.input, message, publishedAt });
    await this.audit('published', 'herald', { channel: 'status-page', version: message.version, hash: message.hash });
    const email = await sendIncidentEmail({ incident: this.input, message });
    await this.audit('published', 'herald', {
      channel: 'email', version: message.version, hash: message.hash, recipients: email.recipients,
    });
    this.published.push({
      version: message.version, hash: message.hash, phase: message.phase, subject: message.subject,
      publishedAt, emailRecipients: email.recipients,
    });
  }

  async escalateMissedDeadline(): Promise<void> {
    const reason = `first message not approved within ${firstMessageDeadlineMinutes[this.input.severity]} minutes`;
    this.escalations.push({ reason, at: now() });
    await sendInternalNotice({
      incidentId: this.input.id,
      noticeId: 'first-message-deadline',
      subject: `[${this.input.severity}] Approval overdue: ${this.input.title}`,
      text: `Incident ${this.input.id}: ${reason}. Version ${this.draft?.version} is waiting for approval.`,
    });
    await this.audit('escalated', 'herald', { reason, notified: 'escalation-list' });
  }
}

export async function incidentWorkflow(input: IncidentInput): Promise<IncidentView> {
  const incident = new Incident(input);

  setHandler(incidentStateQuery, () => incident.view());

  setHandler(
    approveUpdate,
    (req) => {
      const receipt: ApprovalReceipt = {
        version: req.version, hash: incident.draft!.hash, approvedBy: req.approver, approvedAt: now(),
      };
      incident.approval = receipt;
      incident.approvals.push(receipt);
      return receipt;
    },
    {
      // Validators run before anything is written to history: a rejected approval leaves no trace.
      validator: (req) => {
        const d = incident.draft;
        if (incident.status !== 'awaiting-approval' || !d) {
          throw ApplicationFailure.create({ type: 'NothingToApprove', message: 'no message version is awaiting approval' });
        }
        if (req.version !== d.version || (req.hash !== undefined && req.hash !== d.hash)) {
          throw ApplicationFailure.create({
            type: 'StaleVersion',
            message: `version ${req.version} is not the current version (${d.version}, ${d.hash})`,
            details: [{ currentVersion: d.version, currentHash: d.hash }],
          });
        }
      },
    },
  );

  setHandler(
    resolveUpdate,
    (req) => {
      incident.resolution = req;
      return { accepted: true as const };
    },
    {
      validator: (_req: ResolveRequest) => {
        if (incident.resolution) {
          throw ApplicationFailure.create({ type: 'AlreadyResolved', message: 'the incident is already being resolved' });
        }
      },
    },
  );

  await incident.audit('declared', input.declaredBy, {
    title: input.title, category: input.category, severity: input.severity, components: input.components,
  });

  const first = await incident.draftVersion('investigating', 'herald');
  if (requiresApproval(input.severity)) {
    incident.status = 'awaiting-approval';
    const waitMs = Math.max(0, incident.firstMessageDueAt - Date.now());
    const approvedInTime = await condition(() => !!incident.approval || !!incident.resolution, waitMs);
    if (!approvedInTime) {
      await incident.escalateMissedDeadline();
      await condition(() => !!incident.approval || !!incident.resolution);
    }
    if (incident.approval) {
      await incident.audit('approved', incident.approval.approvedBy, {
        version: incident.approval.version, hash: incident.approval.hash,
      });
    }
  }
  if (!incident.resolution) {
    await incident.publish(first);
    incident.status = 'published';
    await condition(() => !!incident.resolution);
  }

  const resolution = incident.resolution!;
  incident.status = 'resolving';
  const closing = await incident.draftVersion('resolved', resolution.resolvedBy, resolution.summary);
  await incident.publish(closing);
  incident.resolvedAt = now();
  incident.status = 'resolved';
  await incident.audit('resolved', resolution.resolvedBy, { version: closing.version, summary: resolution.summary });
  return incident.view();
}
