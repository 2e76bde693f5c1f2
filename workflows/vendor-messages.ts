import { defineUpdate } from '@temporalio/workflow';
import type { ObligationKind, ObligationSpec } from '../domain/vendors';

/**
 * The messages of vendor disclosure (M5.4): a contributing vendor recorded on an incident, with
 * the obligations the API assessed from the registry; an obligation met with its evidence; a
 * DPA customer's notice sent through the customer email path. Declared here, beside the
 * workflow's other messages (workflows/messages.ts), and shared by the API and the tests.
 */

/** A contributing vendor as the incident records it: the registry's terms at the time. */
export interface ContributingVendorRequest {
  vendor: { vendorId: string; name: string; subProcessor: boolean; publicNaming: 'allowed' | 'forbidden'; clause?: string };
  note?: string;
  /** Who owns the obligations; the communication lead when absent. */
  owner?: string;
  /** What the registry implies (domain/vendors assessObligations), in its order; a customer's notice names the customer. */
  obligations: (ObligationSpec & { customerName?: string })[];
  by: string;
}

export type ObligationState = 'open' | 'met' | 'overdue';

/** What shows that an obligation was met: what was sent to whom and when, or a reference. */
export interface ObligationEvidence {
  summary: string;
  reference?: string;
  /** The deliveries of a notice Herald sent (their message IDs and recipients). */
  deliveries?: { to: string; messageId: string }[];
  at: string;
  by: string;
}

export interface TrackedObligation {
  obligationId: string;
  vendorId: string;
  kind: ObligationKind;
  description: string;
  to: string[];
  customerId?: string;
  customerName?: string;
  clause: string;
  withinHours: number;
  owner: string;
  assessedAt: string;
  dueAt: string;
  state: ObligationState;
  deadlineId: string;
  escalatedAt?: string;
  metAt?: string;
  /** Met after its deadline had passed. */
  late?: boolean;
  evidence?: ObligationEvidence;
  /** A notice Herald was asked to send and has not sent yet. */
  sending?: boolean;
}

export interface ContributingVendor {
  vendorId: string;
  name: string;
  subProcessor: boolean;
  publicNaming: 'allowed' | 'forbidden';
  note?: string;
  recordedBy: string;
  recordedAt: string;
}

/** The incident's vendors and their obligations, as GET /v1/incidents/:id shows them. */
export interface VendorObligationsView {
  contributing: ContributingVendor[];
  obligations: TrackedObligation[];
}

export interface ObligationDoneRequest {
  obligationId: string;
  evidence: { summary: string; reference?: string };
  by: string;
}

export interface ObligationNoticeRequest {
  obligationId: string;
  /** What the customer reads; Herald's standard wording when absent. */
  subject?: string;
  text?: string;
  by: string;
}

export const recordVendorUpdate = defineUpdate<{ vendorId: string; obligations: TrackedObligation[] }, [ContributingVendorRequest]>('recordVendor');
export const obligationDoneUpdate = defineUpdate<TrackedObligation, [ObligationDoneRequest]>('obligationDone');
export const sendObligationNoticeUpdate = defineUpdate<{ obligationId: string; queued: true }, [ObligationNoticeRequest]>('sendObligationNotice');
