import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  executeChild,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { HeraldActivities } from '../activities';
import type { IncidentInput } from '../domain/incident';
import { add, broadcastWorkflow, emptyOutcome, type BroadcastOutcome, type BroadcastRequest } from './broadcast';
import { deadlinesFor, nextUpdateDueMinutes, selectChannels } from '../domain/rules';
import { minute, iso, IncidentState, type Deadline, type Draft, type IncidentData, type WorkItem } from './incident-state';
import {
  acknowledgeHandoffUpdate,
  alertSignal,
  approveUpdate,
  assignRoleUpdate,
  changeClassificationUpdate,
  confirmRootCauseUpdate,
  editDraftUpdate,
  endBlackoutUpdate,
  handOffUpdate,
  incidentStateQuery,
  internalUpdateUpdate,
  publishUpdate,
  recordDecisionUpdate,
  requestBriefingUpdate,
  resolveUpdate,
  startBlackoutUpdate,
  technicalReviewUpdate,
  versionBodiesQuery,
  versionsQuery,
  type DraftEdit,
  type IncidentView,
  type PublishRequest,
} from './messages';

const { recordAudit, draftMessage, publishStatusPage, resolvePlaybook, probeChannels } = proxyActivities<HeraldActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * The short, idempotent steps of a v2 run (audit writes, reads, checks, the page) run as local
 * activities: no round trip to the server per step, so the first message leaves sooner.
 */
const local = proxyLocalActivities<HeraldActivities>({
  startToCloseTimeout: '1 minute',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '30 seconds' },
});
const remote = { recordAudit, draftMessage, publishStatusPage, resolvePlaybook, probeChannels };
/** The proxies for a run: local ones in v2 runs, the recorded kind in older ones. */
function steps(s: { d: { v2?: boolean } } | boolean) {
  const v2 = typeof s === 'boolean' ? s : !!s.d.v2;
  return v2 ? { ...remote, ...pick(local) } : remote;
}
function pick(l: typeof local) {
  return { recordAudit: l.recordAudit, draftMessage: l.draftMessage, publishStatusPage: l.publishStatusPage, resolvePlaybook: l.resolvePlaybook, probeChannels: l.probeChannels, checkPublication: l.checkPublication };
}

const { sendEmailBatch, planBroadcast } = proxyActivities<HeraldActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

const { planAudience, createOutreachTasks, escalateOutreach } = proxyActivities<HeraldActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

const { deliverChannels, sendDigests } = proxyActivities<HeraldActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['PublicationBlocked'] },
});

/** Locales look like "de" or "pt-BR". */
const localePattern = /^[a-z]{2}(-[A-Z]{2})?$/;

const { sendInternalNotice } = proxyActivities<HeraldActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['PublicationBlocked'] },
});

/** Past this many events a run hands its state to a fresh run (well under Temporal's limits). */
const defaultHistoryEventBudget = 2_000;

/** How a run behaves, carried over continue-as-new; tests lower the budget to cross runs sooner. */
export interface IncidentRunOptions {
  historyEventBudget?: number;
}

function reject(type: string, message: string, details?: unknown): never {
  throw ApplicationFailure.create({ type, message, details: details === undefined ? undefined : [details] });
}

function needDraft(s: IncidentState): Draft {
  return s.d.draft ?? reject('NothingToApprove', 'the incident has no draft yet');
}

