import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Category, Phase, Severity } from '../domain/incident';

/** The messages an incident workflow answers; the API and the tests use these same definitions. */

export interface ApprovalRequest {
  version: number;
  /** When given, the approval binds to this exact content hash. */
  hash?: string;
  approver: string;
  note?: string;
}

export interface ApprovalReceipt {
  version: number;
  hash: string;
  approvedBy: string;
  approvedAt: string;
}

export interface ResolveRequest {
  summary: string;
  resolvedBy: string;
}

export interface PublishedVersion {
  version: number;
  hash: string;
  phase: Phase;
  subject: string;
  publishedAt: string;
  emailRecipients: number;
}

export interface IncidentView {
  id: string;
  title: string;
  category: Category;
  severity: Severity;
  components: string[];
  summary: string;
  status: 'drafting' | 'awaiting-approval' | 'published' | 'resolving' | 'resolved';
  detectedAt: string;
  declaredBy: string;
  firstMessageDueAt: string;
  currentDraft?: { version: number; hash: string; phase: Phase; subject: string; text: string };
  approvals: ApprovalReceipt[];
  published: PublishedVersion[];
  escalations: { reason: string; at: string }[];
  resolvedAt?: string;
}

export const incidentStateQuery = defineQuery<IncidentView>('incidentState');
export const approveUpdate = defineUpdate<ApprovalReceipt, [ApprovalRequest]>('approve');
export const resolveUpdate = defineUpdate<{ accepted: true }, [ResolveRequest]>('resolve');

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
