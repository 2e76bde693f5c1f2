import { Schema, type Connection } from 'mongoose';
import type { ChainedAuditRecord } from '../domain/audit';
import type { MessageTemplate } from '../domain/messages/templates';
import type { InquiryRecord } from '../domain/inquiries';
import type { StatusEntry } from '../domain/status-page';
import type { Contract, Preferences } from '../domain/audience/service-model';
import { channelDeliveryCollections } from './channel-deliveries';
import { channelSecretCollections } from './channel-secrets';
import { componentMarkerCollections } from './component-markers';
import { digestCollections } from './digests';
import { incidentSummaryCollections } from './incident-summaries';
import { maintenanceCollections } from './maintenances';
import { archiveCollections } from './archive';
import { messageCollections, templateGovernanceFields, type TemplateGovernanceFields } from './message-models';
import { outreachCollections } from './outreach';
import { drillRunCollections } from './drill-runs';
import { bindCollections, required, storedIn, type BoundModels } from './schema';
import { statusSubscriptionCollections } from './status-subscriptions';
import { statusTrafficCollections } from './status-traffic';
import { suppressionCollections } from './suppressions';
import { unmappedAlertCollections } from './unmapped-alerts';
import { webhookEndpointCollections } from './webhook-endpoints';
import { ticketCollections } from './tickets';
import { feedbackCollections } from './feedback';
import { timelineAnnotationCollections } from './timeline-annotations';
import { surveyCollections } from './surveys';
import { recurrenceCollections } from './recurrence';
import { vendorCollections } from './vendors';

export interface ComponentDoc {
  componentId: string;
  name: string;
  service: string;
  description?: string;
  /** Components this one cannot work without: an outage there reaches this one too. */
  dependsOn?: string[];
  createdAt?: Date;
}

export interface CustomerDoc {
  customerId: string;
  name: string;
  tier: 'enterprise' | 'business' | 'standard';
  locale: string;
  emails: string[];
  subscriptions: string[];
  webhooks?: { url: string; secret: string }[];
  /** E.164; top-tier accounts get direct outreach. */
  phone?: string;
  accountManager?: { name: string; email: string };
  contract?: Contract;
  /** The data-processing agreement: the sub-processors (vendor IDs) it names (M5.4). */
  dpa?: { subProcessors: string[] };
  preferences?: Preferences;
  /** The bulk import that wrote this record, so a failed import can remove exactly what it wrote. */
  importId?: string;
  createdAt?: Date;
}

export interface DeliveryDoc {
  /** The delivery's key (`key`), so the row is found by `_id`: the one lookup FerretDB answers without a scan. */
  _id?: string;
  key: string;
  incidentId: string;
  version: number;
  channel: string;
  recipient: string;
  status: 'sending' | 'sent' | 'failed';
  messageId?: string;
  attempts: number;
  /** When the attempt that wrote this claim was about to send: how long a delivery has been in doubt. */
  claimedAt?: Date;
  sentAt?: Date;
  /** What a legal notice overrode to reach this recipient (preferences, floor, suppression). */
  override?: { regime: string; overrode: string[] };
  /** Each attempt every provider failed for now (4xx, no connection, a dropped or stalled one), in order: the retries' log. */
  failures?: { at: Date; provider: string; error: string }[];
}

/** One published version on the status page, as the domain reads it. */
export type StatusEntryDoc = StatusEntry;

/** Builtin templates carry no governance fields; the registry's latest versions do. */
export type TemplateDoc = MessageTemplate & Partial<TemplateGovernanceFields>;

const component = new Schema<ComponentDoc>({
  componentId: { type: String, required: true, unique: true },
  ...required({ name: String, service: String }),
  description: String,
  dependsOn: { type: [String], default: [] },
  createdAt: { type: Date, default: () => new Date() },
});

const customer = new Schema<CustomerDoc>({
  customerId: { type: String, required: true, unique: true },
  ...required({ name: String, tier: String }),
  locale: { type: String, default: 'en' },
  emails: [String],
  subscriptions: { type: [String], index: true },
  webhooks: { type: [{ _id: false, url: String, secret: String }], default: undefined },
  phone: String,
  accountManager: { type: { _id: false, name: String, email: String }, default: undefined },
  contract: { type: Schema.Types.Mixed, default: undefined },
  dpa: { type: { _id: false, subProcessors: [String] }, default: undefined },
  preferences: { type: Schema.Types.Mixed, default: undefined },
  importId: { type: String, index: true },
  createdAt: { type: Date, default: () => new Date() },
});