function registerHandlers(s: IncidentState): void {
  const d = s.d;
  const open = (..._args: unknown[]) => {
    // In v2 runs the closing message is drafted, approved and published like any other, so the
    // incident stays open to edits and sign-offs until it is out.
    if (d.resolution && (!d.v2 || d.resolvedAt)) reject('IncidentClosed', 'the incident is resolved or being resolved');
  };

  setHandler(incidentStateQuery, () => s.view());
  setHandler(versionsQuery, () => {
    const publishedAt = (v: number) => d.published.find((p) => p.version === v)?.publishedAt;
    const log = d.versionLog.map((v) => ({
      version: v.version, hash: v.hash, phase: v.phase, author: v.author, createdAt: v.createdAt, parent: v.parent, subject: v.subject,
      current: false, publishedAt: publishedAt(v.version),
    }));
    const x = d.draft;
    return x
      ? [...log, { version: x.version, hash: x.hash, phase: x.phase, author: x.author, createdAt: x.createdAt, parent: x.parent, subject: x.subject, current: true, publishedAt: publishedAt(x.version) }]
      : log;
  });
  setHandler(versionBodiesQuery, ({ from, to }) => {
    const body = (version: number) => {
      const b = s.versionBody(version);
      return b && { version, ...b };
    };
    return { from: body(from), to: body(to) };
  });

  setHandler(alertSignal, (alert) => {
    const entry = s.recordAlert(alert);
    s.audit('alert-joined', alert.source, { fingerprint: alert.fingerprint, status: alert.status, alertName: alert.alertName, count: entry.count });
  });

  setHandler(
    approveUpdate,
    (req) => {
      const draft = needDraft(s);
      const role = req.as ?? s.pendingApprovers().find((r) => req.heldRoles.includes(r))!;
      const decision = req.decision ?? 'approve';
      const at = iso(Date.now());
      d.signoffs.push({ version: draft.version, hash: draft.hash, role, by: req.approver, at, decision, reason: req.reason });
      s.meet((dl) => dl.kind === 'approval-timeout' && dl.role === role && dl.version === draft.version);
      if (decision === 'reject') {
        d.status = 'drafting';
        d.publishRequested = undefined;
        s.meet((dl) => dl.kind === 'approval-timeout' && dl.version === draft.version);
        s.audit('approval-rejected', req.approver, { version: draft.version, hash: draft.hash, role, reason: req.reason });
        s.notice(`rejected-v${draft.version}-${role}`, [...(d.roles.drafter ?? []), s.lead], `Draft v${draft.version} sent back by ${role}`, `Reason: ${req.reason}`, { holdable: false });
      } else {
        s.audit('approved', req.approver, { version: draft.version, hash: draft.hash, role });
        if (!s.pendingApprovers().length && d.publishRequested === draft.version) requestPublication(s, draft.version, req.approver);
      }
      s.dirty = true;
      return { version: draft.version, hash: draft.hash, role, approvedBy: req.approver, approvedAt: at, pending: s.pendingApprovers() };
    },
    {
      // Validators run before anything is written to history: a rejected approval leaves no trace.
      validator: (req) => {
        open();
        const draft = d.draft;
        if (d.status !== 'awaiting-approval' || !draft) reject('NothingToApprove', 'no message version is awaiting approval');
        if (req.version !== draft.version) {
          reject('StaleVersion', `version ${req.version} is not the current version (${draft.version}, ${draft.hash})`, {
            currentVersion: draft.version, currentHash: draft.hash,
          });
        }
        if (req.hash !== undefined && req.hash !== draft.hash) {
          reject('StaleVersion', `content hash ${req.hash} does not match the current wording of version ${draft.version} (${draft.hash}); review the current text and sign that`, {
            currentVersion: draft.version, currentHash: draft.hash,
          });
        }
        if (req.decision === 'reject' && !req.reason) reject('ReasonRequired', 'a rejection needs a reason');
        const pending = s.pendingApprovers();
        const role = req.as ?? pending.find((r) => req.heldRoles.includes(r));
        if (!role) reject('Forbidden', `none of your approver roles (${req.heldRoles.join(', ') || 'none'}) is pending; pending: ${pending.join(', ')}`);
        if (!req.heldRoles.includes(role)) reject('Forbidden', `you do not hold the approver role "${role}"`);
        if (!pending.includes(role)) reject('NotRequired', `"${role}" has no pending sign-off on version ${draft.version}`);
      },
    },
  );

  setHandler(
    editDraftUpdate,
    (e) => {
      const voided = d.signoffs.filter((x) => x.version === d.draft!.version && x.decision === 'approve').length;
      const wasRequested = d.publishRequested === d.draft!.version;
      const draft = s.edit(e);
      d.signoffs = d.signoffs.filter((x) => x.version !== draft.parent);
      if (d.v2) s.recomputeApprovers();
      if (voided) s.audit('approvals-voided', e.author, { version: draft.parent, voided });
      s.audit('drafted', e.author, {
        version: draft.version, hash: draft.hash, parent: draft.parent, phase: draft.phase, rootCause: draft.rootCause?.status, decisions: draft.decisionIds,
      });
      d.status = 'drafting';
      if (wasRequested) requestPublication(s, draft.version);
      return { version: draft.version, hash: draft.hash, parent: draft.parent!, voidedApprovals: voided };
    },
    {
      validator: (e: DraftEdit) => {
        open();
        const current = needDraft(s);
        if (e.baseVersion !== current.version) {
          reject('StaleVersion', `version ${e.baseVersion} is not the latest (${current.version})`, { currentVersion: current.version, currentHash: current.hash });
        }
        const unknown = (e.decisionIds ?? []).filter((id) => !d.decisions.some((x) => x.id === id));
        if (unknown.length) reject('UnknownDecision', `unknown decisions: ${unknown.join(', ')}`);
        if (d.v2) {
          const policy = s.messagePolicy;
          const primary = current.locale ?? policy.locale;
          for (const [locale, t] of Object.entries(e.translations ?? {})) {
            if (!localePattern.test(locale)) reject('InvalidLocale', `"${locale}" is not a locale such as "de" or "pt-BR"`);
            if (locale === primary) reject('InvalidLocale', `"${locale}" is the version's own locale; edit the text instead`);
            if (!t.subject?.trim() || !t.text?.trim()) reject('InvalidTranslation', `the ${locale} translation needs a subject and a text`);
          }
          const rewords = e.subject.trim() !== current.subject || e.text.trim() !== current.text || e.phase !== current.phase;
          if (rewords && !policy.customNarratives.allowed) {
            reject('CustomNarrativeNotAllowed', `playbook ${d.playbook.id} allows only template wording; custom narratives are not allowed`);
          }
        }
      },
    },
  );

  setHandler(
    publishUpdate,
    (req) => {
      if (req.critical && d.blackout) {
        d.overrides.push({ version: req.version, by: req.by, at: iso(Date.now()) });
        s.audit('blackout-override', req.by, { version: req.version });
      }
      const status = requestPublication(s, req.version, req.by, !!req.critical);
      return { version: req.version, status };
    },
    {
      validator: (req: PublishRequest) => {
        open();
        const current = needDraft(s);
        if (req.version !== current.version) {
          reject('StaleVersion', `version ${req.version} is not the latest (${current.version})`, { currentVersion: current.version, currentHash: current.hash });
        }
        if (d.published.some((p) => p.version === req.version)) reject('AlreadyPublished', `version ${req.version} is already published`);
        if (req.critical && d.blackout && !(req.byRoles ?? []).some((r) => s.pb.blackout.overrideRoles.includes(r))) {
          reject('Forbidden', `only ${s.pb.blackout.overrideRoles.join(', ')} may override the blackout`);
        }
      },
    },
  );

  setHandler(
    resolveUpdate,
    (req) => {
      d.resolution = req;
      if (d.v2) s.queue({ kind: 'resolution' });
      s.dirty = true;
      return { accepted: true as const };
    },
    { validator: (_req: unknown) => (d.resolution ? reject('AlreadyResolved', 'the incident is already being resolved') : undefined) },
  );

  setHandler(
    assignRoleUpdate,
    (a) => {
      d.roles[a.role] = a.role === 'reviewer' ? [...new Set([...(d.roles.reviewer ?? []), a.person])] : [a.person];
      if (a.role === 'communication-lead') moveDeadlines(s, a.person);
      s.audit('role-assigned', a.by, { role: a.role, person: a.person });
      return { role: a.role, people: d.roles[a.role]! };
    },
    { validator: open },
  );

  setHandler(
    handOffUpdate,
    (h) => {
      const due = Date.now() + s.pb.handoff.acknowledgeWithinMinutes * minute;
      const dl = s.addDeadline({ kind: 'handoff-ack', dueAt: due, owner: h.to, backup: s.leadBackup });
      d.handoff = { from: s.lead, to: h.to, notes: h.notes, requestedAt: Date.now(), deadlineId: dl.id };
      s.audit('handoff-requested', h.by, { from: s.lead, to: h.to, notes: h.notes });
      s.notice(`handoff-${dl.id}`, [h.to], `Handoff: you are asked to take over communication for ${d.input.id}`, `From ${s.lead}:\n\n${h.notes}\n\nAcknowledge by ${iso(due)}.`, { holdable: false });
      return { acknowledgeBy: iso(due) };
    },
    {
      validator: (h) => {
        open();
        if (d.handoff) reject('HandoffPending', `a handoff to ${d.handoff.to} is waiting for acknowledgement`);
        if (h.to === s.lead) reject('SameOwner', `${h.to} already owns communication`);
      },
    },
  );

  setHandler(
    acknowledgeHandoffUpdate,
    ({ by }) => {
      const h = d.handoff!;
      s.meet((dl) => dl.id === h.deadlineId);
      d.handoff = undefined;
      d.roles['communication-lead'] = [h.to];
      d.leadSince = Date.now();
      const moved = moveDeadlines(s, h.to);
      s.meet((dl) => dl.kind === 'fatigue');
      s.addDeadline({ kind: 'fatigue', dueAt: Date.now() + s.pb.handoff.fatigueLimitHours * 60 * minute, owner: h.to, backup: s.leadBackup });
      d.handoffs.push({ from: h.from, to: h.to, notes: h.notes, at: iso(h.requestedAt), acknowledgedAt: iso(Date.now()) });
      s.audit('handoff-acknowledged', by, { from: h.from, to: h.to, movedDeadlines: moved });
      return { lead: h.to, movedDeadlines: moved };
    },
    {
      validator: ({ by }) => {
        if (!d.handoff) reject('NoHandoff', 'no handoff is waiting');
        if (by !== d.handoff.to) reject('Forbidden', `only ${d.handoff.to} can acknowledge this handoff`);
      },
    },
  );

  setHandler(
    recordDecisionUpdate,
    (x) => {
      const decision = { ...x, id: `D${d.decisions.length + 1}`, at: iso(Date.now()), linkedVersions: [] as number[] };
      d.decisions.push(decision);
      s.audit('decision-recorded', x.by, { id: decision.id, what: x.what, why: x.why });
      return decision;
    },
    { validator: open },
  );

  setHandler(
    startBlackoutUpdate,
    (b) => {
      const until = Date.now() + b.minutes * minute;
      const dl = s.addDeadline({ kind: 'blackout-end', dueAt: until });
      d.blackout = { until, reason: b.reason, by: b.by, startedAt: Date.now(), deadlineId: dl.id };
      s.audit('blackout-started', b.by, { until: iso(until), reason: b.reason });
      return { until: iso(until) };
    },
    {
      validator: (b) => {
        open();
        if (d.blackout) reject('BlackoutActive', `a blackout is already active until ${iso(d.blackout.until)}`);
        if (b.minutes > s.pb.blackout.maxMinutes) reject('TooLong', `a blackout may last at most ${s.pb.blackout.maxMinutes} minutes`);
      },
    },
  );

  setHandler(
    endBlackoutUpdate,
    ({ by }) => ({ released: endBlackout(s, by) }),
    { validator: (_req: unknown) => (d.blackout ? undefined : reject('NoBlackout', 'no blackout is active')) },
  );

  setHandler(
    changeClassificationUpdate,
    (c) => {
      if (c.severity) d.severity = c.severity;
      if (c.addTags) d.tags = [...new Set([...d.tags, ...c.addTags])];
      if (c.customersAffected !== undefined) d.customersAffected = c.customersAffected;
      s.audit('reclassified', c.by, { severity: d.severity, tags: d.tags, customersAffected: d.customersAffected });
      s.evaluateEscalations(c.by);
      // A new severity has other contractual deadlines (M1.4), and a graver one shorter step deadlines (M1.5).
      if (d.v2 && c.severity) {
        s.queue({ kind: 'plan-audience' });
        for (const rule of deadlinesFor(s.pb, d.severity)) {
          const dl = d.deadlines.find((x) => x.kind === 'step' && x.step === rule.step && x.state === 'open');
          const due = s.detectedAt + rule.minutesFromDetection * minute;
          if (dl && due < dl.dueAt) {
            dl.dueAt = Math.max(Date.now(), due);
            dl.holdingStatement = rule.publishHoldingStatementOnMiss;
            s.dirty = true;
          }
        }
      }
      return { severity: d.severity, tags: d.tags, requiredApprovers: d.requiredApprovers };
    },
    { validator: open },
  );

  setHandler(
    internalUpdateUpdate,
    (u) => {
      d.internalUpdates += 1;
      const n = d.internalUpdates;
      // Engineering sees the internals; everyone else the summary only (M4.2).
      const engineering = `${u.summary}\n\nTechnical details:\n${u.technicalDetails ?? '(none)'}`;
      const audiences = u.level === 'engineering' ? ['engineering'] : u.level === 'executive' ? ['executives'] : ['internal-support', 'account-management'];
      s.audit('internal-update', u.by, { level: u.level, audiences });
      for (const audience of audiences) {
        const to = audience === 'engineering' ? [s.lead, ...(d.roles.reviewer ?? [])] : audience === 'executives' ? [s.pb.approverContacts.executive.onCall] : s.pb.briefings.lists[audience as 'internal-support'] ?? [];
        s.notice(`internal-update-${n}-${audience}`, to, `[${d.severity}] ${d.input.title}: update for ${audience}`, audience === 'engineering' ? engineering : u.summary);
      }
      return { queued: true as const };
    },
    { validator: open },
  );

  setHandler(
    requestBriefingUpdate,
    ({ by }) => {
      s.queue({ kind: 'briefing', by });
      return { queued: true as const };
    },
    { validator: open },
  );

  setHandler(
    confirmRootCauseUpdate,
    (c) => {
      const at = iso(Date.now());
      d.rootCause = { statement: c.statement, confirmedBy: c.by, confirmedAt: at };
      s.audit('root-cause-confirmed', c.by, { statement: c.statement });
      s.dirty = true;
      return { confirmedAt: at };
    },
    { validator: open },
  );

  setHandler(
    technicalReviewUpdate,
    (r) => {
      d.reviews.push({ ...r, at: iso(Date.now()) });
      s.audit('technical-review', r.reviewer, { version: r.version, verdict: r.verdict, notes: r.notes });
      const reviewers = d.roles.reviewer ?? [];
      const done = reviewers.every((p) => d.reviews.some((x) => x.reviewer === p && x.verdict === 'accurate'));
      if (done) s.meetStep('review-complete');
      return { recorded: true as const };
    },
    {
      validator: (r) => {
        open();
        if (r.version !== d.draft?.version) reject('StaleVersion', `version ${r.version} is not the latest`);
      },
    },
  );
}

