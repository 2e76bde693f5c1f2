import type { AuditStep } from '../domain/audit';
import { contentHash, localizedContentHash, textToHtml } from '../domain/messages/content-hash';
import { isRestricted } from '../domain/messages/governance';
import type { IncidentInput } from '../domain/incident';
import { requiresApproval, type Phase, type Severity } from '../domain/incident/core';
import type { MessageVersion } from '../domain/messages';
import type { ApproverRole, Audience, IncidentRole, Playbook } from '../domain/playbooks/schema';
import { applyTags, missingRequiredFields, tagTemplateIds } from '../domain/playbooks/select';
import {
  approvalTimeout,
  deadlinesFor,
  evaluateEscalations,
  nextEscalationMinute,
  nextUpdateDueMinutes,
  reminderOffsetMinutes,
  requiredApprovals,
  type RoleDeadline,
} from '../domain/rules';
import type {
  AlertNotice,
  Decision,
  DraftEdit,
  IncidentView,
  PublishedVersion,
  ResolveRequest,
  RootCauseStatement,
  Signoff,
  TechnicalReview,
} from './messages';

export const minute = 60_000;

export type DeadlineKind =
  | 'step'
  | 'approval-timeout'
  | 'cadence-reminder'
  | 'cadence-overdue'
  | 'handoff-ack'
  | 'fatigue'
  | 'briefing'
  | 'escalation-check'
  | 'blackout-end'
  | 'outreach'
  | 'digest'
  | 'contract-warning'
  | 'contract-breach';

/** A durable deadline: the workflow sleeps until the earliest open one. */
export interface Deadline {
  id: string;
  kind: DeadlineKind;
  dueAt: number;
  owner?: string;
  backup?: string;
  state: 'open' | 'met' | 'missed';
  firedAt?: number;
  step?: RoleDeadline['step'];
  role?: IncidentRole | ApproverRole;
  holdingStatement?: boolean;
  version?: number;
  /** Contract deadlines: the tiers and number of customers whose notice is due, and when. */
  tiers?: string[];
  customers?: number;
  contractDueAt?: number;
}

export interface Draft extends MessageVersion {
  parent?: number;
  rootCause?: RootCauseStatement;
  decisionIds: string[];
}

/** Work for the main loop, done in order: activities run there and nowhere else. */
export type WorkItem =
  | { kind: 'audit'; step: AuditStep; actor: string; details: Record<string, unknown> }
  | { kind: 'notice'; noticeId: string; to: string[]; subject: string; text: string; critical?: boolean; holdable: boolean }
  | { kind: 'publish'; version: number; by: string; critical: boolean }
  | { kind: 'holding-statement' }
  | { kind: 'briefing'; by: string }
  | { kind: 'escalation-check'; actor: string }
  | { kind: 'plan-audience' }
  | { kind: 'outreach-check' }
  | { kind: 'digest' }
  | { kind: 'resolution' };

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
  leadSince: number;
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
  /**
   * Runs started by this code (patched 'herald-v2'): publication checks, translations, every
   * channel, outreach, digests and contract timers. Older runs replay without them.
   */
  v2?: boolean;
  rootCause?: { statement: string; confirmedBy: string; confirmedAt: string };
  /** The closing message's version (v2 runs): it goes through the same approvals as any other. */
  resolutionVersion?: number;
}

/** A version stopped before it left: which, when, and every reason, as GET /v1/incidents/:id shows it. */
export type BlockedBy = NonNullable<IncidentView['blockedBy']>;

/** An alert fingerprint on the incident; entries from runs before the count carry `receivedAt` only. */
export interface AlertEntry {
  fingerprint: string;
  alertName: string;
  status: string;
  count?: number;
  firstSeenAt?: string;
  lastSeenAt?: string;
  receivedAt?: string;
}

const keepPublished = 50;
const keepAlerts = 50;
const keepVersionBodies = 20;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Where an internal audience is reached, from the playbook's contacts. */
export function audienceAddresses(pb: Playbook, audience: Audience): string[] {
  switch (audience) {
    case 'executives':
      return [pb.approverContacts.executive.onCall];
    case 'legal':
      return [pb.approverContacts.legal.onCall];
    case 'pr':
      return [pb.approverContacts.pr.onCall];
    case 'dpo':
      return [pb.approverContacts.dpo.onCall];
    case 'internal-support':
      return pb.briefings.lists['internal-support'] ?? [];
    case 'account-management':
      return pb.briefings.lists['account-management'] ?? [];
    case 'engineering':
      return [pb.roles['communication-lead'].onCall];
    default:
      return [];
  }
}