const template = new Schema<TemplateDoc>({
  templateId: { type: String, required: true, unique: true },
  ...required({ category: String, phase: String }),
  severities: [String],
  locale: { type: String, default: 'en' },
  ...required({ subject: String, body: String }),
  ...templateGovernanceFields,
}, { minimize: false });

/** An audit record, keyed by `${incidentId}#${seq}` (see store/audit.ts). */
export type AuditRecordDoc = ChainedAuditRecord & { _id: string };

const audit = new Schema<AuditRecordDoc>(
  {
    ...required({ incidentId: String, seq: Number, step: String, at: String, actor: String }),
    details: { type: Schema.Types.Mixed, default: {} },
    ...required({ prevHash: String, hash: String }),
  },
  { minimize: false },
);
// The chain position is unique: a retried append finds its own record instead of forking the chain.
audit.index({ incidentId: 1, seq: 1 }, { unique: true });

const delivery = new Schema<DeliveryDoc>({
  _id: String,
  key: { type: String, required: true, unique: true },
  incidentId: { type: String, required: true, index: true },
  ...required({ version: Number, channel: String, recipient: String, status: String }),
  messageId: String,
  attempts: { type: Number, default: 0 },
  claimedAt: Date, sentAt: Date,
  override: { type: Schema.Types.Mixed, default: undefined },
  failures: { type: [{ _id: false, at: Date, provider: String, error: String }], default: undefined },
});

const statusEntry = new Schema<StatusEntryDoc>({
  ...required({ incidentId: String, version: Number }),
  title: String, phase: String, severity: String, category: String,
  components: [String],
  subject: String, body: String,
  publishedAt: { type: Date, required: true },
  nextUpdateAt: Date,
  translations: { type: Schema.Types.Mixed, default: undefined },
});
statusEntry.index({ incidentId: 1, version: 1 }, { unique: true });

export type InquiryDoc = InquiryRecord;

const inquiry = new Schema<InquiryDoc>({
  inquiryId: { type: String, required: true, unique: true },
  incidentId: { type: String, required: true, index: true },
  source: { type: String, required: true },
  customerId: String,
  text: { type: String, required: true },
  internalNote: String,
  redactions: { type: Schema.Types.Mixed, default: {} },
  ...required({ receivedAt: Date, receivedBy: String }),
}, { minimize: false });

export interface PlaybookVersionDoc {
  playbookId: string;
  version: number;
  /** The validated playbook, exactly as it applies from this version on. */
  playbook: Record<string, unknown>;
  hash: string;
  source: 'file' | 'api';
  createdBy: string;
  createdAt: Date;
  note?: string;
}

const playbookVersion = new Schema<PlaybookVersionDoc>({
  ...required({ playbookId: String, version: Number, playbook: Schema.Types.Mixed, hash: String, source: String, createdBy: String, createdAt: Date }),
  note: String,
}, { minimize: false });
// Two concurrent edits cannot both become version n+1: the second insert fails and answers 409.
playbookVersion.index({ playbookId: 1, version: 1 }, { unique: true });

/**
 * The frozen audience of one broadcast (incident, version, channel), written once when it is
 * planned. Keyed by `_id`: FerretDB answers `_id` lookups without scanning the collection.
 */
export interface BroadcastDoc {
  _id: string;
  incidentId: string;
  version: number;
  channel: string;
  recipients: number;
  batchSize: number;
  batches: number;
  plannedAt: Date;
  /** The legal notice this broadcast was planned under, and how many recipients it reached against preferences or suppression. */
  legalNotice?: { regime: string; overridden: number };
}

const broadcast = new Schema<BroadcastDoc>({
  ...required({ _id: String, incidentId: String, version: Number, channel: String, recipients: Number, batchSize: Number, batches: Number, plannedAt: Date }),
  legalNotice: { type: Schema.Types.Mixed, default: undefined },
});

