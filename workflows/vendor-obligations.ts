import type { HeraldActivities } from '../activities';
import type { AuditStep } from '../domain/audit';
import type { IncidentInput } from '../domain/incident';
import { iso, type Deadline, type TrackedTimer } from '../domain/incident/deadlines';
import type { IncidentRef, Notice } from '../domain/incident/notices';
import { reject } from '../domain/incident/refusals';
import { obligationOverdueNotice, subProcessorNotice } from '../domain/vendors/notices';
import type {
  ContributingVendorRequest,
  ObligationDoneRequest,
  ObligationEvidence,
  ObligationNoticeRequest,
  TrackedObligation,
  VendorObligationsView,
} from './vendor-messages';

export function vendorObligationsView(d: VendorObligationsView): VendorObligationsView {
  return { contributing: d.contributing.map((v) => ({ ...v })), obligations: d.obligations.map((o) => ({ ...o, to: [...o.to] })) };
}

/**
 * Vendor disclosure inside the incident (M5.4). The API assesses what a contributing vendor
 * obliges from the registry (domain/vendors `assessObligations`) and hands the result over; each
 * obligation becomes a task with an owner, a deadline from the contract terms (a tracked timer of
 * the incident, so the main loop sleeps until it as for every deadline), and evidence once met.
 * One unmet at its deadline escalates to its owner and the communication lead. A DPA customer's
 * notice can be sent from here through the customer email path; its deliveries are the evidence.
 * Added behind the patch `vendor-obligations` (workflows/incident.ts): a run from before it refuses
 * a contributing vendor. A plain class, as IncidentState is: the activity it needs is
 * workflows/vendor-work.ts'.
 */

/** What the incident carries of its vendors; plain data, carried over continue-as-new. */
export type VendorObligationData = VendorObligationsView;

/** Work for the main loop: a DPA customer's notice to send. */
export interface VendorNoticeWork {
  kind: 'vendor-notice';
  obligationId: string;
  by: string;
  subject?: string;
  text?: string;
}

/** What the obligations need of their incident. */
export interface VendorPort {
  readonly ref: IncidentRef;
  readonly incident: IncidentInput;
  readonly lead: string;
  readonly leadBackup: string;
  /** The incident's data, created on the first contributing vendor. */
  data(create: boolean): VendorObligationData | undefined;
  addTimer(dueAt: number, tracked: TrackedTimer): string;
  settleTimers(key: string): void;
  notice(noticeId: string, to: string[], n: Notice): void;
  audit(step: AuditStep, actor: string, details: Record<string, unknown>): void;
  queue(work: VendorNoticeWork): void;
  refuseWhenClosed(): void;
}

const tracker = 'vendor-obligations';
const hour = 3_600_000;

const short = { 'sub-processor-notice': 'dpa', 'notice-to-vendor': 'to-vendor', 'notice-from-vendor': 'from-vendor' } as const;

export class VendorObligations {
  constructor(private readonly port: VendorPort) {}

  private get d(): VendorObligationData | undefined {
    return this.port.data(false);
  }

  private obligation(id: string): TrackedObligation | undefined {
    return this.d?.obligations.find((o) => o.obligationId === id);
  }

  refuseRecord(req: ContributingVendorRequest): void {
    this.port.refuseWhenClosed();
    if (this.d?.contributing.some((v) => v.vendorId === req.vendor.vendorId)) {
      reject('VendorRecorded', `${req.vendor.name} is recorded on this incident already`, { vendorId: req.vendor.vendorId });
    }
  }

  /** A contributing vendor: its obligations are tracked from now, each with its clock. */
  record(req: ContributingVendorRequest): { vendorId: string; obligations: TrackedObligation[] } {
    const d = this.port.data(true)!;
    const now = Date.now();
    const { vendor } = req;
    d.contributing.push({
      vendorId: vendor.vendorId, name: vendor.name, subProcessor: vendor.subProcessor, publicNaming: vendor.publicNaming,
      ...(req.note ? { note: req.note } : {}), recordedBy: req.by, recordedAt: iso(now),
    });
    this.port.audit('vendor-recorded', req.by, { vendorId: vendor.vendorId, name: vendor.name, subProcessor: vendor.subProcessor, publicNaming: vendor.publicNaming, note: req.note });
    const owner = req.owner ?? this.port.lead;
    const added: TrackedObligation[] = [];
    for (const spec of req.obligations) {
      const obligationId = [vendor.vendorId, short[spec.kind], ...(spec.customerId ? [spec.customerId] : [])].join('-');
      const dueAt = now + spec.withinHours * hour;
      const deadlineId = this.port.addTimer(dueAt, { tracker, key: obligationId, purpose: 'due' });
      const o: TrackedObligation = {
        obligationId, vendorId: vendor.vendorId, kind: spec.kind, description: spec.description, to: [...spec.to],
        ...(spec.customerId ? { customerId: spec.customerId, customerName: spec.customerName ?? spec.customerId } : {}), clause: spec.clause, withinHours: spec.withinHours,
        owner, assessedAt: iso(now), dueAt: iso(dueAt), state: 'open', deadlineId,
      };
      d.obligations.push(o);
      added.push(o);
    }
    this.port.audit('obligations-assessed', 'herald', {
      vendorId: vendor.vendorId,
      obligations: added.map((o) => ({ obligationId: o.obligationId, kind: o.kind, to: o.to, dueAt: o.dueAt, owner: o.owner, clause: o.clause })),
      publicNaming: vendor.publicNaming,
    });
    return { vendorId: vendor.vendorId, obligations: added.map((o) => ({ ...o })) };
  }