/** Marks a version for publication: it goes out once every required approver has signed it. */
function requestPublication(s: IncidentState, version: number, by = 'herald', critical = false): 'publishing' | 'awaiting-approval' | 'held' {
  s.d.publishRequested = version;
  s.dirty = true;
  if (s.pendingApprovers().length) {
    s.d.status = 'awaiting-approval';
    s.requestApprovals();
    return 'awaiting-approval';
  }
  s.d.publishRequested = undefined;
  s.meetStep('approval');
  const item: WorkItem = { kind: 'publish', version, by, critical };
  s.queue(item);
  return s.holds(item) ? 'held' : 'publishing';
}

function moveDeadlines(s: IncidentState, to: string): number {
  let moved = 0;
  for (const dl of s.d.deadlines) {
    if (dl.state === 'open' && dl.owner && dl.kind !== 'handoff-ack' && (dl.role === 'communication-lead' || dl.kind.startsWith('cadence') || dl.kind === 'fatigue' || dl.kind === 'step')) {
      if (dl.kind === 'step' && dl.role !== 'communication-lead') continue;
      dl.owner = to;
      moved += 1;
    }
  }
  return moved;
}

function endBlackout(s: IncidentState, by: string): number {
  const b = s.d.blackout!;
  s.meet((dl) => dl.id === b.deadlineId);
  s.d.blackout = undefined;
  const held = s.d.held.splice(0);
  // The end is recorded first, then what was held goes out in the order it was held.
  s.d.work.unshift({ kind: 'audit', step: 'blackout-ended', actor: by, details: { released: held.length } }, ...held.map((h) => h.item));
  s.dirty = true;
  return held.length;
}

