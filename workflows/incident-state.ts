import type { HeraldActivities } from '../activities';
import type { AuditStep } from '../domain/audit';
import type { IncidentInput } from '../domain/incident';
import { requiresApproval, type Phase, type Severity } from '../domain/incident/core';
import { iso, minute, movesWithLead, nextUpdateDueAt, stepDeadlinesBroughtForward, type Deadline } from '../domain/incident/deadlines';
import { checkEditWording } from '../domain/incident/edits';
import { defaultRecurrenceWindowDays, recurringRateLimitMinutes, type Recurrence, type RecurrenceProbe, type RecurringBroadcast } from '../domain/incident/recurrence';
import * as notices from '../domain/incident/notices';
import { reject } from '../domain/incident/refusals';
import { audienceAddresses, playbookTeam, routeInternalUpdate } from '../domain/incident/routing';
import { localizedContentHash, textToHtml } from '../domain/messages/content-hash';
import { isRestricted } from '../domain/messages/governance';
import { incidentSummary, sameSummary, type IncidentSummary } from '../domain/incident/summary';
import type { MessageVersion } from '../domain/messages';
import type { ApproverRole, IncidentRole, Playbook } from '../domain/playbooks/schema';
import { applyTags, missingRequiredFields, tagTemplateIds } from '../domain/playbooks/select';
import * as rules from '../domain/rules';
import type {
  AlertNotice,
  ApprovalReceipt,
  ApprovalRequest,
  BlackoutRequest,
  ClassificationChange,
  Decision,
  DraftEdit,
  DraftReceipt,
  HandoffRequest,
  IncidentView,
  InternalUpdate,
  PublishedVersion,
  PublishRequest,
  ResolveRequest,
  RoleAssignment,
  RootCauseConfirmation,
  RootCauseStatement,
  Signoff,
  TechnicalReview,
  VersionBody,
  VersionSummary,
} from './messages';
import { incidentView, versionBody, versionSummaries } from './incident-view';
import { RegulatoryClocks, type FilingRequest, type RegulatoryData, type StartClockRequest } from './regulatory';
import { VendorObligations, type VendorNoticeWork, type VendorObligationData } from './vendor-obligations';


type Request<K extends keyof HeraldActivities> = Parameters<HeraldActivities[K]>[0];
type Result<K extends keyof HeraldActivities> = Awaited<ReturnType<HeraldActivities[K]>>;

export interface Draft extends MessageVersion {
  parent?: number;
  rootCause?: RootCauseStatement;
  decisionIds: string[];
}

/** An audit record as the incident decides it; the work loop numbers and writes it. */
export interface AuditEntry {
  step: AuditStep;
  actor: string;
  details: Record<string, unknown>;
}

/** Work for the main loop, done in order: activities run there and nowhere else. */
export type WorkItem =
  | ({ kind: 'audit' } & AuditEntry)
  | { kind: 'notice'; noticeId: string; to: string[]; subject: string; text: string; critical?: boolean; holdable: boolean }
  | { kind: 'publish'; version: number; by: string; critical: boolean }
  | { kind: 'holding-statement' }
  | { kind: 'briefing'; by: string }
  | { kind: 'escalation-check'; actor: string }
  | { kind: 'plan-audience' }
  | { kind: 'outreach-check' }
  | { kind: 'digest' }
  | { kind: 'resolution' }
  | VendorNoticeWork;

/** Everything an incident knows; plain data, so continue-as-new can carry it whole. */
export interface IncidentData {
  input: IncidentInput;
  run: number;
  playbook: { id: string; version: number; body: Playbook };
  severity: Severity;
  tags: string[];
  customersAffected: number;
  status: IncidentView['status'];
  roles: Partial<Record<IncidentRole, string[]>>;
  draft?: Draft;
  /** Earlier versions, without their bodies once they are old (the archive keeps every word). */
  versionLog: { version: number; hash: string; phase: Phase; author: string; createdAt: string; parent?: number; subject?: string; text?: string }[];
  versionCounter: number;
  requiredApprovers: ApproverRole[];
  signoffs: Signoff[];
  publishRequested?: number;
  published: PublishedVersion[];
  publishedCount: number;
  deadlines: Deadline[];
  deadlineCounter: number;
  escalations: { reason: string; at: string; notified: string[] }[];
  firedRules: string[];
  decisions: Decision[];
  handoff?: { from: string; to: string; notes: string; requestedAt: number; deadlineId: string };
  handoffs: { from: string; to: string; notes: string; at: string; acknowledgedAt?: string }[];
  blackout?: { until: number; reason: string; by: string; startedAt: number; deadlineId: string };
  held: { item: WorkItem; description: string; heldAt: number }[];
  overrides: { version: number; by: string; at: string }[];
  /** One entry per alert fingerprint, however often monitoring repeats it (M1.3). */
  alerts: AlertEntry[];
  /** Why the latest version that tried to leave was stopped; cleared by a new version or a publication. */
  blocked?: BlockedBy;
  reviews: (TechnicalReview & { at: string })[];
  internalUpdates: number;
  briefings: number;
  auditSeq: number;
  resolution?: ResolveRequest;
  resolvedAt?: string;
  work: WorkItem[];
  rootCause?: { statement: string; confirmedBy: string; confirmedAt: string };
  /** The closing message's version: it goes through the same approvals as any other. */
  resolutionVersion?: number;
  /** When customers got the first message (the published list keeps only the latest). */
  firstPublishedAt?: string;
  /** The customers the incident reaches, by tier, as the audience was last planned. */
  audienceByTier?: Record<string, number>;
  /** The number of the latest summary handed to the read model; each new one counts on from it. */
  summarySeq: number;
  /** The earlier incidents this one repeats, found at declaration (M7.5). */
  recurrence?: Recurrence;
  /** Regulatory clocks (X3); absent in runs from before the patch regulatory-clocks. */
  regulatory?: RegulatoryData;
  /** Contributing vendors and their obligations (M5.4); absent until a vendor is recorded. */
  vendors?: VendorObligationData;
}

/** A version stopped before it left: which, when, and every reason, as GET /v1/incidents/:id shows it. */
type BlockedBy = NonNullable<IncidentView['blockedBy']>;

/** An alert fingerprint on the incident. */
interface AlertEntry {
  fingerprint: string;
  alertName: string;
  status: string;
  count: number;
  firstSeenAt: string;
  lastSeenAt: string;
}

type PublicationStatus = 'publishing' | 'awaiting-approval' | 'held';

const keepPublished = 50;
const keepAlerts = 50;
const keepVersionBodies = 20;
const keepSettledDeadlines = 40;

/**
 * The incident's aggregate: its communication state and every rule of how messages change it.
 * The workflow's handlers each call one method here (validators one `refuse…` method, which
 * throws a Refusal or returns nothing); the work loop takes the work it queues, runs the
 * activities and hands their results back.
 */
export class IncidentState {
  readonly #d: IncidentData;
  #dirty = false;
  /** The summary last handed to the read model in this run. */
  #summary?: IncidentSummary;

  private constructor(d: IncidentData) {
    this.#d = d;
  }

  /** A new incident with its playbook: the role holders, the step deadlines and the required approvers. */
  static start(input: IncidentInput, playbook: IncidentData['playbook']): IncidentState {
    const pb = playbook.body;
    const detected = Date.parse(input.detectedAt);
    const roles: IncidentData['roles'] = {};
    for (const [role, contact] of Object.entries(pb.roles)) roles[role as IncidentRole] = [contact.onCall];
    const s = new IncidentState({
      input, run: 1, playbook, severity: input.severity, tags: [...(input.tags ?? [])], customersAffected: input.customersAffected ?? 0,
      status: 'drafting', roles, versionLog: [], versionCounter: 0, requiredApprovers: [], signoffs: [],
      published: [], publishedCount: 0, deadlines: [], deadlineCounter: 0, escalations: [], firedRules: [], decisions: [],
      handoffs: [], held: [], overrides: [], alerts: [], reviews: [], internalUpdates: 0, briefings: 0, auditSeq: 0, work: [], summarySeq: 0,
    });
    for (const dl of rules.deadlinesFor(pb, input.severity)) {
      s.addDeadline({
        kind: 'step', step: dl.step, role: dl.role, dueAt: detected + dl.minutesFromDetection * minute,
        owner: dl.onCall, backup: dl.backup, holdingStatement: dl.publishHoldingStatementOnMiss,
      });
    }
    s.addDeadline({ kind: 'fatigue', dueAt: Date.now() + pb.handoff.fatigueLimitHours * 60 * minute, owner: s.lead, backup: s.leadBackup });
    s.addDeadline({ kind: 'briefing', dueAt: detected + pb.briefings.firstAfterHours * 60 * minute });
    s.recomputeApprovers();
    return s;
  }

