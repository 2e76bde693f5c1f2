import { Context } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { retentionConfig } from '../config/archive';
import { canonicalJson } from '../domain/audit/canonical-json';
import { expired, policyFor } from '../domain/archive/retention';
import type { OutboundEmail, ProviderReceipt } from '../domain/delivery/providers';
import type { ExternalContent, GateVerdict } from '../domain/gate';
import type { IncidentInput } from '../domain/incident';
import { auditRecordsOf } from '../store/audit';
import type { Models } from '../store/models';
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

/** The gate's verdict as the archive keeps it: what it redacted (field and kind, never the secret itself) and why it blocked. */
export interface ArchivedGateVerdict {
  allowed: boolean;
  redacted: { field: string; kind: string }[];
  blockReasons?: string[];
}

export function archivedVerdict(v: Pick<GateVerdict<ExternalContent>, 'allowed' | 'findings' | 'blockReasons'>): ArchivedGateVerdict {
  return { allowed: v.allowed, redacted: v.findings.map((f) => ({ field: f.field, kind: f.kind })), ...(v.blockReasons.length ? { blockReasons: v.blockReasons } : {}) };
}

/** One sign-off bound to the archived version: who, in which role, of which content hash, when (the audit chain's record). */
export interface ArchivedApproval {
  approver: string;
  role: string;
  hash: string;
  at: string;
  /** The audit record that holds it: `<incident>#<seq>`. */
  audit: string;
}

/** What a version carried when it left: its sign-offs, and whether it was the pre-approved holding statement. */
export interface ArchivedApprovals {
  approvals: ArchivedApproval[];
  preApproved?: true;
}

/**
 * The approvals bound to a version, as the incident's audit chain recorded them before the version
 * left (the workflow writes each sign-off before it publishes): read by the sending activity, so
 * the workflow's commands stay as they are.
 */
export async function approvalsOf(models: Pick<Models, 'AuditRecord'>, incidentId: string, version: number): Promise<ArchivedApprovals> {
  const records = await auditRecordsOf(models, [incidentId], ['approved', 'holding-statement']);
  const mine = records.filter((r) => r.details.version === version);
  const approvals = mine.filter((r) => r.step === 'approved').map((r) => ({
    approver: r.actor, role: String(r.details.role), hash: String(r.details.hash), at: r.at, audit: `${incidentId}#${r.seq}`,
  }));
  return { approvals, ...(mine.some((r) => r.step === 'holding-statement' && r.details.preApproved) ? { preApproved: true as const } : {}) };
}

/** Memoizes a version's approvals per activity: a batch of a thousand emails reads the audit chain once. */
export function approvalsMemo(models: Pick<Models, 'AuditRecord'>) {
  const cache = new Map<string, Promise<ArchivedApprovals>>();
  return (incidentId: string, version: number): Promise<ArchivedApprovals> => {
    const key = `${incidentId}#${version}`;
    let p = cache.get(key);
    if (!p) {
      p = approvalsOf(models, incidentId, version);
      p.catch(() => cache.delete(key));
      cache.set(key, p);
    }
    return p;
  };
}

/** Recipient sets larger than this are archived as their digest and the query that produced them. */
export const recipientListLimit = 1000;

/** A recipient set as archived: the list itself, or, when it is huge, its size, SHA-256 and the query that produced it. */
export function recipientSet(recipients: string[], query: Record<string, unknown>): Record<string, unknown> {
  const sorted = [...recipients].sort();
  if (sorted.length <= recipientListLimit) return { recipients: sorted };
  return { recipientCount: sorted.length, recipientsSha256: createHash('sha256').update(sorted.join('\n')).digest('hex'), recipientQuery: query };
}

/** The archive record of one email, from its delivery's context and the provider's receipt. */
export function emailRecord(
  ctx: {
    incident: Pick<IncidentInput, 'id' | 'category' | 'tags'>; version: number; locale: string; key: string; customerId?: string; channel?: string;
    /** The gate's verdict on this locale and the version's approvals; absent for mail no gate passes (surveys). */
    binding?: { gate: ArchivedGateVerdict } & ArchivedApprovals;
  },
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
      ...(ctx.binding ?? { gate: { allowed: true } }),
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