/**
 * The communication state of one incident. Handlers change it and queue work; the workflow
 * function runs the work and sleeps until the next deadline.
 */
export class IncidentState {
  dirty = false;

  constructor(readonly d: IncidentData) {}

  static start(input: IncidentInput, playbook: IncidentData['playbook']): IncidentState {
    const pb = playbook.body;
    const detected = Date.parse(input.detectedAt);
    const roles: IncidentData['roles'] = {};
    for (const [role, contact] of Object.entries(pb.roles)) roles[role as IncidentRole] = [contact.onCall];
    const s = new IncidentState({
      input,
      run: 1,
      playbook,
      severity: input.severity,
      tags: [...(input.tags ?? [])],
      customersAffected: input.customersAffected ?? 0,
      status: 'drafting',
      roles,
      leadSince: Date.now(),
      versionLog: [],
      versionCounter: 0,
      requiredApprovers: [],
      signoffs: [],
      published: [],
      publishedCount: 0,
      deadlines: [],
      deadlineCounter: 0,
      escalations: [],
      firedRules: [],
      decisions: [],
      handoffs: [],
      held: [],
      overrides: [],
      alerts: [],
      reviews: [],
      internalUpdates: 0,
      briefings: 0,
      auditSeq: 0,
      work: [],
    });
    for (const dl of deadlinesFor(pb, input.severity)) {
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

  get pb(): Playbook {
    return this.d.playbook.body;
  }

  get detectedAt(): number {
    return Date.parse(this.d.input.detectedAt);
  }

  get lead(): string {
    return this.d.roles['communication-lead']?.[0] ?? this.pb.roles['communication-lead'].onCall;
  }

  get leadBackup(): string {
    return this.pb.roles['communication-lead'].backup;
  }

  minutesOpen(now = Date.now()): number {
    return Math.floor((now - this.detectedAt) / minute);
  }

  get firstMessageDueAt(): number {
    const step = this.d.deadlines.find((x) => x.kind === 'step' && x.step === 'first-external-message');
    return step?.dueAt ?? this.detectedAt + 15 * minute;
  }

  // --- work and audit ---------------------------------------------------------------------------

  queue(item: WorkItem): void {
    this.d.work.push(item);
    this.dirty = true;
  }

  audit(step: AuditStep, actor: string, details: Record<string, unknown> = {}): void {
    this.queue({ kind: 'audit', step, actor, details });
  }

  notice(noticeId: string, to: string[], subject: string, text: string, opts: { critical?: boolean; holdable?: boolean } = {}): void {
    const recipients = [...new Set(to)].filter(Boolean);
    if (!recipients.length) return;
    this.queue({ kind: 'notice', noticeId, to: recipients, subject, text, critical: opts.critical, holdable: opts.holdable ?? true });
  }

  nextAuditSeq(): number {
    this.d.auditSeq += 1;
    return this.d.auditSeq;
  }

  get inBlackout(): boolean {
    return !!this.d.blackout;
  }

  /** Whether a blackout holds this piece of work back until it ends. */
  holds(item: WorkItem): boolean {
    if (!this.d.blackout) return false;
    const holds = this.pb.blackout.holds;
    if (item.kind === 'notice') return item.holdable && !item.critical && holds.includes('internal-notifications');
    if (item.kind === 'briefing') return holds.includes('internal-notifications');
    if (item.kind === 'publish') return !item.critical && holds.includes('scheduled-updates');
    return false;
  }

  // --- deadlines --------------------------------------------------------------------------------

  addDeadline(dl: Omit<Deadline, 'id' | 'state'>): Deadline {
    this.d.deadlineCounter += 1;
    const full: Deadline = { ...dl, id: `${dl.kind}-${this.d.deadlineCounter}`, state: 'open' };
    this.d.deadlines.push(full);
    this.dirty = true;
    return full;
  }

  meet(pred: (dl: Deadline) => boolean): void {
    for (const dl of this.d.deadlines) if (dl.state === 'open' && pred(dl)) dl.state = 'met';
  }

  meetStep(step: RoleDeadline['step']): void {
    this.meet((dl) => dl.kind === 'step' && dl.step === step);
  }

  nextDeadline(): Deadline | undefined {
    return this.d.deadlines.filter((dl) => dl.state === 'open').sort((a, b) => a.dueAt - b.dueAt)[0];
  }

  /** Old settled deadlines are dropped so a long incident's state stays small. */
  pruneDeadlines(): void {
    const settled = this.d.deadlines.filter((dl) => dl.state !== 'open');
    if (settled.length > 40) {
      const drop = new Set(settled.slice(0, settled.length - 40).map((dl) => dl.id));
      this.d.deadlines = this.d.deadlines.filter((dl) => !drop.has(dl.id));
    }
  }

  // --- approvals --------------------------------------------------------------------------------

  classification() {
    return { severity: this.d.severity, category: this.d.input.category, tags: this.d.tags };
  }

  /** The matrix and fired escalation rules decide; SEV1 and SEV2 always need at least one sign-off. */
  recomputeApprovers(): ApproverRole[] {
    const facts = { ...this.classification(), minutesOpen: this.minutesOpen(), customersAffected: this.d.customersAffected };
    const set = new Set<ApproverRole>([...requiredApprovals(this.pb, facts), ...evaluateEscalations(this.pb, facts).requiredApprovers]);
    if (set.size === 0 && requiresApproval(this.d.severity)) set.add('executive');
    for (const role of this.draftApprovers(set)) set.add(role);
    const order: ApproverRole[] = ['legal', 'pr', 'executive', 'dpo'];
    this.d.requiredApprovers = order.filter((r) => set.has(r));
    return this.d.requiredApprovers;
  }

  /**
   * What the current draft itself asks for (v2 runs): a root-cause hypothesis needs a sign-off
   * with the disclosure right (M2.4); a custom narrative the playbook's extra approvals, and legal
   * for a data-exposure or regulated incident (M2.2, M2.3).
   */
  draftApprovers(already: ReadonlySet<ApproverRole> = new Set(this.d.requiredApprovers)): ApproverRole[] {
    const draft = this.d.draft;
    if (!this.d.v2 || !draft) return [];
    const policy = this.messagePolicy;
    const out: ApproverRole[] = [];
    if (draft.rootCause?.status === 'hypothesis' && !policy.disclosureApprovers.some((r) => already.has(r))) {
      out.push(policy.disclosureApprovers[0]);
    }
    if (draft.templateId === 'custom') {
      out.push(...policy.customNarratives.extraApprovals);
      if (isRestricted(this.d.tags)) out.push('legal');
    }
    return out;
  }

  /** The playbook's message policy; snapshots taken before it existed get the defaults. */
  get messagePolicy(): Playbook['messages'] {
    const m = this.pb.messages as Partial<Playbook['messages']> | undefined;
    return {
      locale: m?.locale ?? 'en',
      fallbackLocale: m?.fallbackLocale,
      customNarratives: { allowed: m?.customNarratives?.allowed ?? true, extraApprovals: m?.customNarratives?.extraApprovals ?? [] },
      disclosureApprovers: m?.disclosureApprovers?.length ? m.disclosureApprovers : ['legal', 'executive'],
      ...(m?.plainLanguage ? { plainLanguage: m.plainLanguage } : {}),
    };
  }

  get distribution(): Playbook['distribution'] {
    const x = this.pb.distribution as Partial<Playbook['distribution']> | undefined;
    return {
      emailMinutesPerRecipient: x?.emailMinutesPerRecipient ?? 30,
      slackWebhooks: x?.slackWebhooks ?? [],
      distributionLists: x?.distributionLists ?? [],
      outreach: { tiers: x?.outreach?.tiers ?? ['enterprise'], timing: x?.outreach?.timing ?? 'with-broadcast', withinMinutes: x?.outreach?.withinMinutes ?? 30 },
      contractWarningMinutes: x?.contractWarningMinutes ?? 10,
      ...(x?.legalNotice ? { legalNotice: x.legalNotice } : {}),
    };
  }

  pendingApprovers(version = this.d.draft?.version): ApproverRole[] {
    const signed = new Set(
      this.d.signoffs.filter((s) => s.version === version && s.decision === 'approve').map((s) => s.role),
    );
    return this.d.requiredApprovers.filter((r) => !signed.has(r));
  }

  /** Asks each pending approver, with a timeout after which their backup is asked. */
  requestApprovals(): void {
    const draft = this.d.draft!;
    this.meet((dl) => dl.kind === 'approval-timeout' && dl.version !== draft.version);
    for (const role of this.pendingApprovers()) {
      const t = approvalTimeout(this.pb, this.d.severity, role);
      const exists = this.d.deadlines.some((dl) => dl.kind === 'approval-timeout' && dl.state === 'open' && dl.role === role && dl.version === draft.version);
      if (!exists) {
        this.addDeadline({ kind: 'approval-timeout', role, version: draft.version, dueAt: Date.now() + t.minutes * minute, owner: t.onCall, backup: t.backup });
      }
      this.notice(
        `approval-request-v${draft.version}-${role}`,
        [t.onCall],
        `[${this.d.severity}] Approval needed (${role}): ${draft.subject}`,
        `Incident ${this.d.input.id} needs your sign-off as ${role} on version ${draft.version} (hash ${draft.hash}).\n\n${draft.text}`,
        { holdable: false },
      );
    }
  }

  // --- drafts -----------------------------------------------------------------------------------

  setDraft(draft: Draft): void {
    if (this.d.draft) {
      const { version, hash, phase, author, createdAt, parent, subject, text } = this.d.draft;
      this.d.versionLog.push({ version, hash, phase, author, createdAt, parent, subject, text });
      // Bodies of old versions are dropped so a long incident's state stays small; the audit
      // archive and the status entries keep every published word.
      const withText = this.d.versionLog.filter((v) => v.text !== undefined);
      for (const v of withText.slice(0, Math.max(0, withText.length - keepVersionBodies))) {
        v.text = undefined;
        v.subject = undefined;
      }
    }
    this.d.draft = draft;
    if (this.d.blocked && this.d.blocked.version !== draft.version) this.d.blocked = undefined;
  }

  /** A custom edit: a new version whose parent is the latest; approvals of the old version are void. */
  edit(e: DraftEdit): Draft {
    const parent = this.d.draft!;
    this.d.versionCounter += 1;
    const text = e.text.trim();
    const subject = e.subject.trim();
    const v2 = !!this.d.v2;
    // Attaching a translation keeps the wording, so the version keeps its template (M2.3).
    const sameWords = subject === parent.subject && text === parent.text && parent.phase === e.phase;
    // New wording drops translations of the old wording unless the edit brings its own.
    const given = e.translations ?? (sameWords ? parent.translations : undefined);
    const translations = v2 && given && Object.keys(given).length
      ? Object.fromEntries(Object.keys(given).sort().map((l) => {
        const t = given[l];
        return [l, { subject: t.subject.trim(), text: t.text.trim(), html: textToHtml(t.text.trim()) }];
      }))
      : undefined;
    const draft: Draft = {
      version: this.d.versionCounter,
      hash: v2 ? localizedContentHash(subject, text, translations) : contentHash(subject, text),
      phase: e.phase,
      subject,
      text,
      html: textToHtml(text),
      templateId: v2 && sameWords ? parent.templateId : 'custom',
      ...(v2 ? { locale: parent.locale ?? this.messagePolicy.locale } : {}),
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
    for (const id of draft.decisionIds) this.d.decisions.find((x) => x.id === id)?.linkedVersions.push(draft.version);
    return draft;
  }

  // --- publication ------------------------------------------------------------------------------

  recordPublished(p: PublishedVersion): void {
    if (this.d.blocked && this.d.blocked.version <= p.version) this.d.blocked = undefined;
    this.d.published.push(p);
    this.d.publishedCount += 1;
    if (this.d.published.length > keepPublished) this.d.published.splice(0, this.d.published.length - keepPublished);
  }

  /** After each published update the next is due by the playbook's cadence; the lead is reminded before. */
  scheduleCadence(publishedAt: number, promisedAt?: string): number {
    this.meet((dl) => dl.kind === 'cadence-reminder' || dl.kind === 'cadence-overdue');
    // A version that names the time of the next update keeps that promise while it lies ahead.
    const promised = promisedAt === undefined ? NaN : Date.parse(promisedAt);
    const due = promised > publishedAt
      ? promised
      : this.detectedAt + nextUpdateDueMinutes(this.pb, this.d.severity, (publishedAt - this.detectedAt) / minute) * minute;
    const reminder = due - reminderOffsetMinutes(this.pb, this.d.severity) * minute;
    this.addDeadline({ kind: 'cadence-reminder', dueAt: reminder, owner: this.lead, backup: this.leadBackup });
    this.addDeadline({ kind: 'cadence-overdue', dueAt: due, owner: this.lead, backup: this.leadBackup });
    return due;
  }

  nextUpdateDueAt(): number | undefined {
    return this.d.deadlines.find((dl) => dl.kind === 'cadence-overdue' && dl.state === 'open')?.dueAt;
  }

  // --- escalation -------------------------------------------------------------------------------

  /** Runs the escalation rules; newly fired rules notify their audiences and may add approvers. */
  evaluateEscalations(actor: string): void {
    const facts = { ...this.classification(), minutesOpen: this.minutesOpen(), customersAffected: this.d.customersAffected };
    const outcome = evaluateEscalations(this.pb, facts);
    const fresh = outcome.firedRules.filter((r) => !this.d.firedRules.includes(r));
    if (fresh.length) {
      this.d.firedRules.push(...fresh);
      const rules = this.pb.escalationRules.filter((r) => fresh.includes(r.id));
      const audiences = [...new Set(rules.flatMap((r) => r.notify))];
      const to = audiences.flatMap((a) => audienceAddresses(this.pb, a));
      const reason = rules.map((r) => r.description).join('; ');
      this.d.escalations.push({ reason, at: iso(Date.now()), notified: audiences });
      this.notice(
        `escalation-${fresh.join('-')}`,
        to,
        `[${this.d.severity}] Escalation: ${this.d.input.title}`,
        `Incident ${this.d.input.id} meets escalation criteria: ${reason}.\nYou are notified as: ${audiences.join(', ')}.`,
        { holdable: false },
      );
      this.audit('escalated', actor, { rules: fresh, notified: audiences, requireApprovers: rules.flatMap((r) => r.requireApprovers) });
    }
    const before = this.d.requiredApprovers.join(',');
    this.recomputeApprovers();
    if (before !== this.d.requiredApprovers.join(',') && this.d.status === 'awaiting-approval') this.requestApprovals();
    this.meet((dl) => dl.kind === 'escalation-check');
    const next = nextEscalationMinute(this.pb, facts);
    if (next !== undefined) this.addDeadline({ kind: 'escalation-check', dueAt: this.detectedAt + next * minute });
  }

  // --- views ------------------------------------------------------------------------------------

  /** The templates drafting takes for this incident's tags first, and those it keeps for tagged incidents only (M2.3). */
  tagTemplates(): { named: string[]; reserved: string[] } {
    return { named: applyTags(this.pb, this.d.tags).templates, reserved: tagTemplateIds(this.pb) };
  }

  requiredFieldsMissing(): string[] {
    return missingRequiredFields(applyTags(this.pb, this.d.tags), this.d.input.fields ?? {});
  }

  /**
   * A delivery of an alert: a repeat of a known fingerprint counts and moves its last-seen time,
   * so an alert that monitoring re-sends for days stays one entry. Past `keepAlerts` fingerprints
   * the one seen least recently goes.
   */
  recordAlert(a: AlertNotice): AlertEntry {
    const known = this.d.alerts.find((x) => x.fingerprint === a.fingerprint);
    if (known) {
      known.count = (known.count ?? 1) + 1;
      known.firstSeenAt ??= known.receivedAt ?? a.receivedAt;
      known.lastSeenAt = a.receivedAt;
      known.status = a.status;
      known.alertName = a.alertName;
      delete known.receivedAt;
      return known;
    }
    const entry: AlertEntry = { fingerprint: a.fingerprint, alertName: a.alertName, status: a.status, count: 1, firstSeenAt: a.receivedAt, lastSeenAt: a.receivedAt };
    this.d.alerts.push(entry);
    if (this.d.alerts.length > keepAlerts) {
      const oldest = this.d.alerts.reduce((o, x) => ((x.lastSeenAt ?? x.receivedAt ?? '') < (o.lastSeenAt ?? o.receivedAt ?? '') ? x : o));
      this.d.alerts.splice(this.d.alerts.indexOf(oldest), 1);
    }
    return entry;
  }

  /** Records why a version was stopped, for the incident's view (M2.3, M5.3). */
  recordBlocked(version: number, problems: { check: string; reason: string }[]): void {
    this.d.blocked = { version, at: iso(Date.now()), reasons: problems.map((p) => p.reason), checks: [...new Set(problems.map((p) => p.check))] };
  }

  /** A version's subject and text while the incident still holds them. */
  versionBody(version: number): { subject: string; text: string } | undefined {
    if (this.d.draft?.version === version) return { subject: this.d.draft.subject, text: this.d.draft.text };
    const v = this.d.versionLog.find((x) => x.version === version);
    return v?.text !== undefined ? { subject: v.subject ?? '', text: v.text } : undefined;
  }

  view(): IncidentView {
    const { input, draft } = this.d;
    return {
      id: input.id,
      title: input.title,
      category: input.category,
      severity: this.d.severity,
      tags: this.d.tags,
      scope: input.scope ?? 'single',
      components: input.components,
      summary: input.summary,
      status: this.d.status,
      detectedAt: input.detectedAt,
      declaredBy: input.declaredBy,
      playbook: { id: this.d.playbook.id, version: this.d.playbook.version },
      firstMessageDueAt: iso(this.firstMessageDueAt),
      nextUpdateDueAt: this.nextUpdateDueAt() ? iso(this.nextUpdateDueAt()!) : undefined,
      roles: this.d.roles,
      currentDraft: draft && {
        version: draft.version, hash: draft.hash, parent: draft.parent, phase: draft.phase, subject: draft.subject, text: draft.text,
        author: draft.author, createdAt: draft.createdAt, rootCause: draft.rootCause, decisionIds: draft.decisionIds,
        locale: draft.locale, templateId: draft.templateId,
        translations: draft.translations && Object.fromEntries(Object.entries(draft.translations).map(([l, t]) => [l, { subject: t.subject, text: t.text }])),
      },
      rootCause: this.d.rootCause,
      requiredApprovers: this.d.requiredApprovers,
      approvals: this.d.signoffs,
      publishRequested: this.d.publishRequested,
      published: this.d.published,
      escalations: this.d.escalations,
      deadlines: this.d.deadlines.map((dl) => ({
        id: dl.id, kind: dl.kind === 'step' ? `step:${dl.step}` : dl.kind, dueAt: iso(dl.dueAt), owner: dl.owner, backup: dl.backup,
        state: dl.state, firedAt: dl.firedAt ? iso(dl.firedAt) : undefined,
      })),
      decisions: this.d.decisions,
      handoff: this.d.handoff && {
        from: this.d.handoff.from, to: this.d.handoff.to, notes: this.d.handoff.notes, requestedAt: iso(this.d.handoff.requestedAt),
        acknowledgeBy: iso(this.d.deadlines.find((x) => x.id === this.d.handoff!.deadlineId)?.dueAt ?? 0),
      },
      handoffs: this.d.handoffs,
      blackout: this.d.blackout && { until: iso(this.d.blackout.until), reason: this.d.blackout.reason, by: this.d.blackout.by, startedAt: iso(this.d.blackout.startedAt) },
      held: this.d.held.map((h) => ({ kind: h.item.kind, description: h.description, heldAt: iso(h.heldAt) })),
      overrides: this.d.overrides,
      alerts: this.d.alerts.map((a) => ({
        fingerprint: a.fingerprint, alertName: a.alertName, status: a.status, count: a.count ?? 1,
        firstSeenAt: a.firstSeenAt ?? a.receivedAt ?? '', lastSeenAt: a.lastSeenAt ?? a.receivedAt ?? '',
      })),
      ...(this.d.blocked ? { blockedBy: this.d.blocked } : {}),
      reviews: this.d.reviews,
      internalUpdates: this.d.internalUpdates,
      briefings: this.d.briefings,
      run: this.d.run,
      resolvedAt: this.d.resolvedAt,
    };
  }
}
