import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { VendorObligationsView } from './vendor-messages';
import type { Category, Phase, Severity } from '../domain/incident';
import type { ApproverRole, IncidentRole } from '../domain/playbooks/schema';
import type { Recurrence } from '../domain/incident/recurrence';
import type { ContractualNoticeView, RegulatoryClockView } from './regulatory';

/** The messages an incident workflow answers; the API and the tests use these same definitions. */

export interface RootCauseStatement {
  statement: string;
  status: 'hypothesis' | 'confirmed';
}

export interface DraftEdit {
  /** The version this edit starts from; an edit of anything but the latest is refused. */
  baseVersion: number;
  subject: string;
  text: string;
  phase: Phase;
  author: string;
  rootCause?: RootCauseStatement;
  /** Decisions from the war-room log this message relies on. */
  decisionIds?: string[];
  /**
   * The same version in other locales (M2.5). They belong to the version: its hash covers them,
   * so attaching or changing one makes a new version and voids earlier approvals.
   */
  translations?: Record<string, Translation>;
}

/** One locale of a message version. */
export interface Translation {
  subject: string;
  text: string;
}

/** Marks the incident's root cause confirmed, so messages may state it as confirmed (M2.4). */
export interface RootCauseConfirmation {
  statement: string;
  by: string;
}

export interface DraftReceipt {
  version: number;
  hash: string;
  parent: number;
  voidedApprovals: number;
}

export interface PublishRequest {
  version: number;
  by: string;
  /** A critical message goes out through a blackout; the override is recorded. */
  critical?: boolean;
  /** The caller's incident roles, for the blackout override check. */
  byRoles?: IncidentRole[];
}

export interface ApprovalRequest {
  version: number;
  /** When given, the approval binds to this exact content hash. */
  hash?: string;
  approver: string;
  /** The approver role signed as; without it, the first pending role the caller holds. */
  as?: ApproverRole;
  /** The approver roles the caller's key carries. */
  heldRoles: ApproverRole[];
  decision?: 'approve' | 'reject';
  reason?: string;
}

export interface ApprovalReceipt {
  version: number;
  hash: string;
  role: ApproverRole;
  approvedBy: string;
  approvedAt: string;
  /** Roles still to sign this version. */
  pending: ApproverRole[];
}

export interface Signoff {
  version: number;
  hash: string;
  role: ApproverRole;
  by: string;
  at: string;
  decision: 'approve' | 'reject';
  reason?: string;
}

export interface ResolveRequest {
  summary: string;
  resolvedBy: string;
}

export interface RoleAssignment {
  role: IncidentRole;
  person: string;
  by: string;
}

export interface HandoffRequest {
  to: string;
  notes: string;
  by: string;
}

export interface Decision {
  id: string;
  what: string;
  why: string;
  by: string;
  at: string;
  /** Message versions that cite this decision. */
  linkedVersions: number[];
}

export interface BlackoutRequest {
  minutes: number;
  reason: string;
  by: string;
}

export interface ClassificationChange {
  severity?: Severity;
  addTags?: string[];
  customersAffected?: number;
  by: string;
}

export interface InternalUpdate {
  /** Who the update is written for: engineering sees internals, the others only the summary. */
  level: 'engineering' | 'internal' | 'executive';
  summary: string;
  technicalDetails?: string;
  by: string;
}

export interface TechnicalReview {
  version: number;
  reviewer: string;
  verdict: 'accurate' | 'needs-changes';
  notes?: string;
}

export interface PublishedVersion {
  version: number;
  hash: string;
  phase: Phase;
  subject: string;
  publishedAt: string;
  emailRecipients: number;
  holdingStatement: boolean;
  nextUpdateAt?: string;
  channels: { audience: string; channel: string | null; fellBack: boolean; reason?: string }[];
}

export interface DeadlineView {
  id: string;
  kind: string;
  dueAt: string;
  owner?: string;
  backup?: string;
  state: 'open' | 'met' | 'missed';
  firedAt?: string;
  /** A contractual deadline: the tiers and number of customers whose notice is due. */
  tiers?: string[];
  customers?: number;
}