/** What a passed deadline does. */
function fire(s: IncidentState, dl: Deadline): void {
  const d = s.d;
  dl.firedAt = Date.now();
  dl.state = 'missed';
  const tag = `[${d.severity}] ${d.input.title}`;
  switch (dl.kind) {
    case 'step': {
      const reason = `deadline for ${dl.step} (${dl.role}) passed at ${iso(dl.dueAt)}`;
      d.escalations.push({ reason, at: iso(Date.now()), notified: [dl.backup!] });
      s.notice(`missed-${dl.id}`, [dl.backup!], `${tag}: deadline missed (${dl.step})`, `Incident ${d.input.id}: ${reason}. ${dl.owner} owns the step; you are the backup.`, { holdable: false });
      s.audit('deadline-missed', 'herald', { step: dl.step, role: dl.role, owner: dl.owner, backup: dl.backup, dueAt: iso(dl.dueAt) });
      if (dl.holdingStatement && d.publishedCount === 0) s.queue({ kind: 'holding-statement' });
      break;
    }
    case 'approval-timeout': {
      const reason = `${dl.role} did not sign version ${dl.version} in time`;
      d.escalations.push({ reason, at: iso(Date.now()), notified: [dl.backup!] });
      s.notice(`approval-timeout-${dl.id}`, [dl.backup!], `${tag}: approval needed from you (${dl.role} backup)`, `Incident ${d.input.id}: ${reason}; ${dl.owner} has not answered. Please review version ${dl.version}.\n\n${d.draft?.text ?? ''}`, { holdable: false });
      s.audit('escalated', 'herald', { reason, role: dl.role, backup: dl.backup, version: dl.version });
      break;
    }
    case 'cadence-reminder':
      dl.state = 'met';
      s.notice(`reminder-${dl.id}`, [dl.owner!], `${tag}: next update due at ${iso(s.nextUpdateDueAt() ?? dl.dueAt)}`, `The next customer update for ${d.input.id} is due soon.`);
      s.audit('reminder', 'herald', { kind: 'cadence', owner: dl.owner, dueAt: iso(s.nextUpdateDueAt() ?? dl.dueAt) });
      break;
    case 'cadence-overdue': {
      s.notice(`overdue-${dl.id}`, [dl.owner!, dl.backup!], `${tag}: customer update overdue`, `The update for ${d.input.id} was due at ${iso(dl.dueAt)}.`);
      s.audit('escalated', 'herald', { reason: 'update overdue', owner: dl.owner, backup: dl.backup, dueAt: iso(dl.dueAt) });
      // Keep asking at the same interval until an update goes out.
      s.scheduleCadence(dl.dueAt);
      break;
    }
    case 'handoff-ack': {
      const h = d.handoff;
      if (h && h.deadlineId === dl.id) {
        d.handoff = undefined;
        d.escalations.push({ reason: `handoff to ${h.to} not acknowledged`, at: iso(Date.now()), notified: [dl.backup!, h.from] });
        s.notice(`handoff-escalation-${dl.id}`, [dl.backup!, h.from], `${tag}: handoff not acknowledged`, `${h.to} did not acknowledge the handoff from ${h.from} in time; ${h.from} still owns communication.`, { holdable: false });
        s.audit('escalated', 'herald', { reason: 'handoff not acknowledged', to: h.to, from: h.from });
      }
      break;
    }
    case 'fatigue':
      dl.state = 'met';
      s.notice(`fatigue-${dl.id}`, [dl.owner!], `${tag}: time to hand off?`, `You have owned communication for ${d.input.id} for ${s.pb.handoff.fatigueLimitHours} hours. Consider handing off (POST /v1/incidents/${d.input.id}/handoffs).`);
      s.audit('reminder', 'herald', { kind: 'fatigue', owner: dl.owner });
      break;
    case 'briefing':
      dl.state = 'met';
      s.queue({ kind: 'briefing', by: 'herald' });
      s.addDeadline({ kind: 'briefing', dueAt: dl.dueAt + s.pb.briefings.intervalHours * 60 * minute });
      break;
    case 'escalation-check':
      dl.state = 'met';
      s.evaluateEscalations('herald');
      break;
    case 'blackout-end':
      dl.state = 'met';
      if (d.blackout) endBlackout(s, 'herald');
      break;
    case 'outreach':
      dl.state = 'met';
      s.queue({ kind: 'outreach-check' });
      break;
    case 'digest':
      dl.state = 'met';
      s.queue({ kind: 'digest' });
      break;
    case 'contract-warning':
    case 'contract-breach': {
      if (d.publishedCount > 0) {
        dl.state = 'met';
        break;
      }
      const breach = dl.kind === 'contract-breach';
      const who = `${dl.customers} ${dl.tiers?.join('/')} customer(s)`;
      const reason = breach
        ? `contractual notice to ${who} was due at ${iso(dl.contractDueAt!)} and nothing has been published`
        : `contractual notice to ${who} is due at ${iso(dl.contractDueAt!)}; nothing has been published yet`;
      const to = [s.lead, s.leadBackup, ...(s.pb.briefings.lists['account-management'] ?? []), ...(breach ? [s.pb.approverContacts.executive.onCall] : [])];
      d.escalations.push({ reason, at: iso(Date.now()), notified: [...new Set(to)] });
      s.notice(`${dl.kind}-${dl.id}`, to, `${tag}: ${breach ? 'contract breached' : 'contract deadline approaching'}`, `Incident ${d.input.id}: ${reason}. Publish the first customer message now (the holding statement counts).`, { holdable: false });
      s.audit('contract-deadline', 'herald', { breached: breach, dueAt: iso(dl.contractDueAt!), tiers: dl.tiers, customers: dl.customers });
      break;
    }
  }
}

