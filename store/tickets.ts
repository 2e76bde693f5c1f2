import { Schema } from 'mongoose';
import type { PersonalDataKind } from '../domain/inquiries';
import type { MatchReason, Segment, TicketPoint } from '../domain/tickets';
import type { TicketSource } from '../domain/tickets/intake';
import { insertOnce } from './mongo';
import { required, storedIn, type BoundModels } from './schema';

/**
 * Support tickets (M6.2), one per desk and ticket ID (`_id` `source:externalId`), personal data
 * stripped before they are stored. Every ticket is kept, matched to an incident or not: the ones
 * before an incident are the baseline its surges are measured against.
 */
export interface TicketDoc {
  _id: string;
  source: TicketSource;
  externalId: string;
  incidentId?: string;
  matchReasons?: MatchReason[];
  customerId?: string;
  segment: Segment;
  components: string[];
  subject: string;
  text: string;
  redactions: Partial<Record<PersonalDataKind, number>>;
  createdAt: Date;
  receivedAt: Date;
}

const ticket = new Schema<TicketDoc>({
  ...required({ _id: String, source: String, externalId: String, segment: String, createdAt: Date, receivedAt: Date }),
  incidentId: { type: String, index: true },
  matchReasons: { type: [String], default: undefined },
  customerId: String,
  components: { type: [String], default: [] },
  subject: { type: String, default: '' },
  text: { type: String, default: '' },
  redactions: { type: Schema.Types.Mixed, default: {} },
}, { minimize: false });
ticket.index({ createdAt: 1 });

export const ticketCollections = {
  Ticket: storedIn('tickets', ticket),
};

export type TicketModels = BoundModels<typeof ticketCollections>;

/** Stores a ticket once; a second delivery of the same ticket answers the stored one. */
export async function recordTicket(models: TicketModels, doc: TicketDoc): Promise<{ ticket: TicketDoc; duplicate: boolean }> {
  if (await insertOnce(models.Ticket, doc)) return { ticket: doc, duplicate: false };
  const stored = await models.Ticket.findOne({ _id: doc._id }).lean<TicketDoc>();
  return { ticket: stored ?? doc, duplicate: true };
}

export async function incidentTickets(models: TicketModels, incidentId: string): Promise<TicketPoint[]> {
  const docs = await models.Ticket.find({ incidentId }, { createdAt: 1, segment: 1 }).lean<Pick<TicketDoc, 'createdAt' | 'segment'>[]>();
  return docs.map((d) => ({ at: d.createdAt.getTime(), segment: d.segment }));
}

/** Every ticket created in [from, to), whatever incident it belongs to, for the baseline. */
export async function ticketsBetween(models: TicketModels, from: Date, to: Date): Promise<TicketPoint[]> {
  const docs = await models.Ticket.find({ createdAt: { $gte: from, $lt: to } }, { createdAt: 1, segment: 1 }).lean<Pick<TicketDoc, 'createdAt' | 'segment'>[]>();
  return docs.map((d) => ({ at: d.createdAt.getTime(), segment: d.segment }));
}
