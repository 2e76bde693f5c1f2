import { smtpPoolConnections } from '../../activities/providers/smtp';
import { messageIdFor } from '../../domain/messages';
import type { BroadcastOutcome } from '../../workflows/broadcast';
import { uniqueName } from '../support/env';
import { incidentFixture, messageFixture, seedAudience, startFanoutHarness } from '../support/fanout';
import { seededRandom } from '../support/random';
import { startSmtpSink, type SmtpSink } from '../support/receivers';
import { waitFor } from '../support/wait';
import { startWorkerChild, type WorkerChild } from '../support/worker-child';

/**
 * The worker users run (workers/main.ts, in its own process, configured by the environment
 * alone) against an SMTP sink that keeps no log anyone could ask: what a production relay offers.
 */
let h: Awaited<ReturnType<typeof startFanoutHarness>>;
let sink: SmtpSink;
const children = new Set<WorkerChild>();
beforeAll(async () => {
  [h, sink] = await Promise.all([startFanoutHarness(), startSmtpSink({ keepMessageIds: true })]);
}, 120_000);
afterAll(async () => {
  for (const c of children) if (c.process.exitCode === null && c.process.signalCode === null) await c.kill();
  await Promise.all([h?.close(), sink?.close()]);
});

/** Eight batches of 250, four in flight: every kill lands among claims, sends and receipts of several batches. */
const recipients = 2000;
const kills = 3;
const messageIdDomain = 'x2.herald.test';

const random = seededRandom();
/** Watches the sink closely (every 20 ms), so that each kill lands near its threshold. */
const until = (pred: () => boolean, what: string, timeoutMs = 120_000) => waitFor(async () => pred(), (ok) => ok, what, { timeoutMs, intervalMs: 20 });

describe('a broadcast survives the shipped worker being killed', () => {
  it(`[X2, M7.3] ${recipients} recipients, the worker SIGKILLed ${kills} times at random moments (seed ${random.seed}): none missing, every duplicate an in-doubt resend with the same Message-ID`, async () => {
    const started = Date.now();
    const emails = await seedAudience(h.store, h.domain, recipients, 'api');
    const incident = incidentFixture(['api']);
    const taskQueue = `tq-${uniqueName('x2')}`;
    // No sticky cache: a killed worker's sticky queue would hold the broadcast's next workflow task for its timeout.
    const spawn = async () => {
      const c = await startWorkerChild({ taskQueue, dbName: h.dbName, env: { SMTP_URL: sink.url, HERALD_MESSAGE_ID_DOMAIN: messageIdDomain, HERALD_WORKFLOW_CACHE_SIZE: '0' } });
      children.add(c);
      return c;
    };

    let worker = await spawn();
    const handle = await h.client.workflow.start('broadcastWorkflow', {
      taskQueue, workflowId: `broadcast-${incident.id}`,
      args: [{ incident, message: messageFixture(1), batchSize: 250, maxInFlight: 4, batchHeartbeatTimeout: '2 seconds' }],
    });

    // Each kill lands once a random share of the audience has arrived, so it hits the broadcast in
    // full flight (claims, sends and receipts under way). The replacement starts beforehand, as a
    // second worker on the queue would be, so no kill waits for a process to start.
    const thresholds = Array.from({ length: kills }, () => Math.floor(recipients * (0.05 + random.next() * 0.8))).sort((a, b) => a - b);
    const killedAt: number[] = [];
    for (const threshold of thresholds) {
      const next = spawn();
      await until(() => sink.accepted() >= threshold, `${threshold} messages at the sink`);
      await worker.kill();
      killedAt.push(sink.accepted());
      worker = await next;
    }
    expect(killedAt.every((n) => n > 0 && n < recipients)).toBe(true);

    const outcome = (await handle.result()) as BroadcastOutcome;
    await worker.kill();
    await until(() => emails.every((e) => sink.counts.has(e)), 'every recipient at the sink', 10_000);

    // Zero lost.
    expect(emails.filter((e) => !sink.counts.has(e))).toEqual([]);
    expect(outcome).toMatchObject({ recipients, failed: 0 });
    expect(outcome.sent + outcome.alreadySent + outcome.verified + outcome.inDoubtResent + outcome.settledByEarlierAttempts).toBe(recipients);

    // Every duplicate is a message the store recorded as in doubt and resent, under its one Message-ID.
    const meta = { incidentId: incident.id, severity: incident.severity, category: incident.category, version: 1 };
    const duplicated = emails.filter((e) => sink.counts.get(e)! > 1);
    const resent = await h.store.models.DeliveryReceipt.find({ incidentId: incident.id, outcome: 'in-doubt-resent' }).lean();
    const resentByRecipient = new Map(resent.map((r) => [r.recipient, r]));
    for (const e of duplicated) {
      const messageId = messageIdFor(meta, e, messageIdDomain);
      expect({ e, ids: new Set(sink.messageIds.get(e)), receipt: resentByRecipient.get(e)?.messageId }).toEqual({ e, ids: new Set([messageId]), receipt: messageId });
    }
    const duplicates = duplicated.reduce((n, e) => n + sink.counts.get(e)! - 1, 0);
    expect(duplicates).toBeLessThanOrEqual(resent.length);
    // The broadcast counts what its finishing attempts resent; an attempt killed after resending left its receipts.
    expect(outcome.inDoubtResent).toBeLessThanOrEqual(resent.length);
    // What the protocol allows: per killed process, at most one accepted message per SMTP connection lacks its receipt.
    expect(duplicates).toBeLessThanOrEqual(kills * smtpPoolConnections);
    console.log(`X2 crash test: ${recipients} recipients, kills at ${killedAt.join(', ')}; ${resent.length} in doubt and resent, ${duplicates} duplicates, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 180_000);
});