function briefingText(s: IncidentState): string {
  const d = s.d;
  const latest = d.published[d.published.length - 1];
  const talkingPoints = latest ? `${latest.subject}\n(See version ${latest.version}, published ${latest.publishedAt}.)\n\n${d.draft?.version === latest.version ? d.draft.text : ''}` : 'Nothing has been published yet; say that we are investigating and that updates will follow on the status page.';
  const decisions = d.decisions.map((x) => `- ${x.what}`).join('\n') || '- none recorded';
  return [
    `Briefing for incident ${d.input.id} (${d.severity}, ${d.input.category}), open ${s.minutesOpen()} minutes.`,
    `\nApproved talking points:\n${talkingPoints}`,
    `\nWhat to say: only what the approved update says; point customers to the status page.`,
    `What not to say: root-cause guesses, internal system names, timelines we have not published.`,
    `\nDecisions so far:\n${decisions}`,
    `\nNext customer update due: ${s.nextUpdateDueAt() ? iso(s.nextUpdateDueAt()!) : 'when the first message is approved'}.`,
    `\nEscalation path: ${s.pb.briefings.escalationPath}`,
  ].join('\n');
}

async function publish(s: IncidentState, draft: Draft, opts: { holdingStatement?: boolean } = {}): Promise<void> {
  const d = s.d;
  const publishedAt = Date.now();
  // The next update is due when the version says it will come (its template's words), else by the cadence.
  const nextDue = s.scheduleCadence(publishedAt, draft.nextUpdateAt);
  const incident = { ...d.input, severity: d.severity };
  const approvals = d.signoffs.filter((x) => x.version === draft.version && x.decision === 'approve').map((x) => ({ approver: x.by, role: x.role, hash: x.hash }));
  const [health, check] = await Promise.all([
    steps(s).probeChannels({ components: d.input.components }),
    // The one place a version is checked before it leaves: disclosure, wording, locales (M2.2–M2.5).
    d.v2
      ? local.checkPublication({
        incident: { id: d.input.id, severity: d.severity, category: d.input.category, tags: d.tags, components: d.input.components },
        message: draft, approvals, rootCauseConfirmed: !!d.rootCause, policy: s.messagePolicy, holdingStatement: !!opts.holdingStatement, at: iso(publishedAt),
      })
      : undefined,
  ]);
  if (check && !check.ok) {
    s.meet((dl) => dl.kind === 'cadence-reminder' || dl.kind === 'cadence-overdue');
    d.status = 'drafting';
    s.recordBlocked(draft.version, check.problems);
    await recordStep(s, 'publication-blocked', 'herald', { version: draft.version, reason: check.problems.map((p) => p.reason).join('; '), problems: check.problems });
    noticeBlocked(s, draft.version, check.problems.map((p) => p.reason));
    return;
  }
  const choices = selectChannels(s.pb, {
    severity: d.severity,
    channelHealth: health.health,
    affectedComponents: d.input.components,
    channelDependencies: health.dependencies,
  });
  const outreachFirst = d.v2 && s.distribution.outreach.timing === 'before-broadcast';
  try {
    if (outreachFirst) await outreach(s, draft, publishedAt);
    // The status page first, so every other channel points at a page that already says the same.
    await steps(s).publishStatusPage({ incident, message: draft, publishedAt: iso(publishedAt), nextUpdateAt: iso(nextDue) });
    await recordStep(s, 'published', 'herald', {
      channel: 'status-page', version: draft.version, hash: draft.hash,
      ...(check ? { locales: check.availableLocales, requiredLocales: check.requiredLocales, fallback: check.fallback } : {}),
    });
    if (d.v2) s.meet((dl) => dl.kind === 'contract-warning' || dl.kind === 'contract-breach');
    let recipients = 0;
    let inDoubtResent = 0;
    let emailDelivered: string | undefined;
    const customers = choices.find((c) => c.audience === 'customers');
    if (customers?.fellBack) {
      await recordStep(s, 'channel-fallback', 'herald', { audience: 'customers', channel: customers.channel, reason: customers.reason });
    }
    if (!customers || customers.channel === 'email' || customers.channel === null || customers.fellBack) {
      // Email stays the broadcast of record unless the email channel itself is what is down.
      if (health.health.email !== false && !(customers?.fellBack && customers.reason?.startsWith('email'))) {
        // Batched fan-out as a child workflow: a few events per batch, never one per recipient.
        const lastPhase = d.published[d.published.length - 1]?.phase;
        const rateLimit = d.v2 ? { minutes: s.distribution.emailMinutesPerRecipient, statusChange: lastPhase !== draft.phase, at: iso(publishedAt) } : undefined;
        const legalNotice = s.distribution.legalNotice;
        const request: BroadcastRequest = { incident, message: draft, ...(rateLimit ? { rateLimit } : {}), ...(legalNotice ? { legalNotice } : {}) };
        const workflowId = `broadcast-${d.input.id}-v${draft.version}-email`;
        const email = d.v2 ? await broadcast(request, workflowId) : await executeChild(broadcastWorkflow, { workflowId, args: [request] });
        recipients = email.recipients;
        inDoubtResent = email.inDoubtResent;
        emailDelivered = iso(Date.now());
        if (email.deferred && email.digestDueAt) {
          s.audit('digest', 'herald', { version: draft.version, deferred: email.deferred, dueAt: email.digestDueAt });
          const due = Date.parse(email.digestDueAt);
          if (!d.deadlines.some((dl) => dl.kind === 'digest' && dl.state === 'open' && dl.dueAt <= due)) s.addDeadline({ kind: 'digest', dueAt: due });
        }
        await recordStep(s, 'published', 'herald', { channel: 'email', version: draft.version, hash: draft.hash, recipients });
      }
    }
    s.recordPublished({
      version: draft.version, hash: draft.hash, phase: draft.phase, subject: draft.subject, publishedAt: iso(publishedAt),
      emailRecipients: recipients, holdingStatement: !!opts.holdingStatement, nextUpdateAt: iso(nextDue), channels: choices,
    });
    s.meetStep('first-external-message');
    // A holding statement buys time; the real draft still waits for its approvers.
    if (d.status !== 'resolving' && !opts.holdingStatement) d.status = 'published';
    if (d.v2) {
      // The version is out (page and email) and the incident says so; the other channels follow (M3.3).
      if (!outreachFirst) await outreach(s, draft, publishedAt);
      const channels = await deliverChannels({
        incident, message: draft, publishedAt: iso(publishedAt),
        delivered: emailDelivered ? [{ channel: 'email', deliveredAt: emailDelivered, count: recipients, ...(inDoubtResent ? { inDoubtResent } : {}) }] : [],
        internal: { slackWebhooks: s.distribution.slackWebhooks, distributionLists: s.distribution.distributionLists },
      });
      s.audit('channels-delivered', 'herald', { version: draft.version, ...channels });
      // Results recorded before the lag bound existed carry no `lag`, so old runs replay as they were.
      if (channels.lag?.late.length && patched('herald-lag-notice')) noticeLate(s, draft.version, channels.lag);
    }
  } catch (err) {
    const blocked = blockedBy(err);
    if (blocked && d.published.some((p) => p.version === draft.version)) {
      // A later channel refused what the page already shows: recorded, the version stays published.
      s.recordBlocked(draft.version, [{ check: 'gate', reason: blocked.message }]);
      await recordStep(s, 'publication-blocked', 'herald', { version: draft.version, reason: blocked.message, after: 'status-page' });
      noticeBlocked(s, draft.version, [blocked.message], 'the status page shows it; a later channel refused it');
      return;
    }
    if (blocked) {
      s.meet((dl) => dl.kind === 'cadence-reminder' || dl.kind === 'cadence-overdue');
      d.status = 'drafting';
      s.recordBlocked(draft.version, [{ check: 'gate', reason: blocked.message }]);
      await recordStep(s, 'publication-blocked', 'herald', { version: draft.version, reason: blocked.message });
      noticeBlocked(s, draft.version, [blocked.message]);
      return;
    }
    throw err;
  }
}