export interface BroadcastBatchDoc {
  /** `${broadcastId}#${batchIndex}` */
  _id: string;
  broadcastId: string;
  batchIndex: number;
  /**
   * `tier` is the customer's, for tracked-link segments (M2.6); plans made before it lack it.
   * `override`: what a legal notice overrode to reach this address (preferences, floor, suppression).
   */
  recipients: { email: string; customerId: string; locale: string; tier?: string; override?: { regime: string; overrode: string[] } }[];
}

const broadcastBatch = new Schema<BroadcastBatchDoc>({
  ...required({ _id: String, broadcastId: String, batchIndex: Number }),
  recipients: { type: [{ _id: false, email: String, customerId: String, locale: String, tier: String, override: Schema.Types.Mixed }], default: [] },
});

/**
 * A provider's acceptance of one delivery (or its permanent refusal), keyed by the delivery key.
 * Fan-out records outcomes as inserts beside the Delivery claim rather than updating it: FerretDB
 * v1 rewrites an update by scanning the collection, tens of updates a second at broadcast scale.
 */
export interface DeliveryReceiptDoc {
  _id: string;
  incidentId: string;
  version: number;
  channel: string;
  recipient: string;
  /** `in-doubt-resent`: sent again after a crash left it in doubt at a provider that cannot be asked (same Message-ID). */
  outcome: 'sent' | 'failed' | 'in-doubt-resent';
  provider?: string;
  messageId?: string;
  providerMessageId?: string;
  /** Found at the provider by its Message-ID after a crash, rather than sent by this attempt. */
  verified?: boolean;
  error?: string;
  /** The providers that failed before the one that took it (failover, M7.3). */
  failedOver?: { provider: string; error: string }[];
  /** A digest's folded versions (M3.4), so a retry marks done exactly what it carried. */
  folded?: number[];
  /** The workflow's clock when it was sent: rate-limit windows are measured on it (M3.4). */
  windowAt?: Date;
  at: Date;
}

const deliveryReceipt = new Schema<DeliveryReceiptDoc>({
  ...required({ _id: String, incidentId: String, version: Number, channel: String, recipient: String, outcome: String }),
  provider: String, messageId: String, providerMessageId: String, verified: Boolean, error: String,
  failedOver: { type: [{ _id: false, provider: String, error: String }], default: undefined },
  folded: { type: [Number], default: undefined },
  windowAt: { type: Date, default: undefined },
  at: { type: Date, required: true },
});
// A recurring incident's daily cap counts a recipient's emails of the day across incidents (M7.5).
deliveryReceipt.index({ recipient: 1, at: -1 });

const collections = {
  Component: storedIn('components', component),
  Customer: storedIn('customers', customer),
  Template: storedIn('templates', template),
  AuditRecord: storedIn('audit', audit),
  Delivery: storedIn('deliveries', delivery),
  StatusEntry: storedIn('status_entries', statusEntry),
  Inquiry: storedIn('inquiries', inquiry),
  PlaybookVersion: storedIn('playbook_versions', playbookVersion),
  Broadcast: storedIn('broadcasts', broadcast),
  BroadcastBatch: storedIn('broadcast_batches', broadcastBatch),
  DeliveryReceipt: storedIn('delivery_receipts', deliveryReceipt),
  ...messageCollections,
  ...outreachCollections,
  ...componentMarkerCollections,
  ...unmappedAlertCollections,
  ...channelDeliveryCollections,
  ...digestCollections,
  ...channelSecretCollections,
  ...suppressionCollections,
  ...statusSubscriptionCollections,
  ...webhookEndpointCollections,
  ...incidentSummaryCollections,
  ...maintenanceCollections,
  ...statusTrafficCollections,
  ...archiveCollections,
  ...ticketCollections,
  ...feedbackCollections,
  ...timelineAnnotationCollections,
  ...surveyCollections,
  ...drillRunCollections,
  ...recurrenceCollections,
  ...vendorCollections,
};

/** Every collection of Herald's store, a model each. */
export type Models = BoundModels<typeof collections>;

/** Binds Herald's collections to one connection (tests give each file its own database). */
export function bindModels(conn: Connection): Models {
  return bindCollections(conn, collections);
}
