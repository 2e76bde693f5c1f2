import { Client, Connection } from '@temporalio/client';
import { broadcastEmail } from '../domain/delivery';
import type { IncidentInput } from '../domain/incident';
import type { MessageVersion } from '../domain/messages';
import { smtpPoolConnections } from '../activities/providers/smtp';
import { connectStore } from '../store/connect';
import { createHeraldWorker, createMailer } from '../workers/worker';
import type { BenchEnv } from './run';
import { startRemoteSink, tally } from './sink-client';

/**
 * `fanout`: one approved message to N email recipients (BENCH_FANOUT_RECIPIENTS, default
 * 100,000) through an SMTP server that accepts and discards. Herald's batched fan-out
 * (broadcastWorkflow with a worker in this process, claims and receipts in MongoDB) against a
 * baseline in the same run: bare nodemailer, the same pool settings, the same messages, the same
 * number of sends in flight. Both are counted at the sink, per recipient.
 */
const config = { fromAddress: 'Herald Status <status@herald.example>', publicUrl: 'https://status.herald.example', messageIdDomain: 'herald.example' };
const batchSize = 1000;
const maxInFlight = 4;
/** Herald keeps 16 sends in flight per batch (activities/fanout.ts); the baseline gets as many. */
const inFlight = maxInFlight * 16;

function incident(id: string): IncidentInput {
  return {
    id, title: 'Payments API errors', category: 'outage', severity: 'SEV2', components: ['payments'],
    summary: 'Card payments fail for some customers.', declaredBy: 'bench', detectedAt: new Date().toISOString(),
  };
}

const message: MessageVersion = {
  version: 1, hash: 'bench', phase: 'investigating', subject: '[SEV2] Service disruption: Payments API errors',
  text: 'Some of our services are unavailable: Payments.\n\nCard payments fail for some customers.\n\nOur engineers are working on it now.',
  html: '<p>Some of our services are unavailable: Payments.</p>\n<p>Card payments fail for some customers.</p>\n<p>Our engineers are working on it now.</p>',
  templateId: 'outage-investigating-major', createdAt: new Date().toISOString(), author: 'bench',
};

const addresses = (domain: string, n: number) => Array.from({ length: n }, (_, i) => `c${String(i).padStart(6, '0')}@${domain}`);