/** Tells the lead which channels carried a version later than the bound behind the status page (M3.3). */
function noticeLate(s: IncidentState, version: number, lag: { boundMs: number; late: { channel: string; lagMs: number }[] }): void {
  const d = s.d;
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  s.notice(
    `late-v${version}`,
    [s.lead],
    `[${d.severity}] ${d.input.id}: version ${version} reached some channels late`,
    [
      `Version ${version} of the customer message for "${d.input.title}" reached these channels more than ${seconds(lag.boundMs)} after the status page:`,
      ...lag.late.map((l) => `- ${l.channel}: ${seconds(l.lagMs)} behind`),
      '',
      `Each channel's timing is at GET /v1/incidents/${d.input.id}/channels.`,
    ].join('\n'),
    { holdable: false },
  );
}

/**
 * Tells the drafters and the lead at once that a version was stopped, and why, instead of leaving
 * them to find out from a missed deadline. Runs that started before this replay without it.
 */
function noticeBlocked(s: IncidentState, version: number, reasons: string[], where = 'nothing was published'): void {
  if (!patched('herald-block-notice')) return;
  const d = s.d;
  s.notice(
    `blocked-v${version}-${d.auditSeq}`,
    [...(d.roles.drafter ?? []), s.lead],
    `[${d.severity}] ${d.input.id}: version ${version} was not published`,
    [
      `Version ${version} of the customer message for "${d.input.title}" was stopped before it left (${where}):`,
      ...reasons.map((r) => `- ${r}`),
      '',
      `Fix the draft (POST /v1/incidents/${d.input.id}/drafts) or get what it needs, then publish again.`,
      `The near misses are at GET /v1/incidents/${d.input.id}/near-misses.`,
    ].join('\n'),
    { holdable: false },
  );
}

/** Recipients per email batch, as the broadcast workflow plans them. */
const emailBatchSize = 500;

/**
 * Email to the audience (v2 runs): planned here; one batch goes out from this workflow, more
 * than one through the batched broadcast child, which continues from this plan.
 */
async function broadcast(req: BroadcastRequest, workflowId: string): Promise<BroadcastOutcome> {
  const plan = await planBroadcast({ incident: req.incident, message: req.message, batchSize: emailBatchSize, ...(req.legalNotice ? { legalNotice: req.legalNotice } : {}) });
  const totals = emptyOutcome(plan);
  if (plan.batches > 1) {
    return executeChild(broadcastWorkflow, { workflowId, args: [{ ...req, batchSize: emailBatchSize, progress: { plan, nextBatch: 0, totals } }] });
  }
  if (plan.batches === 1) {
    add(totals, await sendEmailBatch({ incident: req.incident, message: req.message, batchIndex: 0, batchSize: emailBatchSize, ...(req.rateLimit ? { rateLimit: req.rateLimit } : {}) }));
  }
  return totals;
}

/** Direct outreach to top-tier accounts, with a deadline that escalates when missed (M3.5). */
async function outreach(s: IncidentState, draft: Draft, at: number): Promise<void> {
  const d = s.d;
  const o = s.distribution.outreach;
  const res = await createOutreachTasks({
    incident: { ...d.input, severity: d.severity }, version: draft.version, talkingPoints: { subject: draft.subject, text: draft.text },
    tiers: o.tiers, createdAt: iso(at), dueAt: iso(at + o.withinMinutes * minute),
  });
  if (res.created || res.updated) s.audit('outreach', 'herald', { version: draft.version, created: res.created, updated: res.updated, open: res.open });
  scheduleOutreachCheck(s, res.open, res.earliestDueAt);
}

