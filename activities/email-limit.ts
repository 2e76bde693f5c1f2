import { digestEntryId, heldVersionId } from '../domain/delivery/digests';
import { digestChannel } from '../domain/delivery';
import type { IncidentInput } from '../domain/incident';
import { deliveryKey, type MessageVersion } from '../domain/messages';
import { emailedVersions } from '../store/broadcasts';
import { receiptsByKey } from '../store/deliveries';
import { digestEntriesById, heldVersionsAmong, insertDigestEntries, markEntriesCarried, storeHeldVersion, type DigestEntryDoc } from '../store/digests';
import type { DeliveryReceiptDoc, Models } from '../store/models';
import { groupCommit } from './delivery-log';

/** The per-recipient email limit of one broadcast (M3.4), as the workflow passes it. */
export interface EmailRateLimit {
  /** At most one email per recipient per this many minutes; 0 means no limit. */
  minutes: number;
  /** The version changes the public phase: it goes to everyone now, never into a digest. */
  statusChange: boolean;
  /**
   * The workflow's clock at publication. Windows are measured on it, so they agree with the
   * workflow's digest timer even when the two clocks differ (a time-skipping test server).
   */
  at?: string;
}

/** A recipient of a planned batch. */
export interface PlannedRecipient {
  email: string;
  customerId?: string;
  locale: string;
  tier?: string;
  /** What a legal notice overrode to reach this address (M1.4); recorded on its delivery. */
  override?: { regime: string; overrode: string[] };
}

export type LimitDecision =
  /** No email now: the update waits for a digest due when the recipient's window ends. */
  | { held: true; lastEmailAt: Date; dueAt: Date; alreadyHeld: boolean }
  /** Email now, carrying the recipient's held updates of earlier versions. */
  | { held: false; carries: DigestEntryDoc[] };

const minute = 60_000;

/** Marks held updates done in bulk, once the email that carried them is durable (digests use it too). */
export function carriedLog(models: Pick<Models, 'DigestEntry'>) {
  return groupCommit<{ ids: string[]; carriedBy: string; at: Date }>((items) => markEntriesCarried(models, items));
}

/**
 * The rate limiter of one batch attempt, or undefined when it has nothing to do: no limit, the
 * first version, or no earlier email broadcast of this incident. Then the batch reads nothing
 * more than it always did. Otherwise it reads, per claim window and by `_id` only, the
 * recipients' receipts of earlier versions (updates and digests) and their held updates.
 */
export async function emailLimiter(
  models: Pick<Models, 'Broadcast' | 'DeliveryReceipt' | 'DigestEntry' | 'HeldVersion'>,
  incident: IncidentInput,
  message: MessageVersion,
  limit: EmailRateLimit | undefined,
) {
  if (!limit || !(limit.minutes > 0) || message.version <= 1) return undefined;
  const earlier = Array.from({ length: message.version - 1 }, (_, i) => i + 1);
  const emailed = await emailedVersions(models, incident.id, earlier);
  if (emailed.length === 0) return undefined;
  // Versions some recipient's update was held for, this one included when an earlier attempt held any.
  const held = await heldVersionsAmong(models, incident.id, [...earlier, message.version]);
  const heldEarlier = held.filter((v) => v < message.version);
  const windowMs = limit.minutes * minute;

  let versionStored: Promise<unknown> | undefined;
  const markCarried = carriedLog(models);

  return {
    /** One decision per recipient, in order. */
    async decide(recipients: PlannedRecipient[], now: Date): Promise<LimitDecision[]> {
      const receiptIds = limit.statusChange
        ? []
        : recipients.flatMap((r) => [
            ...emailed.map((v) => deliveryKey(incident.id, v, 'email', r.email)),
            ...heldEarlier.map((v) => deliveryKey(incident.id, v, digestChannel, r.email)),
            deliveryKey(incident.id, message.version, 'email', r.email),
          ]);
      const entryIds = recipients.flatMap((r) => held.map((v) => digestEntryId(incident.id, r.email, v)));
      const [receipts, entries] = await Promise.all([
        receiptIds.length ? receiptsByKey(models, receiptIds) : Promise.resolve([]),
        entryIds.length ? digestEntriesById(models, entryIds) : Promise.resolve([]),
      ]);
      const receiptById = new Map(receipts.map((r) => [r._id, r]));
      const entryById = new Map(entries.map((e) => [e._id, e]));
      return recipients.map((r): LimitDecision => {
        const own = entryById.get(digestEntryId(incident.id, r.email, message.version));
        // Held by an earlier attempt: stays held, whatever the clock says now.
        if (own) return { held: true, lastEmailAt: own.lastEmailAt, dueAt: own.dueAt, alreadyHeld: true };
        if (!limit.statusChange && !receiptById.has(deliveryKey(incident.id, message.version, 'email', r.email))) {
          const last = Math.max(
            -Infinity,
            ...[...emailed.map((v) => deliveryKey(incident.id, v, 'email', r.email)), ...heldEarlier.map((v) => deliveryKey(incident.id, v, digestChannel, r.email))]
              .map((id) => receiptById.get(id))
              .filter((x): x is DeliveryReceiptDoc => x?.outcome === 'sent')
              .map((x) => new Date(x.windowAt ?? x.at).getTime()),
          );
          if (last + windowMs > now.getTime()) return { held: true, lastEmailAt: new Date(last), dueAt: new Date(last + windowMs), alreadyHeld: false };
        }
        const carries = heldEarlier
          .map((v) => entryById.get(digestEntryId(incident.id, r.email, v)))
          .filter((e): e is DigestEntryDoc => e?.status === 'pending');
        return { held: false, carries };
      });
    },

    /** Records held updates, insert-only; the version they quote is stored first. */
    async hold(items: { recipient: PlannedRecipient; segment: string; subject: string; lastEmailAt: Date; dueAt: Date }[]): Promise<void> {
      if (items.length === 0) return;
      versionStored ??= storeHeldVersion(models, {
        _id: heldVersionId(incident.id, message.version), incidentId: incident.id, version: message.version, message, storedAt: new Date(),
      });
      await versionStored;
      const createdAt = new Date();
      await insertDigestEntries(
        models,
        items.map((i): DigestEntryDoc => ({
          _id: digestEntryId(incident.id, i.recipient.email, message.version),
          incidentId: incident.id, recipient: i.recipient.email, customerId: i.recipient.customerId, locale: i.recipient.locale,
          segment: i.segment, version: message.version, subject: i.subject, approvedAt: message.createdAt,
          lastEmailAt: i.lastEmailAt, dueAt: i.dueAt, status: 'pending', createdAt,
          ...(i.recipient.override ? { override: i.recipient.override } : {}),
        })),
      );
    },

    /** Marks held updates done once an email that carries them is durable. */
    carried(entries: DigestEntryDoc[], carriedBy: string): Promise<void> {
      return entries.length ? markCarried({ ids: entries.map((e) => e._id), carriedBy, at: new Date() }) : Promise.resolve();
    },
  };
}

export type EmailLimiter = NonNullable<Awaited<ReturnType<typeof emailLimiter>>>;