  private refuseSettled(id: string): TrackedObligation {
    const o = this.obligation(id) ?? reject('UnknownObligation', `no obligation "${id}" on this incident`);
    if (o.state === 'met') reject('ObligationSettled', `obligation ${id} was met at ${o.metAt}`, { obligationId: id, metAt: o.metAt });
    if (o.sending) reject('ObligationSettled', `the notice of obligation ${id} is being sent`, { obligationId: id });
    return o;
  }

  refuseDone(req: ObligationDoneRequest): void {
    this.refuseSettled(req.obligationId);
  }

  /** An obligation met, with the evidence of how. */
  done(req: ObligationDoneRequest): TrackedObligation {
    return this.meet(this.obligation(req.obligationId)!, { ...req.evidence, at: iso(Date.now()), by: req.by });
  }

  refuseNotice(req: ObligationNoticeRequest): void {
    const o = this.refuseSettled(req.obligationId);
    if (o.kind !== 'sub-processor-notice') reject('NotACustomerNotice', `obligation ${o.obligationId} is not a customer's notice; record how it was met instead`);
  }

  /** Herald sends a DPA customer's notice; its deliveries meet the obligation. */
  sendNotice(req: ObligationNoticeRequest): { obligationId: string; queued: true } {
    const o = this.obligation(req.obligationId)!;
    o.sending = true;
    this.port.queue({ kind: 'vendor-notice', obligationId: o.obligationId, by: req.by, ...(req.subject ? { subject: req.subject } : {}), ...(req.text ? { text: req.text } : {}) });
    return { obligationId: o.obligationId, queued: true };
  }

  noticeRequest(work: VendorNoticeWork): Parameters<HeraldActivities['sendVendorNotice']>[0] | undefined {
    const o = this.obligation(work.obligationId);
    const vendor = this.d?.contributing.find((v) => v.vendorId === o?.vendorId);
    if (!o || !vendor || o.state === 'met') return undefined;
    const i = this.port.incident;
    const words = subProcessorNotice({ incidentId: i.id, incidentTitle: i.title, customerName: o.customerName ?? o.customerId ?? '', vendorName: vendor.name, clause: o.clause });
    return {
      incident: { id: i.id, severity: i.severity, category: i.category, tags: i.tags ?? [] },
      obligationId: o.obligationId, customerId: o.customerId!, vendorId: o.vendorId, to: o.to,
      subject: work.subject ?? words.subject, text: work.text ?? words.text,
    };
  }

  noticeSent(work: VendorNoticeWork, res: Awaited<ReturnType<HeraldActivities['sendVendorNotice']>>): void {
    const o = this.obligation(work.obligationId)!;
    o.sending = false;
    if (!res.deliveries.length) {
      this.port.audit('obligation-notice-failed', 'herald', { obligationId: o.obligationId, failed: res.failed });
      return;
    }
    this.meet(o, {
      summary: `notice sent to ${res.deliveries.map((x) => x.to).join(', ')}${res.failed.length ? `; refused for ${res.failed.join(', ')}` : ''}`,
      deliveries: res.deliveries, at: res.sentAt, by: work.by,
    });
  }

  noticeBlocked(work: VendorNoticeWork, reason: string): void {
    const o = this.obligation(work.obligationId)!;
    o.sending = false;
    this.port.audit('obligation-notice-failed', 'herald', { obligationId: o.obligationId, blocked: reason });
  }

  private meet(o: TrackedObligation, evidence: ObligationEvidence): TrackedObligation {
    const now = Date.now();
    o.late = o.state === 'overdue' || now > Date.parse(o.dueAt);
    o.state = 'met';
    o.metAt = iso(now);
    o.evidence = evidence;
    this.port.settleTimers(o.obligationId);
    this.port.audit('obligation-met', evidence.by, { obligationId: o.obligationId, kind: o.kind, dueAt: o.dueAt, late: o.late, evidence });
    return { ...o };
  }

  owns(dl: Deadline): boolean {
    return dl.tracked?.tracker === tracker;
  }

  /** An obligation's deadline passed: unmet, it escalates to its owner and the communication lead. */
  fire(dl: Deadline): void {
    const o = this.obligation(dl.tracked!.key);
    if (!o || o.state !== 'open') return;
    o.state = 'overdue';
    o.escalatedAt = iso(Date.now());
    const to = [...new Set([o.owner, this.port.lead, this.port.leadBackup])];
    this.port.notice(`obligation-${o.obligationId}`, to, obligationOverdueNotice(this.port.ref, o));
    this.port.audit('obligation-escalated', 'herald', { obligationId: o.obligationId, kind: o.kind, dueAt: o.dueAt, owner: o.owner, notified: to });
  }
}