function scheduleOutreachCheck(s: IncidentState, open: number, dueAt: string | undefined): void {
  if (!open || !dueAt) return;
  const due = Date.parse(dueAt);
  if (!s.d.deadlines.some((dl) => dl.kind === 'outreach' && dl.state === 'open' && dl.dueAt <= due)) s.addDeadline({ kind: 'outreach', dueAt: due });
}

/** The gate's refusal, wherever it sits in an activity's or child workflow's chain of causes. */
function blockedBy(err: unknown): ApplicationFailure | undefined {
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    if (e instanceof ApplicationFailure && e.type === 'PublicationBlocked') return e;
    if (!(e instanceof ActivityFailure) && !(e instanceof ChildWorkflowFailure) && !(e instanceof ApplicationFailure)) break;
  }
  return undefined;
}

async function recordStep(s: IncidentState, step: Parameters<IncidentState['audit']>[0], actor: string, details: Record<string, unknown>): Promise<void> {
  await steps(s).recordAudit({ incidentId: s.d.input.id, seq: s.nextAuditSeq(), step, at: iso(Date.now()), actor, details });
}

async function runWork(s: IncidentState, item: WorkItem): Promise<void> {
  const d = s.d;
  if (s.holds(item)) {
    const description = item.kind === 'notice' ? item.subject : item.kind === 'publish' ? `publish version ${item.version}` : item.kind;
    d.held.push({ item, description, heldAt: Date.now() });
    await recordStep(s, 'held', 'herald', { kind: item.kind, description });
    return;
  }
  switch (item.kind) {
    case 'audit':
      await recordStep(s, item.step, item.actor, item.details);
      break;
    case 'notice':
      await sendInternalNotice({ incidentId: d.input.id, noticeId: item.noticeId, to: item.to, subject: item.subject, text: item.text });
      if (item.noticeId === 'declared') s.meetStep('first-internal-notice');
      break;
    case 'publish': {
      const draft = d.draft;
      if (!draft || draft.version !== item.version || d.published.some((p) => p.version === item.version)) return;
      await publish(s, draft);
      break;
    }
    case 'holding-statement': {
      if (d.publishedCount > 0 || (d.v2 && d.resolution)) return;
      d.versionCounter += 1;
      const hs = s.pb.holdingStatement;
      const draft = await steps(s).draftMessage({
        incident: { ...d.input, severity: d.severity }, phase: 'investigating', version: d.versionCounter, author: 'herald',
        createdAt: iso(Date.now()), template: { templateId: 'holding-statement', subject: hs.subject, body: hs.text },
        nextUpdateAt: iso(s.detectedAt + nextUpdateDueMinutes(s.pb, d.severity, s.minutesOpen()) * minute),
      });
      await recordStep(s, 'holding-statement', 'herald', { version: draft.version, hash: draft.hash, preApproved: true });
      await publish(s, { ...draft, decisionIds: [] }, { holdingStatement: true });
      break;
    }
    case 'briefing': {
      d.briefings += 1;
      const lists = [...(s.pb.briefings.lists['internal-support'] ?? []), ...(s.pb.briefings.lists['account-management'] ?? [])];
      await sendInternalNotice({ incidentId: d.input.id, noticeId: `briefing-${d.briefings}`, to: lists, subject: `[${d.severity}] Briefing #${d.briefings}: ${d.input.title}`, text: briefingText(s) });
      await recordStep(s, 'briefing', item.by, { number: d.briefings, lists });
      break;
    }
    case 'escalation-check':
      s.evaluateEscalations(item.actor);
      break;
    case 'plan-audience': {
      // Contractual notice deadlines become durable timers per group of customers (M1.4).
      const plan = await planAudience({ components: d.input.components, severity: d.severity, detectedAt: d.input.detectedAt });
      s.meet((dl) => dl.kind === 'contract-warning' || dl.kind === 'contract-breach');
      if (d.publishedCount > 0) break;
      const warn = s.distribution.contractWarningMinutes * minute;
      for (const g of plan.deadlines) {
        const due = Date.parse(g.dueAt);
        const group = { tiers: g.tiers, customers: g.customers, contractDueAt: due };
        s.addDeadline({ kind: 'contract-warning', dueAt: Math.max(Date.now(), due - warn), ...group });
        s.addDeadline({ kind: 'contract-breach', dueAt: due, ...group });
      }
      break;
    }
    case 'outreach-check': {
      const lists = s.pb.briefings.lists['account-management'] ?? [];
      const res = await escalateOutreach({ incidentId: d.input.id, at: iso(Date.now()), escalateTo: [...new Set([s.lead, s.leadBackup, ...lists])] });
      if (res.escalated) {
        d.escalations.push({ reason: `${res.escalated} outreach call(s) to top-tier accounts not made in time`, at: iso(Date.now()), notified: [s.lead, s.leadBackup, ...lists] });
        await recordStep(s, 'escalated', 'herald', { reason: 'outreach overdue', escalated: res.escalated, open: res.open });
      }
      scheduleOutreachCheck(s, res.open, res.nextDueAt);
      break;
    }
    case 'resolution': {
      // The closing message: drafted now, published once its approvers (if any) signed it.
      const r = d.resolution!;
      if (d.blackout) endBlackout(s, r.resolvedBy);
      d.status = 'resolving';
      d.versionCounter += 1;
      const closing = await steps(s).draftMessage({
        incident: { ...d.input, severity: d.severity }, phase: 'resolved', version: d.versionCounter, author: r.resolvedBy,
        summary: r.summary, createdAt: iso(Date.now()), locale: s.messagePolicy.locale, tagTemplates: s.tagTemplates(),
      });
      s.setDraft({ ...closing, decisionIds: [] });
      d.resolutionVersion = closing.version;
      d.publishRequested = undefined;
      s.meet((dl) => dl.kind === 'approval-timeout' && dl.version !== closing.version);
      s.recomputeApprovers();
      await recordStep(s, 'drafted', r.resolvedBy, { version: closing.version, hash: closing.hash, phase: 'resolved', templateId: closing.templateId });
      requestPublication(s, closing.version, r.resolvedBy);
      break;
    }
    case 'digest': {
      const res = await sendDigests({ incident: { ...d.input, severity: d.severity }, at: iso(Date.now()), rateLimitMinutes: s.distribution.emailMinutesPerRecipient });
      if (res.sent) await recordStep(s, 'digest', 'herald', { sent: res.sent, remaining: res.remaining });
      if (res.remaining && res.nextDueAt) s.addDeadline({ kind: 'digest', dueAt: Date.parse(res.nextDueAt) });
      break;
    }
  }
}

