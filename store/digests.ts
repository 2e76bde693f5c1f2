import { Schema, type Connection, type Model } from 'mongoose';
import type { MessageVersion } from '../domain/messages';

/**
 * Updates held back by the per-recipient email limit (M3.4) until a digest carries them. Entries
 * are keyed by `_id` = `${incidentId}#${recipient}#${version}` and written insert-only, so a
 * retried batch finds what it wrote; the only update marks an entry done when an email carried it.
 */
export interface DigestEntryDoc {
  _id: string;
  incidentId: string;
  /** The address as the broadcast planned it. */
  recipient: string;
  customerId?: string;
  /** The reader's locale, for the digest's language. */
  locale: string;
  /** The tracked-link segment: the customer's tier, or 'subscriber'. */
  segment: string;
  version: number;
  /** The subject in the reader's locale, as it passed the gate. */
  subject: string;
  /** When the version was approved (ISO). */
  approvedAt: string;
  /** The recipient's last email of this incident, which opened the window. */
  lastEmailAt: Date;
  /** When that window ends and a digest may go. */
  dueAt: Date;
  status: 'pending' | 'done';
  /** The delivery key of the email that carried this update (a digest or a later update). */
  carriedBy?: string;
  doneAt?: Date;
  createdAt: Date;
  /** What a legal notice overrode to reach this address: its digest goes even if the address is suppressed meanwhile. */
  override?: { regime: string; overrode: string[] };
}

/** A version some recipient's update was held for, kept so its digest can quote it. `_id`: `${incidentId}#v${version}`. */
export interface HeldVersionDoc {
  _id: string;
  incidentId: string;
  version: number;
  message: MessageVersion;
  storedAt: Date;
}

const digestEntry = new Schema<DigestEntryDoc>({
  _id: { type: String, required: true },
  incidentId: { type: String, required: true, index: true },
  recipient: { type: String, required: true },
  customerId: String,
  locale: { type: String, required: true },
  segment: { type: String, required: true },
  version: { type: Number, required: true },
  subject: { type: String, required: true },
  approvedAt: { type: String, required: true },
  lastEmailAt: { type: Date, required: true },
  dueAt: { type: Date, required: true },
  status: { type: String, required: true },
  carriedBy: String,
  doneAt: Date,
  createdAt: { type: Date, required: true },
  override: { type: Schema.Types.Mixed, default: undefined },
});

const heldVersion = new Schema<HeldVersionDoc>({
  _id: { type: String, required: true },
  incidentId: { type: String, required: true },
  version: { type: Number, required: true },
  message: { type: Schema.Types.Mixed, required: true },
  storedAt: { type: Date, required: true },
});

export interface DigestModels {
  DigestEntry: Model<DigestEntryDoc>;
  HeldVersion: Model<HeldVersionDoc>;
}

export function bindDigestModels(conn: Connection): DigestModels {
  return {
    DigestEntry: conn.model('DigestEntry', digestEntry, 'digest_entries'),
    HeldVersion: conn.model('HeldVersion', heldVersion, 'held_versions'),
  };
}
