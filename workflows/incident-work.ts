import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, executeChild, patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { HeraldActivities } from '../activities';
import { iso } from '../domain/incident/deadlines';
import { add, batchHeartbeatTimeout, broadcastWorkflow, heartbeatingRetry, emptyOutcome, type BroadcastOutcome, type BroadcastRequest } from './broadcast';
import type { AuditEntry, Draft, IncidentState, WorkItem } from './incident-state';
import { sendObligationNotice } from './vendor-work';

/**
 * The short, idempotent steps (audit writes, reads, checks, the page) run as local activities:
 * no round trip to the server per step, so the first message leaves sooner.
 */
export const local = proxyLocalActivities<HeraldActivities>({
  startToCloseTimeout: '1 minute',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '30 seconds' },
});

// planBroadcast does not heartbeat: it keeps the timeout it always had.
const { planBroadcast } = proxyActivities<HeraldActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

const { sendEmailBatch } = proxyActivities<HeraldActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: batchHeartbeatTimeout,
  retry: heartbeatingRetry,
});

const { planAudience, createOutreachTasks, escalateOutreach } = proxyActivities<HeraldActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

// Heartbeating activities: a dead worker's attempt is retried within seconds (see batchHeartbeatTimeout).
const { deliverChannels, sendDigests } = proxyActivities<HeraldActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: batchHeartbeatTimeout,
  retry: { ...heartbeatingRetry, nonRetryableErrorTypes: ['PublicationBlocked'] },
});

const { sendInternalNotice } = proxyActivities<HeraldActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['PublicationBlocked'] },
});

/** Writes an audit record the incident decided on, numbered in the order written. */
export async function record(s: IncidentState, entry: AuditEntry | undefined): Promise<void> {
  if (entry) await local.recordAudit(s.auditRecord(entry));
}

/** Does everything the incident queued, in order. */
export async function drain(s: IncidentState): Promise<void> {
  for (let item = s.nextWork(); item; item = s.nextWork()) await runWork(s, item);
}

async function runWork(s: IncidentState, item: WorkItem): Promise<void> {
  if (s.holds(item)) {
    await record(s, s.hold(item));
    return;
  }
  switch (item.kind) {
    case 'audit':
      await record(s, item);
      break;
    case 'notice':
      await sendInternalNotice({ incidentId: s.id, noticeId: item.noticeId, to: item.to, subject: item.subject, text: item.text });
      s.noticeSent(item.noticeId);
      break;
    case 'publish': {
      const draft = s.draftToPublish(item.version);
      if (draft) await publish(s, draft);
      break;
    }
    case 'holding-statement': {
      const req = s.holdingStatementRequest();
      if (!req) return;
      const draft = await local.draftMessage(req);
      await record(s, { step: 'holding-statement', actor: 'herald', details: { version: draft.version, hash: draft.hash, preApproved: true } });
      await publish(s, { ...draft, decisionIds: [] }, { holdingStatement: true });
      break;
    }
    case 'briefing': {
      const b = s.briefing(item.by);
      await sendInternalNotice(b.notice);
      await record(s, b.record);
      break;
    }
    case 'escalation-check':
      s.evaluateEscalations(item.actor);
      break;
    case 'plan-audience':
      s.contractDeadlines(await planAudience(s.audienceRequest()));
      break;
    case 'outreach-check':
      await record(s, s.outreachEscalated(await escalateOutreach(s.outreachEscalationRequest())));
      break;
    case 'resolution':
      await record(s, s.closingDrafted(await local.draftMessage(s.closingRequest())));
      break;
    case 'digest':
      await record(s, s.digestsSent(await sendDigests(s.digestRequest())));
      break;
    case 'vendor-notice':
      await sendObligationNotice(s.vendors, item);
      break;
  }
}

/** Recipients per email batch, as the broadcast workflow plans them. */
const emailBatchSize = 500;

/**
 * Email to the audience: planned here; one batch goes out from this workflow, more than one
 * through the batched broadcast child, which continues from this plan.
 */
async function broadcast(req: BroadcastRequest, workflowId: string): Promise<BroadcastOutcome> {
  const plan = await planBroadcast({ incident: req.incident, message: req.message, batchSize: emailBatchSize, ...(req.legalNotice ? { legalNotice: req.legalNotice } : {}) });
  const totals = emptyOutcome(plan);
  if (plan.batches > 1) {
    return executeChild(broadcastWorkflow, { workflowId, args: [{ ...req, batchSize: emailBatchSize, progress: { plan, nextBatch: 0, totals } }] });
  }
  if (plan.batches === 1) {
    add(totals, await sendEmailBatch({ incident: req.incident, message: req.message, batchIndex: 0, batchSize: emailBatchSize, ...(req.rateLimit ? { rateLimit: req.rateLimit } : {}), ...(req.recurrence ? { recurrence: req.recurrence } : {}) }));
  }
  return totals;
}