async function drain(s: IncidentState): Promise<void> {
  while (s.d.work.length) {
    const item = s.d.work.shift()!;
    await runWork(s, item);
  }
}

/** Whether the closing message (or a later resolved version) is out. */
function resolutionPublished(s: IncidentState): boolean {
  const v = s.d.resolutionVersion;
  return v !== undefined && s.d.published.some((p) => p.version >= v && p.phase === 'resolved');
}

/** What the incident looks like before its playbook is loaded (the first seconds of the first run). */
function declaringView(input: IncidentInput): IncidentView {
  return {
    id: input.id, title: input.title, category: input.category, severity: input.severity, tags: input.tags ?? [],
    scope: input.scope ?? 'single', components: input.components, summary: input.summary, status: 'drafting',
    detectedAt: input.detectedAt, declaredBy: input.declaredBy, firstMessageDueAt: input.detectedAt, roles: {},
    requiredApprovers: [], approvals: [], published: [], escalations: [], deadlines: [], decisions: [], handoffs: [],
    held: [], overrides: [], alerts: [], reviews: [], internalUpdates: 0, briefings: 0, run: 1,
  };
}

async function declare(input: IncidentInput, v2: boolean): Promise<IncidentState> {
  setHandler(incidentStateQuery, () => declaringView(input));
  const playbook = await steps(v2).resolvePlaybook({ category: input.category, severity: input.severity, scope: input.scope ?? 'single', components: input.components });
  const s = IncidentState.start(input, playbook);
  if (v2) s.d.v2 = true;
  registerHandlers(s);
  const d = s.d;
  d.versionCounter += 1;
  const first = await steps(s).draftMessage({
    incident: { ...input, severity: d.severity }, phase: 'investigating', version: d.versionCounter, author: 'herald',
    createdAt: iso(Date.now()), ...(v2 ? { locale: s.messagePolicy.locale } : {}), tagTemplates: s.tagTemplates(),
    nextUpdateAt: iso(s.detectedAt + nextUpdateDueMinutes(s.pb, d.severity, s.minutesOpen()) * minute),
  });
  s.setDraft({ ...first, decisionIds: [] });
  s.audit('declared', input.declaredBy, {
    title: input.title, category: input.category, severity: input.severity, components: input.components, tags: d.tags,
    playbook: { id: playbook.id, version: playbook.version },
  });
  const missing = s.requiredFieldsMissing();
  if (missing.length) s.audit('fields-missing', 'herald', { fields: missing });
  s.audit('drafted', 'herald', { version: first.version, hash: first.hash, phase: first.phase, templateId: first.templateId });
  s.meetStep('draft-ready');
  const reviewers = playbook.reviewers ?? [];
  if (reviewers.length) d.roles.reviewer = reviewers;
  else s.meetStep('review-complete');
  // The first external message is queued ahead of the internal notices: customers wait on it.
  requestPublication(s, first.version);
  s.notice('declared', [s.lead, ...reviewers], `[${d.severity}] Incident declared: ${input.title}`, `Incident ${input.id} was declared by ${input.declaredBy}. You are the communication lead${reviewers.length ? ' / technical reviewer' : ''}.\nPlaybook: ${playbook.id} v${playbook.version}.\n\n${input.summary}`, { holdable: false });
  s.evaluateEscalations('herald');
  if (v2) s.queue({ kind: 'plan-audience' });
  return s;
}

export async function incidentWorkflow(input: IncidentInput, carried?: IncidentData, options: IncidentRunOptions = {}): Promise<IncidentView> {
  const historyEventBudget = options.historyEventBudget ?? defaultHistoryEventBudget;
  // Everything this release added runs only in runs that start with it; older histories replay as they were.
  const v2 = patched('herald-v2');
  let s: IncidentState;
  if (carried) {
    s = new IncidentState({ ...carried, run: carried.run + 1, ...(v2 ? { v2: true } : {}) });
    registerHandlers(s);
  } else {
    s = await declare(input, v2);
  }

  for (;;) {
    await drain(s);
    if (s.d.resolution && (!s.d.v2 || resolutionPublished(s))) break;
    s.pruneDeadlines();
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > historyEventBudget) {
      await condition(allHandlersFinished);
      if (!s.d.work.length && !s.d.resolution) await continueAsNew<typeof incidentWorkflow>(input, s.d, options);
      continue;
    }
    s.dirty = false;
    const next = s.nextDeadline();
    const woke = next ? await condition(() => s.dirty, Math.max(1, next.dueAt - Date.now())) : (await condition(() => s.dirty), true);
    if (!woke || (next && next.dueAt <= Date.now())) {
      for (const dl of s.d.deadlines.filter((x) => x.state === 'open' && x.dueAt <= Date.now()).sort((a, b) => a.dueAt - b.dueAt)) fire(s, dl);
    }
  }

  const d = s.d;
  const resolution = d.resolution!;
  if (d.v2) {
    s.meet(() => true);
    d.resolvedAt = iso(Date.now());
    d.status = 'resolved';
    await recordStep(s, 'resolved', resolution.resolvedBy, { version: d.resolutionVersion, summary: resolution.summary });
    await condition(allHandlersFinished);
    return s.view();
  }
  d.status = 'resolving';
  if (d.blackout) endBlackout(s, resolution.resolvedBy);
  await drain(s);
  d.versionCounter += 1;
  const closing = await steps(s).draftMessage({
    incident: { ...d.input, severity: d.severity }, phase: 'resolved', version: d.versionCounter, author: resolution.resolvedBy,
    summary: resolution.summary, createdAt: iso(Date.now()),
  });
  s.setDraft({ ...closing, decisionIds: [] });
  await recordStep(s, 'drafted', resolution.resolvedBy, { version: closing.version, hash: closing.hash, phase: 'resolved', templateId: closing.templateId });
  await publish(s, s.d.draft!);
  // What publishing queued (channel and outreach records) is written before the incident closes.
  if (d.v2) await drain(s);
  s.meet(() => true);
  d.resolvedAt = iso(Date.now());
  d.status = 'resolved';
  await recordStep(s, 'resolved', resolution.resolvedBy, { version: closing.version, summary: resolution.summary });
  await condition(allHandlersFinished);
  return s.view();
}
