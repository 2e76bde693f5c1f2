import { Schema, type Connection, type Model } from 'mongoose';
import type { ChainedAuditRecord } from '../domain/audit';
import type { MessageTemplate } from '../domain/templates';

export interface ComponentDoc {
  componentId: string;
  name: string;
  service: string;
  description?: string;
}

export interface CustomerDoc {
  customerId: string;
  name: string;
  tier: 'enterprise' | 'business' | 'standard';
  locale: string;
  emails: string[];
  subscriptions: string[];
}

export interface DeliveryDoc {
  key: string;
  incidentId: string;
  version: number;
  channel: string;
  recipient: string;
  status: 'sending' | 'sent' | 'failed';
  messageId?: string;
  attempts: number;
  sentAt?: Date;
}

export interface StatusEntryDoc {
  incidentId: string;
  version: number;
  title: string;
  phase: string;
  severity: string;
  category: string;
  components: string[];
  subject: string;
  body: string;
  publishedAt: Date;
  nextUpdateAt?: Date;
}

export type TemplateDoc = MessageTemplate;

const component = new Schema<ComponentDoc>({
  componentId: { type: String, required: true, unique: true },
  name: { type: String, required: true },
  service: { type: String, required: true },
  description: String,
});

const customer = new Schema<CustomerDoc>({
  customerId: { type: String, required: true, unique: true },
  name: { type: String, required: true },
  tier: { type: String, required: true },
  locale: { type: String, default: 'en' },
  emails: [String],
  subscriptions: { type: [String], index: true },
});

const template = new Schema<TemplateDoc>({
  templateId: { type: String, required: true, unique: true },
  category: { type: String, required: true },
  phase: { type: String, required: true },
  severities: [String],
  locale: { type: String, default: 'en' },
  subject: { type: String, required: true },
  body: { type: String, required: true },
});

const audit = new Schema<ChainedAuditRecord>(
  {
    incidentId: { type: String, required: true },
    seq: { type: Number, required: true },
    step: { type: String, required: true },
    at: { type: String, required: true },
    actor: { type: String, required: true },
    details: { type: Schema.Types.Mixed, default: {} },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  { minimize: false },
);
// The chain position is unique: a retried append finds its own record instead of forking the chain.
audit.index({ incidentId: 1, seq: 1 }, { unique: true });

const delivery = new Schema<DeliveryDoc>({
  key: { type: String, required: true, unique: true },
  incidentId: { type: String, required: true, index: true },
  version: { type: Number, required: true },
  channel: { type: String, required: true },
  recipient: { type: String, required: true },
  status: { type: String, required: true },
  messageId: String,
  attempts: { type: Number, default: 0 },
  sentAt: Date,
});

const statusEntry = new Schema<StatusEntryDoc>({
  incidentId: { type: String, required: true },
  version: { type: Number, required: true },
  title: String,
  phase: String,
  severity: String,
  category: String,
  components: [String],
  subject: String,
  body: String,
  publishedAt: { type: Date, required: true },
  nextUpdateAt: Date,
});
statusEntry.index({ incidentId: 1, version: 1 }, { unique: true });

export interface Models {
  Component: Model<ComponentDoc>;
  Customer: Model<CustomerDoc>;
  Template: Model<TemplateDoc>;
  AuditRecord: Model<ChainedAuditRecord>;
  Delivery: Model<DeliveryDoc>;
  StatusEntry: Model<StatusEntryDoc>;
}

/** Binds Herald's collections to one connection (tests give each file its own database). */
export function bindModels(conn: Connection): Models {
  return {
    Component: conn.model('Component', component, 'components'),
    Customer: conn.model('Customer', customer, 'customers'),
    Template: conn.model('Template', template, 'templates'),
    AuditRecord: conn.model('AuditRecord', audit, 'audit'),
    Delivery: conn.model('Delivery', delivery, 'deliveries'),
    StatusEntry: conn.model('StatusEntry', statusEntry, 'status_entries'),
  };
}
