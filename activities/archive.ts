import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { retentionConfig } from '../config/archive';
import { canonicalJson } from '../domain/audit/canonical-json';
import { expired, policyFor } from '../domain/archive/retention';
import type { OutboundEmail, ProviderReceipt } from '../domain/delivery/providers';
import type { IncidentInput } from '../domain/incident';
import { activeHolds, archiveRecords, deleteArchivedBytes, holdsOn, type ArchiveInput, type ArchiveModels, type ArchiveRecordDoc } from '../store/archive';
import { checkpointConfigured } from '../store/archive-log';
import type { StoreDeps } from './deps';
import { groupCommit } from './delivery-log';
import type { FailoverSender } from './providers/failover';

/**
 * The sending side of the archive (M5.1): every activity that sends archives what it sent, under
 * its delivery's key, before it records the delivery as settled, so a receipt always has its
 * archived bytes and a retry archives nothing twice. The log and its checkpoints (X5) are the
 * checkpoint workflow's timer, and a publication signs one as soon as the version is out
 * (activities/audit.ts).
 */

/** What the archive knows of the incident a record belongs to. */
export function incidentFields(incident: Pick<IncidentInput, 'id' | 'category' | 'tags'>) {
  return { incidentId: incident.id, category: incident.category, ...(incident.tags?.length ? { regimes: [...incident.tags].sort() } : {}) };
}

/** Group-committed archive writes: one insert per batch of sends under load, one per send when idle. */
export function archiveWriter(models: Pick<ArchiveModels, 'ArchiveRecord'>) {
  return groupCommit<ArchiveInput>((records) => archiveRecords(models, records));
}

/**
 * A sender that archives each email as the provider took it: the bytes it was handed (the MIME
 * message, or an API's request body) with the delivery's context, before the caller's settle.
 */
export function archivingSender(
  sender: FailoverSender<OutboundEmail>,
  archive: (message: OutboundEmail, receipt: ProviderReceipt) => Promise<void>,
): FailoverSender<OutboundEmail> {
  return {
    providers: sender.providers,
    lookup: (message, claimedAt) => sender.lookup(message, claimedAt),
    send: (message, settle) =>
      sender.send(message, async (receipt) => {
        await archive(message, receipt);
        await settle?.(receipt);
      }),
  };
}

/** The archive record of one email, from its delivery's context and the provider's receipt. */
export function emailRecord(
  ctx: { incident: Pick<IncidentInput, 'id' | 'category' | 'tags'>; version: number; locale: string; key: string; customerId?: string; channel?: string },
  message: OutboundEmail,
  receipt: ProviderReceipt,
): ArchiveInput {
  const bytes = receipt.sent ? Buffer.from(receipt.sent.bytes) : Buffer.from(canonicalJson({ ...message, metadata: undefined }));
  return {
    key: `email:${ctx.key}`, kind: 'email', ...incidentFields(ctx.incident), version: ctx.version, channel: ctx.channel ?? 'email', locale: ctx.locale,
    ...(ctx.customerId ? { customerIds: [ctx.customerId] } : {}),
    body: bytes, contentType: receipt.sent?.contentType ?? 'application/json',
    detail: {
      recipients: [message.to], from: message.from, messageId: message.messageId, subject: message.subject,
      gate: { allowed: true },
      outcome: { status: 'accepted', provider: receipt.provider, ...(receipt.providerMessageId ? { providerMessageId: receipt.providerMessageId } : {}) },
    },
  };
}

/** The checkpoint workflow of the log a task queue's workers write (one database per deployment). */
export const checkpointWorkflowId = (taskQueue: string) => `herald-archive-checkpoint-${taskQueue}`;

/** Starts the checkpoint workflow's durable timer (X5) unless it runs already: the worker does at start. */
export async function startCheckpointClock(client: Client, taskQueue: string, intervalMs: number): Promise<void> {
  await client.workflow.start('archiveCheckpointWorkflow', {
    workflowId: checkpointWorkflowId(taskQueue), taskQueue, args: [{ intervalMs }], workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

/** The retention workflow of a task queue's archive: once a day, started once by the worker. */
export const retentionWorkflowId = (taskQueue: string) => `herald-archive-retention-${taskQueue}`;

export async function startRetentionClock(client: Client, taskQueue: string): Promise<void> {
  await client.workflow.start('archiveRetentionWorkflow', {
    workflowId: retentionWorkflowId(taskQueue), taskQueue, args: [{}], workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

export interface RetentionRun {
  /** The policy set's version the run applied. */
  policyVersion: number;
  deleted: { key: string; policy: string }[];
  /** Expired records a legal hold kept. */
  held: { key: string; holds: string[] }[];
  examined: number;
}

export function createArchiveActivities({ store }: StoreDeps<'ArchiveRecord' | 'LogLeaf' | 'TreeHead' | 'LegalHold'>) {
  const { models } = store;
  return {
    /** Appends what is pending to the log and signs a tree head (X5). */
    async checkpointArchive(): Promise<{ treeSize: number; rootHash: string; fresh: boolean; appended: number }> {
      const c = await checkpointConfigured(models);
      return { treeSize: c.sth.treeSize, rootHash: c.sth.rootHash, fresh: c.fresh, appended: c.appended };
    },

    /**
     * Deletes the bytes of every logged record whose policy has expired at `at` (the workflow's
     * clock), leaving a tombstone leaf; a record under legal hold is skipped and reported. The
     * store refuses a held record too, so a hold placed during the run still wins.
     */
    async applyRetention({ at }: { at: string }): Promise<RetentionRun> {
      const config = retentionConfig();
      const now = new Date(at);
      const holds = await activeHolds(models);
      const run: RetentionRun = { policyVersion: config.version, deleted: [], held: [], examined: 0 };
      const candidates = await models.ArchiveRecord.find(
        { index: { $exists: true }, deletedAt: { $exists: false }, kind: { $ne: 'tombstone' } },
        { body: 0, detail: 0 },
      ).lean<ArchiveRecordDoc[]>();
      for (const doc of candidates) {
        run.examined++;
        const policy = policyFor(config, doc);
        if (!policy || !expired(policy, doc.recordedAt.getTime(), now.getTime())) continue;
        const held = holdsOn(holds, doc);
        if (held.length) {
          run.held.push({ key: doc._id, holds: held });
          continue;
        }
        try {
          await deleteArchivedBytes(models, doc._id, { policy: policy.id, policyVersion: config.version, reason: `retained ${policy.retainDays} days`, at: now });
          run.deleted.push({ key: doc._id, policy: policy.id });
        } catch (err) {
          if ((err as Error).name !== 'HeldRecordError' && !(err as { holds?: unknown }).holds) throw err;
          run.held.push({ key: doc._id, holds: (err as { holds: string[] }).holds });
        }
        Context.current().heartbeat(run.examined);
      }
      if (run.deleted.length) await checkpointConfigured(models, now);
      return run;
    },
  };
}