export async function fanoutBench(env: BenchEnv) {
  const recipients = Number(process.env.BENCH_FANOUT_RECIPIENTS ?? 100_000);
  const sink = await startRemoteSink();
  const runId = `${process.pid}-${Date.now().toString(36)}`;
  try {
    // Baseline: bare nodemailer, before and after Herald, so that drift in the machine's load
    // (other processes on a shared machine) shows instead of biasing the ratio.
    const baseline = async (label: string) => {
      const inc = incident(`BENCH-BASE-${label}-${runId}`);
      const meta = { incidentId: inc.id, severity: inc.severity, category: inc.category, version: 1 };
      const to = addresses(`base-${label}.${runId}.test`, recipients);
      const mailer = createMailer(sink.url);
      const started = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          for (let i = next++; i < recipients; i = next++) {
            const { email: m } = broadcastEmail(meta, message, to[i], config);
            await mailer.sendMail({ from: m.from, to: m.to, subject: m.subject, text: m.text, html: m.html, messageId: m.messageId, headers: m.headers });
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      mailer.close();
      const counts = tally(to, (await sink.counts()).counts);
      await sink.reset();
      console.log(`fanout baseline (${label}): ${recipients} in ${seconds.toFixed(2)} s`);
      return { seconds, ...counts };
    };
    const before = await baseline('before');

    // Herald: the audience in the service model, the broadcast as a workflow.
    const dbName = `herald_bench_${runId.replace(/-/g, '_')}`;
    const store = await connectStore(env.mongoUri, dbName);
    const heraldRecipients = addresses(`herald.${runId}.test`, recipients);
    const perCustomer = 5;
    for (let i = 0; i < recipients; i += perCustomer * 1000) {
      const docs = [];
      for (let c = i; c < Math.min(recipients, i + perCustomer * 1000); c += perCustomer) {
        docs.push({ customerId: `cust-${c}`, name: `Customer ${c}`, tier: 'standard', locale: 'en', emails: heraldRecipients.slice(c, c + perCustomer), subscriptions: ['payments'] });
      }
      await store.models.Customer.collection.insertMany(docs);
    }
    const taskQueue = `bench-fanout-${runId}`;
    const worker = await createHeraldWorker({
      temporalAddress: env.temporalAddress, taskQueue, mongoUri: env.mongoUri, dbName, smtpUrl: sink.url,
      config: { ...config, escalationEmails: [] },
    });
    const running = worker.run();
    const connection = await Connection.connect({ address: env.temporalAddress });
    const client = new Client({ connection });
    const inc = incident(`BENCH-HERALD-${runId}`);
    const heraldStart = performance.now();
    const handle = await client.workflow.start('broadcastWorkflow', {
      taskQueue, workflowId: `broadcast-${inc.id}`, args: [{ incident: inc, message, batchSize, maxInFlight }],
    });
    const outcome = await handle.result();
    const heraldSeconds = (performance.now() - heraldStart) / 1000;
    const history = (await handle.fetchHistory()).events ?? [];
    const time = (e: (typeof history)[number]) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
    const planDone = history.find((e) => e.activityTaskCompletedEventAttributes)!;
    const planSeconds = (time(planDone) - time(history[0])) / 1000;
    const heraldCounts = tally(heraldRecipients, (await sink.counts()).counts);
    console.log(`fanout herald: ${recipients} in ${heraldSeconds.toFixed(2)} s (plan ${planSeconds.toFixed(2)} s)`);

    await connection.close();
    await worker.shutdown().catch(() => undefined);
    await running.catch(() => undefined);
    await store.conn.dropDatabase();
    await store.close();
    await sink.reset();
    const after = await baseline('after');

    const baseSeconds = (before.seconds + after.seconds) / 2;
    const baselineRate = recipients / baseSeconds;
    const heraldRate = recipients / heraldSeconds;
    return {
      recipients,
      unit: 'messages per second',
      herald: {
        msgsPerSecond: round(heraldRate),
        seconds: round(heraldSeconds),
        planSeconds: round(planSeconds),
        sendPhaseMsgsPerSecond: round(recipients / (heraldSeconds - planSeconds)),
        duplicates: heraldCounts.duplicates,
        missing: heraldCounts.missing,
        sent: outcome.sent,
        inDoubt: {
          what: 'deliveries found claimed without a receipt and resent with the same Message-ID (no crash here, so 0), and those a provider confirmed',
          resent: outcome.inDoubtResent,
          verified: outcome.verified,
          boundPerCrash: {
            claimedUnsettled: maxInFlight * 16,
            acceptedWithoutReceipt: smtpPoolConnections,
            what: 'at a crash of one worker: claims in doubt are at most the sends in flight; at most one message per SMTP connection can have been accepted without its receipt',
          },
        },
        batches: outcome.batches,
        batchSize,
        maxInFlight,
        historyEvents: history.length,
      },
      baseline: {
        what: 'bare nodemailer, same pool (5 connections), same messages, same sends in flight; run before and after Herald, averaged',
        msgsPerSecond: round(baselineRate),
        seconds: round(baseSeconds),
        runs: [before, after].map((r) => ({ msgsPerSecond: round(recipients / r.seconds), duplicates: r.duplicates, missing: r.missing })),
        duplicates: before.duplicates + after.duplicates,
        missing: before.missing + after.missing,
      },
      ratio: round(heraldRate / baselineRate, 3),
      goal: 'ratio >= 0.8, zero duplicates, zero missing',
      met: heraldRate / baselineRate >= 0.8 && heraldCounts.duplicates === 0 && heraldCounts.missing === 0,
      sendsInFlight: inFlight,
    };
  } finally {
    await sink.close();
  }
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