export interface IncidentView {
  id: string;
  title: string;
  category: Category;
  severity: Severity;
  tags: string[];
  scope: string;
  components: string[];
  summary: string;
  status: 'drafting' | 'awaiting-approval' | 'published' | 'resolving' | 'resolved';
  detectedAt: string;
  declaredBy: string;
  playbook?: { id: string; version: number };
  firstMessageDueAt: string;
  nextUpdateDueAt?: string;
  roles: Partial<Record<IncidentRole, string[]>>;
  currentDraft?: {
    version: number; hash: string; parent?: number; phase: Phase; subject: string; text: string; author: string;
    createdAt: string; rootCause?: RootCauseStatement; decisionIds: string[];
    /** The primary locale of the version (the playbook's, 'en' unless it says otherwise). */
    locale?: string;
    translations?: Record<string, Translation>;
    templateId?: string;
  };
  /** The incident's confirmed root cause, once someone confirmed it (M2.4). */
  rootCause?: { statement: string; confirmedBy: string; confirmedAt: string };
  requiredApprovers: ApproverRole[];
  approvals: Signoff[];
  publishRequested?: number;
  published: PublishedVersion[];
  escalations: { reason: string; at: string; notified: string[] }[];
  deadlines: DeadlineView[];
  decisions: Decision[];
  handoff?: { from: string; to: string; notes: string; requestedAt: string; acknowledgeBy: string };
  handoffs: { from: string; to: string; notes: string; at: string; acknowledgedAt?: string }[];
  blackout?: { until: string; reason: string; by: string; startedAt: string };
  held: { kind: string; description: string; heldAt: string }[];
  overrides: { version: number; by: string; at: string }[];
  /** Alerts that opened or joined the incident, one entry per fingerprint with how often it was delivered (M1.3). */
  alerts: { fingerprint: string; alertName: string; status: string; count: number; firstSeenAt: string; lastSeenAt: string }[];
  /**
   * Present while the latest version that tried to leave was stopped before it reached customers:
   * its number, when, every reason (a missing template review, a locale, a disclosure…) and the
   * checks that stopped it (M2.3, M5.3).
   */
  blockedBy?: { version: number; at: string; reasons: string[]; checks: string[] };
  reviews: (TechnicalReview & { at: string })[];
  internalUpdates: number;
  briefings: number;
  run: number;
  resolvedAt?: string;
  /** The earlier incidents of the same problem, found at declaration (M7.5). */
  recurrence?: Recurrence;
  /** Regulatory clocks (X3), one entry per regime phase; absent on incidents from before them. */
  regulatoryClocks?: RegulatoryClockView[];
  /** Contractual notice periods (M1.4), per group of customers, beside the regulatory clocks. */
  contractualNotices?: ContractualNoticeView[];
  /** Contributing vendors and the obligations they imply, with their state (M5.4); absent until a vendor is recorded. */
  vendors?: VendorObligationsView;
}

export const incidentStateQuery = defineQuery<IncidentView>('incidentState');
/** Two versions' wording, for a diff; absent when the incident no longer holds a version's body. */
export const versionBodiesQuery = defineQuery<{ from?: VersionBody; to?: VersionBody }, [{ from: number; to: number }]>('versionBodies');

export interface VersionBody {
  version: number;
  subject: string;
  text: string;
}
/** One entry of a version's lineage: who wrote it from which parent, and whether it went out. */
export interface VersionSummary {
  version: number;
  hash: string;
  phase: Phase;
  author: string;
  createdAt: string;
  parent?: number;
  subject?: string;
  current: boolean;
  publishedAt?: string;
}
/** Every version the incident still knows, oldest first (bodies of very old ones are in the audit archive). */
export const versionsQuery = defineQuery<VersionSummary[]>('versions');

export const approveUpdate = defineUpdate<ApprovalReceipt, [ApprovalRequest]>('approve');
export const editDraftUpdate = defineUpdate<DraftReceipt, [DraftEdit]>('editDraft');
export const publishUpdate = defineUpdate<{ version: number; status: 'publishing' | 'awaiting-approval' | 'held' }, [PublishRequest]>('publish');
export const resolveUpdate = defineUpdate<{ accepted: true }, [ResolveRequest]>('resolve');
export const assignRoleUpdate = defineUpdate<{ role: IncidentRole; people: string[] }, [RoleAssignment]>('assignRole');
export const handOffUpdate = defineUpdate<{ acknowledgeBy: string }, [HandoffRequest]>('handOff');
export const acknowledgeHandoffUpdate = defineUpdate<{ lead: string; movedDeadlines: number }, [{ by: string }]>('acknowledgeHandoff');
export const recordDecisionUpdate = defineUpdate<Decision, [Omit<Decision, 'id' | 'at' | 'linkedVersions'>]>('recordDecision');
export const startBlackoutUpdate = defineUpdate<{ until: string }, [BlackoutRequest]>('startBlackout');
export const endBlackoutUpdate = defineUpdate<{ released: number }, [{ by: string }]>('endBlackout');
export const changeClassificationUpdate = defineUpdate<{ severity: Severity; tags: string[]; requiredApprovers: ApproverRole[] }, [ClassificationChange]>('changeClassification');
export const internalUpdateUpdate = defineUpdate<{ queued: true }, [InternalUpdate]>('postInternalUpdate');
export const requestBriefingUpdate = defineUpdate<{ queued: true }, [{ by: string }]>('requestBriefing');
export const confirmRootCauseUpdate = defineUpdate<{ confirmedAt: string }, [RootCauseConfirmation]>('confirmRootCause');
export const technicalReviewUpdate = defineUpdate<{ recorded: true }, [TechnicalReview]>('technicalReview');

/** A monitoring alert that opened or joined this incident (signal-with-start; fire and forget). */
export interface AlertNotice {
  source: 'alertmanager' | 'generic';
  fingerprint: string;
  status: 'firing' | 'resolved';
  alertName: string;
  severity: Severity;
  components: string[];
  receivedAt: string;
  labels: Record<string, string>;
}

export const alertSignal = defineSignal<[AlertNotice]>('alert');