  /** The state a previous run carried over continue-as-new. */
  static resume(carried: IncidentData): IncidentState {
    return new IncidentState({ ...carried, run: carried.run + 1 });
  }

  /** What the next run starts from. */
  snapshot(): IncidentData {
    return this.#d;
  }

  get id(): string {
    return this.#d.input.id;
  }

  /** The incident as activities take it: the declaration with its current severity. */
  get incident(): IncidentInput {
    return { ...this.#d.input, severity: this.#d.severity };
  }

  private get ref(): notices.IncidentRef {
    return { id: this.#d.input.id, title: this.#d.input.title, severity: this.#d.severity };
  }

  private get pb(): Playbook {
    return this.#d.playbook.body;
  }

  private get detectedAt(): number {
    return Date.parse(this.#d.input.detectedAt);
  }

  private get lead(): string {
    return this.#d.roles['communication-lead']?.[0] ?? this.pb.roles['communication-lead'].onCall;
  }

  private get leadBackup(): string {
    return this.pb.roles['communication-lead'].backup;
  }

  private minutesOpen(now = Date.now()): number {
    return Math.floor((now - this.detectedAt) / minute);
  }

  // --- the main loop ----------------------------------------------------------------------------

  /** Whether a handler changed anything since the loop last looked. */
  get dirty(): boolean {
    return this.#dirty;
  }

  settle(): void {
    this.#dirty = false;
  }

  nextWork(): WorkItem | undefined {
    return this.#d.work.shift();
  }

  /** Whether the run may hand over to a fresh one: nothing queued and no resolution under way. */
  get mayContinueAsNew(): boolean {
    return !this.#d.work.length && !this.#d.resolution;
  }

  /** Whether the closing message (or a later resolved version) is out, so the incident may close. */
  get resolutionPublished(): boolean {
    const v = this.#d.resolutionVersion;
    return this.#d.resolution !== undefined && v !== undefined && this.#d.published.some((p) => p.version >= v && p.phase === 'resolved');
  }

  /** The incident is resolved: every deadline met; the record to write. */
  close(): AuditEntry {
    const d = this.#d;
    // Regulatory clocks outlive the resolution: their timers stay open (X3).
    this.meet((dl) => dl.kind !== 'tracked');
    d.resolvedAt = iso(Date.now());
    d.status = 'resolved';
    return { step: 'resolved', actor: d.resolution!.resolvedBy, details: { version: d.resolutionVersion, summary: d.resolution!.summary } };
  }

  /** Numbers an audit record; the chain in the archive follows this order. */
  auditRecord(e: AuditEntry): Request<'recordAudit'> {
    this.#d.auditSeq += 1;
    return { incidentId: this.#d.input.id, seq: this.#d.auditSeq, step: e.step, at: iso(Date.now()), actor: e.actor, details: e.details };
  }

  // --- the read model ---------------------------------------------------------------------------

  /**
   * The incident's summary, numbered, when it says something other than the last one handed out
   * (each run hands out its first). Without `recurrenceFields` (a run from before the patch
   * recurrence-detection) it leaves out what recurrence added: fingerprints, root cause, recurrence,
   * whose changes would schedule writes that run never made.
   */
  changedSummary({ recurrenceFields }: { recurrenceFields: boolean } = { recurrenceFields: true }): IncidentSummary | undefined {
    const d = this.#d;
    const full = incidentSummary({
      ...this.view(), customersAffected: d.customersAffected, customersByTier: d.audienceByTier, firstPublishedAt: d.firstPublishedAt, drill: d.input.drill,
    }, d.summarySeq + 1);
    const { rootCause: _rootCause, recurrence: _recurrence, ...before } = full;
    const next: IncidentSummary = recurrenceFields ? full : { ...before, alertFingerprints: [] };
    if (this.#summary && sameSummary(this.#summary, next)) return undefined;
    d.summarySeq = next.seq;
    this.#summary = next;
    return next;
  }

  /** A summary's write returned, or gave up (then the next look hands it out again); the loop looks again. */
  summarySettled(written: boolean): void {
    if (!written) this.#summary = undefined;
    this.#dirty = true;
  }

  // --- work and audit ---------------------------------------------------------------------------

  private queue(item: WorkItem): void {
    this.#d.work.push(item);
    this.#dirty = true;
  }

  private audit(step: AuditStep, actor: string, details: Record<string, unknown> = {}): void {
    this.queue({ kind: 'audit', step, actor, details });
  }

  private notice(noticeId: string, to: string[], n: notices.Notice, opts: { critical?: boolean; holdable?: boolean } = {}): void {
    const recipients = [...new Set(to)].filter(Boolean);
    if (!recipients.length) return;
    this.queue({ kind: 'notice', noticeId, to: recipients, subject: n.subject, text: n.text, critical: opts.critical, holdable: opts.holdable ?? true });
  }

  /** Whether a blackout holds this piece of work back until it ends. */
  holds(item: WorkItem): boolean {
    if (!this.#d.blackout) return false;
    const holds = this.pb.blackout.holds;
    if (item.kind === 'notice') return item.holdable && !item.critical && holds.includes('internal-notifications');
    if (item.kind === 'briefing') return holds.includes('internal-notifications');
    if (item.kind === 'publish') return !item.critical && holds.includes('scheduled-updates');
    return false;
  }

  /** Holds work back until the blackout ends; the record to write. */
  hold(item: WorkItem): AuditEntry {
    const description = item.kind === 'notice' ? item.subject : item.kind === 'publish' ? `publish version ${item.version}` : item.kind;
    this.#d.held.push({ item, description, heldAt: Date.now() });
    return { step: 'held', actor: 'herald', details: { kind: item.kind, description } };
  }

  noticeSent(noticeId: string): void {
    if (noticeId === 'declared') this.meetStep('first-internal-notice');
  }

  // --- deadlines --------------------------------------------------------------------------------

  private addDeadline(dl: Omit<Deadline, 'id' | 'state'>): Deadline {
    this.#d.deadlineCounter += 1;
    const full: Deadline = { ...dl, id: `${dl.kind}-${this.#d.deadlineCounter}`, state: 'open' };
    this.#d.deadlines.push(full);
    this.#dirty = true;
    return full;
  }

  private meet(pred: (dl: Deadline) => boolean): void {
    for (const dl of this.#d.deadlines) if (dl.state === 'open' && pred(dl)) dl.state = 'met';
  }

  private meetStep(step: rules.RoleDeadline['step']): void {
    this.meet((dl) => dl.kind === 'step' && dl.step === step);
  }

  nextDeadline(): Deadline | undefined {
    return this.#d.deadlines.filter((dl) => dl.state === 'open').sort((a, b) => a.dueAt - b.dueAt)[0];
  }

  /** Fires every open deadline that is due, earliest first. */
  fireDue(now = Date.now()): void {
    for (const dl of this.#d.deadlines.filter((x) => x.state === 'open' && x.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt)) this.fire(dl);
  }

  /** Old settled deadlines are dropped so a long incident's state stays small. */
  pruneDeadlines(): void {
    const settled = this.#d.deadlines.filter((dl) => dl.state !== 'open');
    if (settled.length > keepSettledDeadlines) {
      const drop = new Set(settled.slice(0, settled.length - keepSettledDeadlines).map((dl) => dl.id));
      this.#d.deadlines = this.#d.deadlines.filter((dl) => !drop.has(dl.id));
    }
  }

  /** What a passed deadline does. */
  private fire(dl: Deadline): void {
    const d = this.#d;
    dl.firedAt = Date.now();
    dl.state = 'missed';
    switch (dl.kind) {
      case 'tracked':
        if (this.regulatory?.owns(dl)) this.regulatory.fire(dl);
        if (this.vendors.owns(dl)) this.vendors.fire(dl);
        break;
      case 'step': {
        const reason = notices.stepMissedReason(dl.step, dl.role, dl.dueAt);
        d.escalations.push({ reason, at: iso(Date.now()), notified: [dl.backup!] });
        this.notice(`missed-${dl.id}`, [dl.backup!], notices.deadlineMissedNotice(this.ref, dl.step, reason, dl.owner), { holdable: false });
        this.audit('deadline-missed', 'herald', { step: dl.step, role: dl.role, owner: dl.owner, backup: dl.backup, dueAt: iso(dl.dueAt) });
        if (dl.holdingStatement && d.publishedCount === 0) this.queue({ kind: 'holding-statement' });
        break;
      }
      case 'approval-timeout': {
        const reason = notices.approvalTimeoutReason(dl.role, dl.version);
        d.escalations.push({ reason, at: iso(Date.now()), notified: [dl.backup!] });
        this.notice(`approval-timeout-${dl.id}`, [dl.backup!], notices.approvalTimeoutNotice(this.ref, dl, reason, d.draft?.text ?? ''), { holdable: false });
        this.audit('escalated', 'herald', { reason, role: dl.role, backup: dl.backup, version: dl.version });
        break;
      }
      case 'cadence-reminder':
        dl.state = 'met';
        this.notice(`reminder-${dl.id}`, [dl.owner!], notices.reminderNotice(this.ref, this.nextUpdateDueAt() ?? dl.dueAt));
        this.audit('reminder', 'herald', { kind: 'cadence', owner: dl.owner, dueAt: iso(this.nextUpdateDueAt() ?? dl.dueAt) });
        break;
      case 'cadence-overdue':
        this.notice(`overdue-${dl.id}`, [dl.owner!, dl.backup!], notices.overdueNotice(this.ref, dl.dueAt));
        this.audit('escalated', 'herald', { reason: 'update overdue', owner: dl.owner, backup: dl.backup, dueAt: iso(dl.dueAt) });
        // Keep asking at the same interval until an update goes out.
        this.scheduleCadence(dl.dueAt);
        break;
      case 'handoff-ack': {
        const h = d.handoff;
        if (h && h.deadlineId === dl.id) {
          d.handoff = undefined;
          d.escalations.push({ reason: `handoff to ${h.to} not acknowledged`, at: iso(Date.now()), notified: [dl.backup!, h.from] });
          this.notice(`handoff-escalation-${dl.id}`, [dl.backup!, h.from], notices.handoffEscalationNotice(this.ref, h), { holdable: false });
          this.audit('escalated', 'herald', { reason: 'handoff not acknowledged', to: h.to, from: h.from });
        }
        break;
      }
      case 'fatigue':
        dl.state = 'met';
        this.notice(`fatigue-${dl.id}`, [dl.owner!], notices.fatigueNotice(this.ref, this.pb.handoff.fatigueLimitHours));
        this.audit('reminder', 'herald', { kind: 'fatigue', owner: dl.owner });
        break;
      case 'briefing':
        dl.state = 'met';
        this.queue({ kind: 'briefing', by: 'herald' });
        this.addDeadline({ kind: 'briefing', dueAt: dl.dueAt + this.pb.briefings.intervalHours * 60 * minute });
        break;
      case 'escalation-check':
        dl.state = 'met';
        this.evaluateEscalations('herald');
        break;
      case 'blackout-end':
        dl.state = 'met';
        if (d.blackout) this.releaseBlackout('herald');
        break;
      case 'outreach':
        dl.state = 'met';
        this.queue({ kind: 'outreach-check' });
        break;
      case 'digest':
        dl.state = 'met';
        this.queue({ kind: 'digest' });
        break;
      case 'contract-warning':
      case 'contract-breach': {
        if (d.publishedCount > 0) {
          dl.state = 'met';
          break;
        }
        const breach = dl.kind === 'contract-breach';
        const reason = notices.contractReason(breach, dl);
        const to = [this.lead, this.leadBackup, ...(this.pb.briefings.lists['account-management'] ?? []), ...(breach ? [this.pb.approverContacts.executive.onCall] : [])];
        d.escalations.push({ reason, at: iso(Date.now()), notified: [...new Set(to)] });
        this.notice(`${dl.kind}-${dl.id}`, to, notices.contractNotice(this.ref, breach, reason), { holdable: false });
        this.audit('contract-deadline', 'herald', { breached: breach, dueAt: iso(dl.contractDueAt!), tiers: dl.tiers, customers: dl.customers });
        break;
      }
    }
  }

  // --- declaration ------------------------------------------------------------------------------

  /** What the first draft is made from. */
  firstDraftRequest(): Request<'draftMessage'> {
    this.#d.versionCounter += 1;
    return {
      incident: this.incident, phase: 'investigating', version: this.#d.versionCounter, author: 'herald', createdAt: iso(Date.now()),
      locale: this.pb.messages.locale, tagTemplates: this.tagTemplates(), nextUpdateAt: this.promisedNextUpdate(),
    };
  }

  /** The first draft exists: the incident is declared, its first message requested, its people told. */
  declared(first: MessageVersion, reviewers: string[]): void {
    const d = this.#d;
    const input = d.input;
    this.setDraft({ ...first, decisionIds: [] });
    this.audit('declared', input.declaredBy, {
      title: input.title, category: input.category, severity: input.severity, components: input.components, tags: d.tags,
      playbook: { id: d.playbook.id, version: d.playbook.version },
    });
    const missing = missingRequiredFields(applyTags(this.pb, d.tags), input.fields ?? {});
    if (missing.length) this.audit('fields-missing', 'herald', { fields: missing });
    this.audit('drafted', 'herald', { version: first.version, hash: first.hash, phase: first.phase, templateId: first.templateId });
    this.meetStep('draft-ready');
    if (reviewers.length) d.roles.reviewer = reviewers;
    else this.meetStep('review-complete');
    // The first external message is queued ahead of the internal notices: customers wait on it.
    this.requestPublication(first.version);
    this.notice('declared', [this.lead, ...reviewers], notices.declaredNotice({ ...this.ref, declaredBy: input.declaredBy, summary: input.summary }, d.playbook, reviewers.length > 0), { holdable: false });
    this.evaluateEscalations('herald');
    this.queue({ kind: 'plan-audience' });
  }

  /** What recurrence detection looks for: this incident's problem, within the playbook's window (M7.5). */
  recurrenceProbe(): RecurrenceProbe {
    const input = this.#d.input;
    const alert = this.#d.alerts[0]?.fingerprint;
    return {
      id: input.id, category: input.category, components: input.components, detectedAt: input.detectedAt,
      windowDays: this.pb.recurrence?.windowDays ?? defaultRecurrenceWindowDays,
      ...(this.pb.recurrence ? { chronicThreshold: this.pb.recurrence.chronicThreshold } : {}),
      ...(alert ? { alertFingerprint: alert } : {}),
    };
  }

  /**
   * Recurrence was looked for: when the incident repeats earlier ones it says so, and a chronic
   * recurrence is escalated with its history to the audiences the playbook names.
   */
  recurrenceFound(r: Recurrence | undefined): void {
    if (!r) return;
    this.#d.recurrence = r;
    this.audit('recurrence-detected', 'herald', {
      count: r.count, chronic: r.chronic, windowDays: r.windowDays,
      priorIncidents: r.priorIncidents.map((p) => ({ id: p.id, matchedBy: p.matchedBy, detectedAt: p.detectedAt })),
      adapts: !!this.pb.recurrence,
    });
    const policy = this.pb.recurrence;
    if (r.chronic && policy) {
      const to = policy.escalateTo.flatMap((a) => audienceAddresses(this.pb, a, playbookTeam(this.pb)));
      this.notice('chronic-recurrence', to, notices.chronicRecurrenceNotice(this.ref, r), { holdable: false });
    }
  }

  private promisedNextUpdate(): string {
    return iso(this.detectedAt + rules.nextUpdateDueMinutes(this.pb, this.#d.severity, this.minutesOpen()) * minute);
  }

  // --- approvals --------------------------------------------------------------------------------

  private get facts() {
    return { severity: this.#d.severity, category: this.#d.input.category, tags: this.#d.tags, minutesOpen: this.minutesOpen(), customersAffected: this.#d.customersAffected };
  }

  /** The matrix and fired escalation rules decide; SEV1 and SEV2 always need at least one sign-off. */
  private recomputeApprovers(): ApproverRole[] {
    const facts = this.facts;
    const set = new Set<ApproverRole>([...rules.requiredApprovals(this.pb, facts), ...rules.evaluateEscalations(this.pb, facts).requiredApprovers]);
    if (set.size === 0 && requiresApproval(this.#d.severity)) set.add('executive');
    for (const role of this.draftApprovers(set)) set.add(role);
    const order: ApproverRole[] = ['legal', 'pr', 'executive', 'dpo'];
    this.#d.requiredApprovers = order.filter((r) => set.has(r));
    return this.#d.requiredApprovers;
  }

  /**
   * What the current draft itself asks for: a root-cause hypothesis needs a sign-off with the
   * disclosure right (M2.4); a custom narrative the playbook's extra approvals, and legal for a
   * data-exposure or regulated incident (M2.2, M2.3).
   */
  private draftApprovers(already: ReadonlySet<ApproverRole>): ApproverRole[] {
    const draft = this.#d.draft;
    if (!draft) return [];
    const policy = this.pb.messages;
    const out: ApproverRole[] = [];
    if (draft.rootCause?.status === 'hypothesis' && !policy.disclosureApprovers.some((r) => already.has(r))) out.push(policy.disclosureApprovers[0]);
    if (draft.templateId === 'custom') {
      out.push(...policy.customNarratives.extraApprovals);
      if (isRestricted(this.#d.tags)) out.push('legal');
    }
    return out;
  }

  private pendingApprovers(version = this.#d.draft?.version): ApproverRole[] {
    const signed = new Set(this.#d.signoffs.filter((s) => s.version === version && s.decision === 'approve').map((s) => s.role));
    return this.#d.requiredApprovers.filter((r) => !signed.has(r));
  }

  /** Asks each pending approver, with a timeout after which their backup is asked. */
  private requestApprovals(): void {
    const draft = this.#d.draft!;
    this.meet((dl) => dl.kind === 'approval-timeout' && dl.version !== draft.version);
    for (const role of this.pendingApprovers()) {
      const t = rules.approvalTimeout(this.pb, this.#d.severity, role);
      const exists = this.#d.deadlines.some((dl) => dl.kind === 'approval-timeout' && dl.state === 'open' && dl.role === role && dl.version === draft.version);
      if (!exists) {
        this.addDeadline({ kind: 'approval-timeout', role, version: draft.version, dueAt: Date.now() + t.minutes * minute, owner: t.onCall, backup: t.backup });
      }
      this.notice(`approval-request-v${draft.version}-${role}`, [t.onCall], notices.approvalRequestNotice(this.ref, role, draft), { holdable: false });
    }
  }

  /** Marks a version for publication: it goes out once every required approver has signed it. */
  private requestPublication(version: number, by = 'herald', critical = false): PublicationStatus {
    this.#d.publishRequested = version;
    this.#dirty = true;
    if (this.pendingApprovers().length) {
      this.#d.status = 'awaiting-approval';
      this.requestApprovals();
      return 'awaiting-approval';
    }
    this.#d.publishRequested = undefined;
    this.meetStep('approval');
    const item: WorkItem = { kind: 'publish', version, by, critical };
    this.queue(item);
    return this.holds(item) ? 'held' : 'publishing';
  }

  // --- handlers and their validators --------------------------------------------------------------

  /** The incident takes no more changes once it is resolved (the closing message still goes through its approvals). */
  refuseWhenClosed(): void {
    if (this.#d.resolution && this.#d.resolvedAt) reject('IncidentClosed', 'the incident is resolved or being resolved');
  }

  private currentDraft(): Draft {
    return this.#d.draft ?? reject('NothingToApprove', 'the incident has no draft yet');
  }

  refuseApproval(req: ApprovalRequest): void {
    this.refuseWhenClosed();
    const draft = this.#d.draft;
    if (this.#d.status !== 'awaiting-approval' || !draft) reject('NothingToApprove', 'no message version is awaiting approval');
    const current = { currentVersion: draft.version, currentHash: draft.hash };
    if (req.version !== draft.version) reject('StaleVersion', `version ${req.version} is not the current version (${draft.version}, ${draft.hash})`, current);
    if (req.hash !== undefined && req.hash !== draft.hash) {
      reject('StaleVersion', `content hash ${req.hash} does not match the current wording of version ${draft.version} (${draft.hash}); review the current text and sign that`, current);
    }
    if (req.decision === 'reject' && !req.reason) reject('ReasonRequired', 'a rejection needs a reason');
    const pending = this.pendingApprovers();
    const role = req.as ?? pending.find((r) => req.heldRoles.includes(r));
    if (!role) reject('Forbidden', `none of your approver roles (${req.heldRoles.join(', ') || 'none'}) is pending; pending: ${pending.join(', ')}`);
    if (!req.heldRoles.includes(role)) reject('Forbidden', `you do not hold the approver role "${role}"`);
    if (!pending.includes(role)) reject('NotRequired', `"${role}" has no pending sign-off on version ${draft.version}`);
  }

  approve(req: ApprovalRequest): ApprovalReceipt {
    const d = this.#d;
    const draft = d.draft!;
    const role = req.as ?? this.pendingApprovers().find((r) => req.heldRoles.includes(r))!;
    const decision = req.decision ?? 'approve';
    const at = iso(Date.now());
    d.signoffs.push({ version: draft.version, hash: draft.hash, role, by: req.approver, at, decision, reason: req.reason });
    this.meet((dl) => dl.kind === 'approval-timeout' && dl.role === role && dl.version === draft.version);
    if (decision === 'reject') {
      d.status = 'drafting';
      d.publishRequested = undefined;
      this.meet((dl) => dl.kind === 'approval-timeout' && dl.version === draft.version);
      this.audit('approval-rejected', req.approver, { version: draft.version, hash: draft.hash, role, reason: req.reason });
      this.notice(`rejected-v${draft.version}-${role}`, [...(d.roles.drafter ?? []), this.lead], notices.rejectedNotice(draft.version, role, req.reason), { holdable: false });
    } else {
      this.audit('approved', req.approver, { version: draft.version, hash: draft.hash, role });
      if (!this.pendingApprovers().length && d.publishRequested === draft.version) this.requestPublication(draft.version, req.approver);
    }
    this.#dirty = true;
    return { version: draft.version, hash: draft.hash, role, approvedBy: req.approver, approvedAt: at, pending: this.pendingApprovers() };
  }

  refuseEdit(e: DraftEdit): void {
    this.refuseWhenClosed();
    const current = this.currentDraft();
    if (e.baseVersion !== current.version) {
      reject('StaleVersion', `version ${e.baseVersion} is not the latest (${current.version})`, { currentVersion: current.version, currentHash: current.hash });
    }
    const unknown = (e.decisionIds ?? []).filter((id) => !this.#d.decisions.some((x) => x.id === id));
    if (unknown.length) reject('UnknownDecision', `unknown decisions: ${unknown.join(', ')}`);
    const policy = this.pb.messages;
    checkEditWording(e, { ...current, locale: current.locale ?? policy.locale }, { playbookId: this.#d.playbook.id, customNarrativesAllowed: policy.customNarratives.allowed });
  }

  /** A new version whose parent is the latest; approvals of the old version are void. */
  editDraft(e: DraftEdit): DraftReceipt {
    const d = this.#d;
    const parent = d.draft!;
    const voided = d.signoffs.filter((x) => x.version === parent.version && x.decision === 'approve').length;
    const wasRequested = d.publishRequested === parent.version;
    d.versionCounter += 1;
    const text = e.text.trim();
    const subject = e.subject.trim();
    // Attaching a translation keeps the wording, so the version keeps its template (M2.3).
    const sameWords = subject === parent.subject && text === parent.text && parent.phase === e.phase;
    // New wording drops translations of the old wording unless the edit brings its own.
    const given = e.translations ?? (sameWords ? parent.translations : undefined);
    const translations = given && Object.keys(given).length
      ? Object.fromEntries(Object.keys(given).sort().map((l) => {
        const t = given[l];
        return [l, { subject: t.subject.trim(), text: t.text.trim(), html: textToHtml(t.text.trim()) }];
      }))
      : undefined;
    const draft: Draft = {
      version: d.versionCounter,
      hash: localizedContentHash(subject, text, translations),
      phase: e.phase,
      subject,
      text,
      html: textToHtml(text),
      templateId: sameWords ? parent.templateId : 'custom',
      locale: parent.locale ?? this.pb.messages.locale,
      ...(translations ? { translations } : {}),
      // The same words make the same promise about the next update; new words make their own.
      ...(sameWords && parent.nextUpdateAt ? { nextUpdateAt: parent.nextUpdateAt } : {}),
      createdAt: iso(Date.now()),
      author: e.author,
      parent: parent.version,
      rootCause: e.rootCause,
      decisionIds: e.decisionIds ?? [],
    };
    this.setDraft(draft);
    for (const id of draft.decisionIds) d.decisions.find((x) => x.id === id)?.linkedVersions.push(draft.version);
    d.signoffs = d.signoffs.filter((x) => x.version !== draft.parent);
    this.recomputeApprovers();
    if (voided) this.audit('approvals-voided', e.author, { version: draft.parent, voided });
    this.audit('drafted', e.author, {
      version: draft.version, hash: draft.hash, parent: draft.parent, phase: draft.phase, rootCause: draft.rootCause?.status, decisions: draft.decisionIds,
    });
    d.status = 'drafting';
    if (wasRequested) this.requestPublication(draft.version);
    return { version: draft.version, hash: draft.hash, parent: draft.parent!, voidedApprovals: voided };
  }

  refusePublication(req: PublishRequest): void {
    this.refuseWhenClosed();
    const current = this.currentDraft();
    if (req.version !== current.version) {
      reject('StaleVersion', `version ${req.version} is not the latest (${current.version})`, { currentVersion: current.version, currentHash: current.hash });
    }
    if (this.isPublished(req.version)) reject('AlreadyPublished', `version ${req.version} is already published`);
    const overrideRoles = this.pb.blackout.overrideRoles;
    if (req.critical && this.#d.blackout && !(req.byRoles ?? []).some((r) => overrideRoles.includes(r))) {
      reject('Forbidden', `only ${overrideRoles.join(', ')} may override the blackout`);
    }
  }

  publish(req: PublishRequest): { version: number; status: PublicationStatus } {
    if (req.critical && this.#d.blackout) {
      this.#d.overrides.push({ version: req.version, by: req.by, at: iso(Date.now()) });
      this.audit('blackout-override', req.by, { version: req.version });
    }
    return { version: req.version, status: this.requestPublication(req.version, req.by, !!req.critical) };
  }

  refuseResolution(_req?: ResolveRequest): void {
    if (this.#d.resolution) reject('AlreadyResolved', 'the incident is already being resolved');
  }

  /** The closing message is drafted, approved and published like any other, so the incident stays open until it is out. */
  resolve(req: ResolveRequest): { accepted: true } {
    this.#d.resolution = req;
    this.queue({ kind: 'resolution' });
    return { accepted: true };
  }

  assignRole(a: RoleAssignment): { role: IncidentRole; people: string[] } {
    const d = this.#d;
    d.roles[a.role] = a.role === 'reviewer' ? [...new Set([...(d.roles.reviewer ?? []), a.person])] : [a.person];
    if (a.role === 'communication-lead') this.moveDeadlines(a.person);
    this.audit('role-assigned', a.by, { role: a.role, person: a.person });
    return { role: a.role, people: d.roles[a.role]! };
  }

  private moveDeadlines(to: string): number {
    const moving = this.#d.deadlines.filter(movesWithLead);
    for (const dl of moving) dl.owner = to;
    return moving.length;
  }

  refuseHandoff(h: HandoffRequest): void {
    this.refuseWhenClosed();
    if (this.#d.handoff) reject('HandoffPending', `a handoff to ${this.#d.handoff.to} is waiting for acknowledgement`);
    if (h.to === this.lead) reject('SameOwner', `${h.to} already owns communication`);
  }

  handOff(h: HandoffRequest): { acknowledgeBy: string } {
    const due = Date.now() + this.pb.handoff.acknowledgeWithinMinutes * minute;
    const dl = this.addDeadline({ kind: 'handoff-ack', dueAt: due, owner: h.to, backup: this.leadBackup });
    this.#d.handoff = { from: this.lead, to: h.to, notes: h.notes, requestedAt: Date.now(), deadlineId: dl.id };
    this.audit('handoff-requested', h.by, { from: this.lead, to: h.to, notes: h.notes });
    this.notice(`handoff-${dl.id}`, [h.to], notices.handoffNotice(this.ref, this.lead, h.notes, due), { holdable: false });
    return { acknowledgeBy: iso(due) };
  }

  refuseAcknowledgement({ by }: { by: string }): void {
    const h = this.#d.handoff;
    if (!h) reject('NoHandoff', 'no handoff is waiting');
    if (by !== h.to) reject('Forbidden', `only ${h.to} can acknowledge this handoff`);
  }

  acknowledgeHandoff({ by }: { by: string }): { lead: string; movedDeadlines: number } {
    const d = this.#d;
    const h = d.handoff!;
    this.meet((dl) => dl.id === h.deadlineId);
    d.handoff = undefined;
    d.roles['communication-lead'] = [h.to];
    const moved = this.moveDeadlines(h.to);
    this.meet((dl) => dl.kind === 'fatigue');
    this.addDeadline({ kind: 'fatigue', dueAt: Date.now() + this.pb.handoff.fatigueLimitHours * 60 * minute, owner: h.to, backup: this.leadBackup });
    d.handoffs.push({ from: h.from, to: h.to, notes: h.notes, at: iso(h.requestedAt), acknowledgedAt: iso(Date.now()) });
    this.audit('handoff-acknowledged', by, { from: h.from, to: h.to, movedDeadlines: moved });
    return { lead: h.to, movedDeadlines: moved };
  }

  recordDecision(x: Omit<Decision, 'id' | 'at' | 'linkedVersions'>): Decision {
    const decision = { ...x, id: `D${this.#d.decisions.length + 1}`, at: iso(Date.now()), linkedVersions: [] as number[] };
    this.#d.decisions.push(decision);
    this.audit('decision-recorded', x.by, { id: decision.id, what: x.what, why: x.why });
    return decision;
  }

  refuseBlackout(b: BlackoutRequest): void {
    this.refuseWhenClosed();
    if (this.#d.blackout) reject('BlackoutActive', `a blackout is already active until ${iso(this.#d.blackout.until)}`);
    if (b.minutes > this.pb.blackout.maxMinutes) reject('TooLong', `a blackout may last at most ${this.pb.blackout.maxMinutes} minutes`);
  }

  startBlackout(b: BlackoutRequest): { until: string } {
    const until = Date.now() + b.minutes * minute;
    const dl = this.addDeadline({ kind: 'blackout-end', dueAt: until });
    this.#d.blackout = { until, reason: b.reason, by: b.by, startedAt: Date.now(), deadlineId: dl.id };
    this.audit('blackout-started', b.by, { until: iso(until), reason: b.reason });
    return { until: iso(until) };
  }

  refuseEndBlackout(_req?: { by: string }): void {
    if (!this.#d.blackout) reject('NoBlackout', 'no blackout is active');
  }

  endBlackout({ by }: { by: string }): { released: number } {
    return { released: this.releaseBlackout(by) };
  }

  private releaseBlackout(by: string): number {
    const b = this.#d.blackout!;
    this.meet((dl) => dl.id === b.deadlineId);
    this.#d.blackout = undefined;
    const held = this.#d.held.splice(0);
    // The end is recorded first, then what was held goes out in the order it was held.
    this.#d.work.unshift({ kind: 'audit', step: 'blackout-ended', actor: by, details: { released: held.length } }, ...held.map((h) => h.item));
    this.#dirty = true;
    return held.length;
  }

  changeClassification(c: ClassificationChange): { severity: Severity; tags: string[]; requiredApprovers: ApproverRole[] } {
    const d = this.#d;
    if (c.severity) d.severity = c.severity;
    if (c.addTags) d.tags = [...new Set([...d.tags, ...c.addTags])];
    if (c.customersAffected !== undefined) d.customersAffected = c.customersAffected;
    this.audit('reclassified', c.by, { severity: d.severity, tags: d.tags, customersAffected: d.customersAffected });
    this.evaluateEscalations(c.by);
    if (c.addTags) this.regulatory?.applyRules(d.tags, d.input.fields, c.by);
    // A new severity has other contractual deadlines (M1.4), and a graver one shorter step deadlines (M1.5).
    if (c.severity) {
      this.queue({ kind: 'plan-audience' });
      for (const move of stepDeadlinesBroughtForward(this.pb, d.severity, this.detectedAt, d.deadlines, Date.now())) {
        const dl = d.deadlines.find((x) => x.id === move.id)!;
        dl.dueAt = move.dueAt;
        dl.holdingStatement = move.holdingStatement;
        this.#dirty = true;
      }
    }
    return { severity: d.severity, tags: d.tags, requiredApprovers: d.requiredApprovers };
  }

  postInternalUpdate(u: InternalUpdate): { queued: true } {
    const d = this.#d;
    d.internalUpdates += 1;
    const routes = routeInternalUpdate(this.pb, u.level, { lead: this.lead, reviewers: d.roles.reviewer ?? [] });
    this.audit('internal-update', u.by, { level: u.level, audiences: routes.map((r) => r.audience) });
    for (const r of routes) this.notice(`internal-update-${d.internalUpdates}-${r.audience}`, r.to, notices.internalUpdateNotice(this.ref, r.audience, u));
    return { queued: true };
  }

  requestBriefing({ by }: { by: string }): { queued: true } {
    this.queue({ kind: 'briefing', by });
    return { queued: true };
  }

  confirmRootCause(c: RootCauseConfirmation): { confirmedAt: string } {
    const at = iso(Date.now());
    this.#d.rootCause = { statement: c.statement, confirmedBy: c.by, confirmedAt: at };
    this.audit('root-cause-confirmed', c.by, { statement: c.statement });
    this.#dirty = true;
    return { confirmedAt: at };
  }

  refuseReview(r: TechnicalReview): void {
    this.refuseWhenClosed();
    if (r.version !== this.#d.draft?.version) reject('StaleVersion', `version ${r.version} is not the latest`);
  }

  technicalReview(r: TechnicalReview): { recorded: true } {
    const d = this.#d;
    d.reviews.push({ ...r, at: iso(Date.now()) });
    this.audit('technical-review', r.reviewer, { version: r.version, verdict: r.verdict, notes: r.notes });
    const reviewers = d.roles.reviewer ?? [];
    if (reviewers.every((p) => d.reviews.some((x) => x.reviewer === p && x.verdict === 'accurate'))) this.meetStep('review-complete');
    return { recorded: true };
  }

  /**
   * A delivery of an alert: a repeat of a known fingerprint counts and moves its last-seen time,
   * so an alert that monitoring re-sends for days stays one entry. Past `keepAlerts` fingerprints
   * the one seen least recently goes.
   */
  joinAlert(a: AlertNotice): void {
    const known = this.#d.alerts.find((x) => x.fingerprint === a.fingerprint);
    let entry: AlertEntry;
    if (known) {
      known.count += 1;
      known.lastSeenAt = a.receivedAt;
      known.status = a.status;
      known.alertName = a.alertName;
      entry = known;
    } else {
      entry = { fingerprint: a.fingerprint, alertName: a.alertName, status: a.status, count: 1, firstSeenAt: a.receivedAt, lastSeenAt: a.receivedAt };
      this.#d.alerts.push(entry);
      if (this.#d.alerts.length > keepAlerts) {
        const oldest = this.#d.alerts.reduce((o, x) => (x.lastSeenAt < o.lastSeenAt ? x : o));
        this.#d.alerts.splice(this.#d.alerts.indexOf(oldest), 1);
      }
    }
    this.audit('alert-joined', a.source, { fingerprint: a.fingerprint, status: a.status, alertName: a.alertName, count: entry.count });
  }

  // --- escalation -------------------------------------------------------------------------------

  /** Runs the escalation rules; newly fired rules notify their audiences and may add approvers. */
  evaluateEscalations(actor: string): void {
    const d = this.#d;
    const facts = this.facts;
    const outcome = rules.evaluateEscalations(this.pb, facts);
    const fresh = outcome.firedRules.filter((r) => !d.firedRules.includes(r));
    if (fresh.length) {
      d.firedRules.push(...fresh);
      const fired = this.pb.escalationRules.filter((r) => fresh.includes(r.id));
      const audiences = [...new Set(fired.flatMap((r) => r.notify))];
      const to = audiences.flatMap((a) => audienceAddresses(this.pb, a, playbookTeam(this.pb)));
      const reason = fired.map((r) => r.description).join('; ');
      d.escalations.push({ reason, at: iso(Date.now()), notified: audiences });
      this.notice(`escalation-${fresh.join('-')}`, to, notices.escalationNotice(this.ref, reason, audiences), { holdable: false });
      this.audit('escalated', actor, { rules: fresh, notified: audiences, requireApprovers: fired.flatMap((r) => r.requireApprovers) });
    }
    const before = d.requiredApprovers.join(',');
    this.recomputeApprovers();
    if (before !== d.requiredApprovers.join(',') && d.status === 'awaiting-approval') this.requestApprovals();
    this.meet((dl) => dl.kind === 'escalation-check');
    const next = rules.nextEscalationMinute(this.pb, facts);
    if (next !== undefined) this.addDeadline({ kind: 'escalation-check', dueAt: this.detectedAt + next * minute });
  }

  // --- work the loop runs -----------------------------------------------------------------------

  /** The draft a queued publication still applies to, if it was not superseded or published meanwhile. */
  draftToPublish(version: number): Draft | undefined {
    const draft = this.#d.draft;
    return draft && draft.version === version && !this.isPublished(version) ? draft : undefined;
  }

  isPublished(version: number): boolean {
    return this.#d.published.some((p) => p.version === version);
  }

  /** The pre-approved holding statement's draft, unless something was published or the incident is resolving. */
  holdingStatementRequest(): Request<'draftMessage'> | undefined {
    const d = this.#d;
    if (d.publishedCount > 0 || d.resolution) return undefined;
    d.versionCounter += 1;
    const hs = this.pb.holdingStatement;
    return {
      incident: this.incident, phase: 'investigating', version: d.versionCounter, author: 'herald', createdAt: iso(Date.now()),
      template: { templateId: 'holding-statement', subject: hs.subject, body: hs.text }, nextUpdateAt: this.promisedNextUpdate(),
    };
  }

  /** The next briefing of support and account management (M4.3): the notice and its record. */
  briefing(by: string): { notice: Request<'sendInternalNotice'>; record: AuditEntry } {
    const d = this.#d;
    d.briefings += 1;
    const lists = [...(this.pb.briefings.lists['internal-support'] ?? []), ...(this.pb.briefings.lists['account-management'] ?? [])];
    const latest = d.published[d.published.length - 1];
    const n = notices.briefingNotice(this.ref, {
      number: d.briefings, category: d.input.category, minutesOpen: this.minutesOpen(),
      latest: latest && { ...latest, text: d.draft?.version === latest.version ? d.draft.text : undefined },
      decisions: d.decisions.map((x) => x.what), nextUpdateDueAt: this.nextUpdateDueAt(), escalationPath: this.pb.briefings.escalationPath,
    });
    return {
      notice: { incidentId: d.input.id, noticeId: `briefing-${d.briefings}`, to: lists, subject: n.subject, text: n.text },
      record: { step: 'briefing', actor: by, details: { number: d.briefings, lists } },
    };
  }

  audienceRequest(): Request<'planAudience'> {
    return { components: this.#d.input.components, severity: this.#d.severity, detectedAt: this.#d.input.detectedAt };
  }

  /** Contractual notice deadlines become durable timers per group of customers (M1.4). */
  contractDeadlines(plan: Result<'planAudience'>): void {
    this.#d.audienceByTier = plan.byTier;
    this.meet((dl) => dl.kind === 'contract-warning' || dl.kind === 'contract-breach');
    if (this.#d.publishedCount > 0) return;
    const warn = this.pb.distribution.contractWarningMinutes * minute;
    for (const g of plan.deadlines) {
      const due = Date.parse(g.dueAt);
      const group = { tiers: g.tiers, customers: g.customers, contractDueAt: due };
      this.addDeadline({ kind: 'contract-warning', dueAt: Math.max(Date.now(), due - warn), ...group });
      this.addDeadline({ kind: 'contract-breach', dueAt: due, ...group });
    }
  }

  private get accountManagers(): string[] {
    return this.pb.briefings.lists['account-management'] ?? [];
  }

  outreachEscalationRequest(): Request<'escalateOutreach'> {
    return { incidentId: this.#d.input.id, at: iso(Date.now()), escalateTo: [...new Set([this.lead, this.leadBackup, ...this.accountManagers])] };
  }

  /** Overdue outreach calls escalated (M3.5): the record to write, if any call was. */
  outreachEscalated(res: Result<'escalateOutreach'>): AuditEntry | undefined {
    this.scheduleOutreachCheck(res.open, res.nextDueAt);
    if (!res.escalated) return undefined;
    this.#d.escalations.push({ reason: `${res.escalated} outreach call(s) to top-tier accounts not made in time`, at: iso(Date.now()), notified: [this.lead, this.leadBackup, ...this.accountManagers] });
    return { step: 'escalated', actor: 'herald', details: { reason: 'outreach overdue', escalated: res.escalated, open: res.open } };
  }

  outreachRequest(draft: Draft, at: number): Request<'createOutreachTasks'> {
    const o = this.pb.distribution.outreach;
    return {
      incident: this.incident, version: draft.version, talkingPoints: { subject: draft.subject, text: draft.text },
      tiers: o.tiers, createdAt: iso(at), dueAt: iso(at + o.withinMinutes * minute),
    };
  }

  outreachCreated(version: number, res: Result<'createOutreachTasks'>): void {
    if (res.created || res.updated) this.audit('outreach', 'herald', { version, created: res.created, updated: res.updated, open: res.open });
    this.scheduleOutreachCheck(res.open, res.earliestDueAt);
  }

  private scheduleOutreachCheck(open: number, dueAt: string | undefined): void {
    if (!open || !dueAt) return;
    const due = Date.parse(dueAt);
    if (!this.#d.deadlines.some((dl) => dl.kind === 'outreach' && dl.state === 'open' && dl.dueAt <= due)) this.addDeadline({ kind: 'outreach', dueAt: due });
  }

  /** The closing message's draft: a blackout ends, the incident is resolving. */
  closingRequest(): Request<'draftMessage'> {
    const d = this.#d;
    const r = d.resolution!;
    if (d.blackout) this.releaseBlackout(r.resolvedBy);
    d.status = 'resolving';
    d.versionCounter += 1;
    return {
      incident: this.incident, phase: 'resolved', version: d.versionCounter, author: r.resolvedBy,
      summary: r.summary, createdAt: iso(Date.now()), locale: this.pb.messages.locale, tagTemplates: this.tagTemplates(),
    };
  }

  /** The closing message exists: it is published once its approvers (if any) signed it. */
  closingDrafted(closing: MessageVersion): AuditEntry {
    const d = this.#d;
    const by = d.resolution!.resolvedBy;
    this.setDraft({ ...closing, decisionIds: [] });
    d.resolutionVersion = closing.version;
    d.publishRequested = undefined;
    this.meet((dl) => dl.kind === 'approval-timeout' && dl.version !== closing.version);
    this.recomputeApprovers();
    this.requestPublication(closing.version, by);
    return { step: 'drafted', actor: by, details: { version: closing.version, hash: closing.hash, phase: 'resolved', templateId: closing.templateId } };
  }

  digestRequest(): Request<'sendDigests'> {
    return { incident: this.incident, at: iso(Date.now()), rateLimitMinutes: this.pb.distribution.emailMinutesPerRecipient };
  }

  digestsSent(res: Result<'sendDigests'>): AuditEntry | undefined {
    if (res.remaining && res.nextDueAt) this.addDeadline({ kind: 'digest', dueAt: Date.parse(res.nextDueAt) });
    return res.sent ? { step: 'digest', actor: 'herald', details: { sent: res.sent, remaining: res.remaining } } : undefined;
  }

  // --- publication ------------------------------------------------------------------------------

  /**
   * A version starts to leave: the next update is due when it says it will come (its template's
   * words), else by the cadence; what the one check before it leaves needs (M2.2–M2.5).
   */
  startPublication(draft: Draft, holdingStatement: boolean): { at: number; nextDue: number; incident: IncidentInput; check: Request<'checkPublication'>; probe: Request<'probeChannels'> } {
    const d = this.#d;
    const at = Date.now();
    const nextDue = this.scheduleCadence(at, draft.nextUpdateAt);
    const approvals = d.signoffs.filter((x) => x.version === draft.version && x.decision === 'approve').map((x) => ({ approver: x.by, role: x.role, hash: x.hash }));
    return {
      at, nextDue, incident: this.incident, probe: { components: d.input.components },
      check: {
        incident: { id: d.input.id, severity: d.severity, category: d.input.category, tags: d.tags, components: d.input.components },
        message: draft, approvals, rootCauseConfirmed: !!d.rootCause, policy: this.pb.messages, holdingStatement, at: iso(at),
      },
    };
  }

  /** Which channel reaches each audience, given which channels are up. */
  channelChoices(probe: Result<'probeChannels'>): PublishedVersion['channels'] {
    return rules.selectChannels(this.pb, {
      severity: this.#d.severity, channelHealth: probe.health, affectedComponents: this.#d.input.components, channelDependencies: probe.dependencies,
    });
  }

  get outreachFirst(): boolean {
    return this.pb.distribution.outreach.timing === 'before-broadcast';
  }

  /** The status page shows the version: contract deadlines are met. */
  statusPagePublished(): void {
    this.meet((dl) => dl.kind === 'contract-warning' || dl.kind === 'contract-breach');
  }

  /** The email broadcast of a version: rate-limited per recipient except on a change of phase (M3.4), and a legal notice where the playbook has one. */
  broadcastRequest(incident: IncidentInput, draft: Draft, at: number): {
    incident: IncidentInput; message: Draft; rateLimit: { minutes: number; statusChange: boolean; at: string };
    legalNotice?: Playbook['distribution']['legalNotice']; recurrence?: RecurringBroadcast;
  } {
    const lastPhase = this.#d.published[this.#d.published.length - 1]?.phase;
    const legalNotice = this.pb.distribution.legalNotice;
    const recurring = this.recurringBroadcast();
    return {
      incident, message: draft,
      rateLimit: { minutes: recurringRateLimitMinutes(this.pb.distribution.emailMinutesPerRecipient, recurring), statusChange: lastPhase !== draft.phase, at: iso(at) },
      ...(legalNotice ? { legalNotice } : {}),
      ...(recurring ? { recurrence: recurring } : {}),
    };
  }

  /** How a recurring incident's email adapts, when its playbook says (M7.5). */
  private recurringBroadcast(): RecurringBroadcast | undefined {
    const r = this.#d.recurrence;
    const policy = this.pb.recurrence;
    if (!r || !policy) return undefined;
    return {
      shortMessage: policy.shortMessage, digestMinutes: policy.digestMinutes, dailyCap: policy.dailyCap,
      priorIncidents: r.priorIncidents, linkTo: r.priorIncidents[0].id,
    };
  }

  /** Email that the rate limit deferred goes out in a digest when it is due. */
  emailDeferred(version: number, deferred: number, digestDueAt: string): void {
    this.audit('digest', 'herald', { version, deferred, dueAt: digestDueAt });
    const due = Date.parse(digestDueAt);
    if (!this.#d.deadlines.some((dl) => dl.kind === 'digest' && dl.state === 'open' && dl.dueAt <= due)) this.addDeadline({ kind: 'digest', dueAt: due });
  }

  /** The version is out (page and email) and the incident says so. */
  published(p: PublishedVersion): void {
    const d = this.#d;
    if (d.blocked && d.blocked.version <= p.version) d.blocked = undefined;
    d.published.push(p);
    d.publishedCount += 1;
    d.firstPublishedAt ??= p.publishedAt;
    if (d.published.length > keepPublished) d.published.splice(0, d.published.length - keepPublished);
    this.meetStep('first-external-message');
    if (!p.holdingStatement) this.regulatory?.published({ version: p.version, hash: p.hash, recipients: p.emailRecipients, by: 'herald' });
    // A holding statement buys time; the real draft still waits for its approvers.
    if (d.status !== 'resolving' && !p.holdingStatement) d.status = 'published';
  }

  /** Where the other channels send staff copies. */
  get internalChannels(): { slackWebhooks: string[]; distributionLists: string[] } {
    return { slackWebhooks: this.pb.distribution.slackWebhooks, distributionLists: this.pb.distribution.distributionLists };
  }

  /** The other channels delivered (M3.3); the lead hears of any that lagged behind the page. */
  channelsDelivered(version: number, channels: Result<'deliverChannels'>): void {
    this.audit('channels-delivered', 'herald', { version, ...channels });
    if (channels.lag?.late.length) this.notice(`late-v${version}`, [this.lead], notices.lateNotice(this.ref, version, channels.lag), { holdable: false });
  }

  /**
   * A version was stopped (M2.3, M5.3), by the check before it leaves or by the gate of a channel:
   * the incident shows why; unless the page already shows it, the version is back in drafting.
   * The record to write.
   */
  publicationBlocked(version: number, by: { check: { check: string; reason: string }[] } | { gate: string; afterStatusPage: boolean }): AuditEntry {
    const d = this.#d;
    const problems = 'check' in by ? by.check : [{ check: 'gate', reason: by.gate }];
    if (!('gate' in by && by.afterStatusPage)) {
      this.meet((dl) => dl.kind === 'cadence-reminder' || dl.kind === 'cadence-overdue');
      d.status = 'drafting';
    }
    d.blocked = { version, at: iso(Date.now()), reasons: problems.map((p) => p.reason), checks: [...new Set(problems.map((p) => p.check))] };
    const details = 'check' in by
      ? { version, reason: problems.map((p) => p.reason).join('; '), problems }
      : { version, reason: by.gate, ...(by.afterStatusPage ? { after: 'status-page' } : {}) };
    return { step: 'publication-blocked', actor: 'herald', details };
  }

  /**
   * Tells the drafters and the lead at once that a version was stopped, and why, instead of
   * leaving them to find out from a missed deadline. After its record is written.
   */
  tellBlocked(version: number, reasons: string[], where = 'nothing was published'): void {
    this.notice(`blocked-v${version}-${this.#d.auditSeq}`, [...(this.#d.roles.drafter ?? []), this.lead], notices.blockedNotice(this.ref, version, reasons, where), { holdable: false });
  }

  /** After each published update the next is due by the playbook's cadence; the lead is reminded before. */
  private scheduleCadence(publishedAt: number, promisedAt?: string): number {
    this.meet((dl) => dl.kind === 'cadence-reminder' || dl.kind === 'cadence-overdue');
    // A version that names the time of the next update keeps that promise while it lies ahead.
    const promised = promisedAt === undefined ? NaN : Date.parse(promisedAt);
    const due = promised > publishedAt
      ? promised
      : this.detectedAt + rules.nextUpdateDueMinutes(this.pb, this.#d.severity, (publishedAt - this.detectedAt) / minute) * minute;
    const reminder = due - rules.reminderOffsetMinutes(this.pb, this.#d.severity) * minute;
    this.addDeadline({ kind: 'cadence-reminder', dueAt: reminder, owner: this.lead, backup: this.leadBackup });
    this.addDeadline({ kind: 'cadence-overdue', dueAt: due, owner: this.lead, backup: this.leadBackup });
    return due;
  }

  private nextUpdateDueAt(): number | undefined {
    return nextUpdateDueAt(this.#d.deadlines);
  }

  // --- drafts -----------------------------------------------------------------------------------

  private setDraft(draft: Draft): void {
    const d = this.#d;
    if (d.draft) {
      const { version, hash, phase, author, createdAt, parent, subject, text } = d.draft;
      d.versionLog.push({ version, hash, phase, author, createdAt, parent, subject, text });
      // Bodies of old versions are dropped so a long incident's state stays small; the audit
      // archive and the status entries keep every published word.
      const withText = d.versionLog.filter((v) => v.text !== undefined);
      for (const v of withText.slice(0, Math.max(0, withText.length - keepVersionBodies))) {
        v.text = undefined;
        v.subject = undefined;
      }
    }
    d.draft = draft;
    if (d.blocked && d.blocked.version !== draft.version) d.blocked = undefined;
  }

  /** The templates drafting takes for this incident's tags first, and those it keeps for tagged incidents only (M2.3). */
  private tagTemplates(): { named: string[]; reserved: string[] } {
    return { named: applyTags(this.pb, this.#d.tags).templates, reserved: tagTemplateIds(this.pb) };
  }

  // --- regulatory clocks (X3) -------------------------------------------------------------------

  /** The clocks of a run that has them (the patch regulatory-clocks), working on this incident. */
  private get regulatory(): RegulatoryClocks | undefined {
    const r = this.#d.regulatory;
    if (!r) return undefined;
    return new RegulatoryClocks(r, {
      ref: this.ref, lead: this.lead, leadBackup: this.leadBackup, detectedAt: this.detectedAt,
      addTimer: (dueAt, tracked) => this.addDeadline({ kind: 'tracked', dueAt, tracked }),
      settleTimers: (key) => this.meet((dl) => dl.kind === 'tracked' && dl.tracked?.key === key),
      notice: (id, to, n) => this.notice(id, to, n, { holdable: false }),
      audit: (step, actor, details) => this.audit(step, actor, details),
      escalated: (reason, notified) => this.#d.escalations.push({ reason, at: iso(Date.now()), notified }),
      addresses: (role) => (role === 'communication-lead' ? [this.lead] : audienceAddresses(this.pb, role === 'executive' ? 'executives' : role, playbookTeam(this.pb))),
      approvalsOf: (version) => this.#d.signoffs.filter((x) => x.version === version && x.decision === 'approve').map((x) => ({ role: x.role, by: x.by, hash: x.hash })),
    });
  }

  /** The run keeps regulatory clocks (new incidents, behind the patch); the regimes with a playbook rule are checked now. */
  enableRegulatoryClocks(rules: RegulatoryData['rules']): void {
    this.#d.regulatory ??= { clocks: [], rules };
    this.regulatory!.applyRules(this.#d.tags, this.#d.input.fields, 'herald');
  }

  refuseRegulatoryStart(req: StartClockRequest): void {
    const r = this.regulatory ?? reject('RegulatoryUnavailable', 'this incident started before regulatory clocks; record filings outside Herald');
    r.refuseStart(req);
  }

  startRegulatoryClock(req: StartClockRequest): ReturnType<RegulatoryClocks['start']> {
    return this.regulatory!.start(req);
  }

  refuseRegulatoryFiling(req: FilingRequest): void {
    const r = this.regulatory ?? reject('RegulatoryUnavailable', 'this incident started before regulatory clocks');
    r.refuseFiling(req);
  }

  recordRegulatoryFiling(req: FilingRequest): ReturnType<RegulatoryClocks['file']> {
    return this.regulatory!.file(req);
  }

  /** Whether a regulatory clock still has a timer to wait for (after the resolution, too). */
  get regulatoryTimersOpen(): boolean {
    return this.#d.deadlines.some((dl) => dl.kind === 'tracked' && dl.state === 'open');
  }

  // --- vendor obligations (M5.4) ----------------------------------------------------------------

  /** The contributing vendors and their obligations; the rules are workflows/vendor-obligations.ts'. */
  get vendors(): VendorObligations {
    return new VendorObligations({
      ref: this.ref, incident: this.incident, lead: this.lead, leadBackup: this.leadBackup,
      data: (create) => (create ? (this.#d.vendors ??= { contributing: [], obligations: [] }) : this.#d.vendors),
      addTimer: (dueAt, tracked) => this.addDeadline({ kind: 'tracked', dueAt, tracked }).id,
      settleTimers: (key) => this.meet((dl) => dl.kind === 'tracked' && dl.tracked?.tracker === 'vendor-obligations' && dl.tracked.key === key),
      notice: (id, to, n) => this.notice(id, to, n, { holdable: false }),
      audit: (step, actor, details) => this.audit(step, actor, details),
      queue: (work) => this.queue(work),
      refuseWhenClosed: () => this.refuseWhenClosed(),
    });
  }

  // --- views ------------------------------------------------------------------------------------

  versions(): VersionSummary[] {
    return versionSummaries(this.#d);
  }

  versionBodies({ from, to }: { from: number; to: number }): { from?: VersionBody; to?: VersionBody } {
    return { from: versionBody(this.#d, from), to: versionBody(this.#d, to) };
  }

  view(): IncidentView {
    return incidentView(this.#d);
  }
}