/** Direct outreach to top-tier accounts, with a deadline that escalates when missed (M3.5). */
async function outreach(s: IncidentState, draft: Draft, at: number): Promise<void> {
  s.outreachCreated(draft.version, await createOutreachTasks(s.outreachRequest(draft, at)));
}

/** The gate's refusal, wherever it sits in an activity's or child workflow's chain of causes. */
function blockedBy(err: unknown): ApplicationFailure | undefined {
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    if (e instanceof ApplicationFailure && e.type === 'PublicationBlocked') return e;
    if (!(e instanceof ActivityFailure) && !(e instanceof ChildWorkflowFailure) && !(e instanceof ApplicationFailure)) break;
  }
  return undefined;
}

/**
 * One version leaves: checked once, then the status page, email, and the other channels, each
 * recorded. A version the check or a channel's gate stops is recorded and its people told.
 */
async function publish(s: IncidentState, draft: Draft, opts: { holdingStatement?: boolean } = {}): Promise<void> {
  const p = s.startPublication(draft, !!opts.holdingStatement);
  const [health, check] = await Promise.all([local.probeChannels(p.probe), local.checkPublication(p.check)]);
  if (!check.ok) {
    await record(s, s.publicationBlocked(draft.version, { check: check.problems }));
    s.tellBlocked(draft.version, check.problems.map((x) => x.reason));
    return;
  }
  const choices = s.channelChoices(health);
  const outreachFirst = s.outreachFirst;
  try {
    if (outreachFirst) await outreach(s, draft, p.at);
    // The status page first, so every other channel points at a page that already says the same.
    await local.publishStatusPage({ incident: p.incident, message: draft, publishedAt: iso(p.at), nextUpdateAt: iso(p.nextDue) });
    await record(s, {
      step: 'published', actor: 'herald',
      details: { channel: 'status-page', version: draft.version, hash: draft.hash, locales: check.availableLocales, requiredLocales: check.requiredLocales, fallback: check.fallback },
    });
    s.statusPagePublished();
    let recipients = 0;
    let inDoubtResent = 0;
    let emailDelivered: string | undefined;
    const customers = choices.find((c) => c.audience === 'customers');
    if (customers?.fellBack) {
      await record(s, { step: 'channel-fallback', actor: 'herald', details: { audience: 'customers', channel: customers.channel, reason: customers.reason } });
    }
    // Email stays the broadcast of record unless the email channel itself is what is down.
    const emailChosen = !customers || customers.channel === 'email' || customers.channel === null || customers.fellBack;
    if (emailChosen && health.health.email !== false && !(customers?.fellBack && customers.reason?.startsWith('email'))) {
      const email = await broadcast(s.broadcastRequest(p.incident, draft, p.at), `broadcast-${s.id}-v${draft.version}-email`);
      recipients = email.recipients;
      inDoubtResent = email.inDoubtResent;
      emailDelivered = iso(Date.now());
      if (email.deferred && email.digestDueAt) s.emailDeferred(draft.version, email.deferred, email.digestDueAt);
      // What became of every delivery (sent, refused for good, failed over, resent in doubt), as the delivery log has it, is in the audit too.
      const outcomes = patched('email-outcomes-audited') ? { outcomes: await local.emailOutcomes({ incidentId: p.incident.id, version: draft.version }) } : {};
      await record(s, { step: 'published', actor: 'herald', details: { channel: 'email', version: draft.version, hash: draft.hash, recipients, ...outcomes } });
    }
    s.published({
      version: draft.version, hash: draft.hash, phase: draft.phase, subject: draft.subject, publishedAt: iso(p.at),
      emailRecipients: recipients, holdingStatement: !!opts.holdingStatement, nextUpdateAt: iso(p.nextDue), channels: choices,
    });
    // The version is out (page and email) and the incident says so; the other channels follow (M3.3).
    if (!outreachFirst) await outreach(s, draft, p.at);
    s.channelsDelivered(draft.version, await deliverChannels({
      incident: p.incident, message: draft, publishedAt: iso(p.at),
      delivered: emailDelivered ? [{ channel: 'email', deliveredAt: emailDelivered, count: recipients, ...(inDoubtResent ? { inDoubtResent } : {}) }] : [],
      internal: s.internalChannels,
    }));
  } catch (err) {
    const blocked = blockedBy(err);
    if (!blocked) throw err;
    // A later channel that refuses what the page already shows leaves the version published.
    const afterStatusPage = s.isPublished(draft.version);
    await record(s, s.publicationBlocked(draft.version, { gate: blocked.message, afterStatusPage }));
    s.tellBlocked(draft.version, [blocked.message], afterStatusPage ? 'the status page shows it; a later channel refused it' : undefined);
  }
}
