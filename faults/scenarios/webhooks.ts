import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import nodemailer from 'nodemailer';
import { attemptWebhook, type WebhookDelivery } from '../../activities/webhooks';
import { firstAttemptTimeoutMs, retryAttemptTimeoutMs, webhookDeliveryWorkflowId, webhookEndpointId, webhookRetryScheduleMs } from '../../domain/webhooks/delivery';
import { newWebhookSecret, verifyWebhook, webhookIdFor } from '../../domain/webhooks';
import type { webhookDeliveryWorkflow, WebhookRetryOutcome } from '../../workflows/webhook-delivery';
import { testEnv, uniqueName } from '../../tests/support/env';
import { workerConfig } from '../../tests/support/harness';
import type { TimeSkippingSuite } from '../../tests/support/time-skipping';
import { waitFor } from '../../tests/support/wait';
import { seconds, type FaultMode, type FaultResult } from '../support/result';

/** How an endpoint misbehaves. `slow` stalls past the timeout a number of times, then accepts. */
type Behaviour = 'slow' | 'error' | 'gone' | 'redirect' | 'tls';
const behaviours: Behaviour[] = ['slow', 'error', 'gone', 'redirect', 'tls'];

/** How often the slow endpoint stalls: once in the quick run (the dispatch's 5 s), three times in the full one (5 s, then 15 s twice). */
const stalls = { quick: 1, full: 3 };

interface Receiver {
  url: string;
  /** Requests each path saw, with the webhook-id and whether it was answered 2xx (processed). */
  seen: { path: string; webhookId: string; processed: boolean; at: number }[];
  close(): Promise<void>;
}

/**
 * One HTTP server that misbehaves per path: /slow never answers its first `stall` requests (the
 * connection is dropped after 30 s), then answers 204; /error 500; /gone 410; /redirect 302 to an
 * endpoint that would accept (never followed). `https://` URLs to it fail the TLS handshake.
 */
async function misbehavingReceiver(secret: string, stall: number): Promise<Receiver> {
  const seen: Receiver['seen'] = [];
  const sockets = new Set<Socket>();
  let slowSeen = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('/')[1] ?? '';
      const verdict = verifyWebhook(secret, req.headers, Buffer.concat(chunks).toString('utf8'), { now: new Date() });
      const webhookId = verdict.valid ? verdict.id : 'unsigned';
      const record = (processed: boolean) => seen.push({ path, webhookId, processed, at: Date.now() });
      switch (path) {
        case 'slow':
          if (slowSeen++ < stall) {
            record(false);
            setTimeout(() => req.socket.destroy(), 30_000).unref();
            return;
          }
          record(true);
          res.writeHead(204).end();
          return;
        case 'error':
          record(false);
          res.writeHead(500).end('boom');
          return;
        case 'gone':
          record(false);
          res.writeHead(410).end();
          return;
        case 'redirect':
          record(false);
          res.writeHead(302, { location: '/slow' }).end();
          return;
        default:
          record(false);
          res.writeHead(404).end();
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** The retry timers a delivery's workflow started, in milliseconds. */
async function timersOf(t: TimeSkippingSuite, workflowId: string): Promise<number[]> {
  const history = await t.env.client.workflow.getHandle(workflowId).fetchHistory();
  return history.events!
    .map((e) => e.timerStartedEventAttributes?.startToFireTimeout)
    .filter((d) => d)
    .map((d) => Number(d!.seconds) * 1000 + Math.round((d!.nanos ?? 0) / 1e6));
}

/**
 * Customer webhook receivers that misbehave (issue 16): slow past the timeout, 500s, 410 Gone,
 * TLS errors and redirects, each as a customer's only endpoint. Each delivery is made as Herald
 * makes it: the first attempt as the incident's dispatch makes it (5 s timeout), a failed one
 * handed to its retry workflow on the time-skipping server with the real activities. Measured:
 * the retry timers against the documented schedule, the endpoint disabled at once on 410 and
 * after 10 failures in a row (a second delivery to the failing endpoint), its owner told once,
 * the slow endpoint's delivery accepted once, and no redirect followed.
 */
export async function webhookReceiversScenario(t: TimeSkippingSuite, mode: FaultMode): Promise<FaultResult> {
  const secret = newWebhookSecret(randomBytes(32));
  const receiver = await misbehavingReceiver(secret, stalls[mode]);
  const mailer = nodemailer.createTransport({ url: testEnv().smtpUrl } as never);
  const config = { ...workerConfig('http://status.herald.test'), escalationEmails: [`escalation@${t.domain}`] };
  const deps = { store: t.store, mailer, config };
  const problems: string[] = [];
  try {
    const endpoints = await Promise.all(behaviours.map(async (b) => {
      const customerId = uniqueName(`wh-${b}`).toLowerCase();
      const owner = `owner-${customerId}@${t.domain}`;
      const url = b === 'tls' ? `${receiver.url.replace('http:', 'https:')}/tls` : `${receiver.url}/${b}`;
      await t.store.models.Customer.create({
        customerId, name: `Hooks ${b}`, tier: 'business', locale: 'en', emails: [owner], subscriptions: ['api'], webhooks: [{ url, secret }],
      });
      return { behaviour: b, customerId, owner, url, endpointId: webhookEndpointId(customerId, url) };
    }));
    const incidentId = uniqueName('INC-WHF');
    const delivery = (e: (typeof endpoints)[number], version: number): WebhookDelivery => ({
      incidentId, severity: 'SEV2', category: 'outage', version, phase: 'identified', subject: `API errors (update ${version})`,
      text: 'We found the cause and are rolling out a fix.', publishedAt: new Date().toISOString(), customerId: e.customerId, endpointUrl: e.url,
    });

    const started = Date.now();
    const outcomes = await t.withWorker(async (taskQueue) => {
      const deliver = async (e: (typeof endpoints)[number], version: number) => {
        const d = delivery(e, version);
        const workflowId = webhookDeliveryWorkflowId(webhookIdFor(d.incidentId, d.version, d.endpointUrl));
        // The dispatch's own attempt: one request, 5 s to answer, never retried in place.
        const first = await attemptWebhook(deps, d, { secret }, 1, { timeoutMs: firstAttemptTimeoutMs });
        if (first.outcome !== 'failed') return { e, version, workflowId, result: { outcome: first.outcome, attempts: 1 } as WebhookRetryOutcome, timers: [] as number[] };
        const handle = await t.env.client.workflow.start<typeof webhookDeliveryWorkflow>('webhookDeliveryWorkflow', {
          taskQueue, workflowId, args: [{ delivery: d, attemptsMade: 1 }],
        });
        const result = await handle.result();
        return { e, version, workflowId, result, timers: await timersOf(t, workflowId) };
      };
      // One at a time: the time-skipping server skips a workflow's timers while its result is awaited.
      const firstRound = [];
      for (const e of endpoints) firstRound.push(await deliver(e, 1));
      // A second incident update to the endpoint that keeps failing: its 9th and 10th failures in a row disable it.
      const second = await deliver(endpoints.find((e) => e.behaviour === 'error')!, 2);
      return [...firstRound, second];
    });

    const byBehaviour = (b: Behaviour, version = 1) => outcomes.find((o) => o.e.behaviour === b && o.version === version)!;
    const fullSchedule = webhookRetryScheduleMs.slice(1);
    for (const b of ['error', 'redirect', 'tls'] as const) {
      const o = byBehaviour(b);
      if (o.result.outcome !== 'exhausted' || o.result.attempts !== 8) problems.push(`${b}: ${JSON.stringify(o.result)}, not 8 attempts exhausted`);
      if (JSON.stringify(o.timers) !== JSON.stringify(fullSchedule)) problems.push(`${b}: timers ${o.timers.join(',')} differ from the schedule`);
    }
    const again = byBehaviour('error', 2);
    if (again.result.outcome !== 'endpoint-disabled' || again.result.attempts !== 3) problems.push(`error v2: ${JSON.stringify(again.result)}, not disabled after the 10th failure`);
    const gone = byBehaviour('gone');
    if (gone.result.outcome !== 'endpoint-disabled' || gone.result.attempts !== 1) problems.push(`gone: ${JSON.stringify(gone.result)}, retried after 410`);
    const slow = byBehaviour('slow');
    if (slow.result.outcome !== 'sent' || slow.result.attempts !== stalls[mode] + 1) problems.push(`slow: ${JSON.stringify(slow.result)}`);
    if (JSON.stringify(slow.timers) !== JSON.stringify(fullSchedule.slice(0, stalls[mode]))) problems.push(`slow: timers ${slow.timers.join(',')}`);

    // The endpoints' state, and one notice to each disabled endpoint's owner.
    const states = new Map((await t.store.models.WebhookEndpoint.find({ _id: { $in: endpoints.map((e) => e.endpointId) } }).lean()).map((s) => [s._id, s]));
    const disabled = endpoints.filter((e) => states.get(e.endpointId)?.disabled).map((e) => e.behaviour).sort();
    if (JSON.stringify(disabled) !== JSON.stringify(['error', 'gone'])) problems.push(`disabled: ${disabled.join(',')}`);
    for (const e of endpoints.filter((x) => x.behaviour === 'error' || x.behaviour === 'gone')) {
      const mails = await waitFor(() => t.mailpit.search(`to:"${e.owner}"`), (m) => m.length >= 1, `the notice to ${e.owner}`);
      if (mails.length !== 1 || !/Webhook endpoint disabled/.test(mails[0].Subject)) problems.push(`${e.behaviour}: ${mails.length} notices to the owner`);
    }

    // At the receiver: no redirect followed (nothing reached /slow from the redirecting endpoint), one accepted request per webhook-id.
    const processed = receiver.seen.filter((s) => s.processed);
    const ids = new Set(processed.map((s) => s.webhookId));
    const slowId = webhookIdFor(incidentId, 1, byBehaviour('slow').e.url);
    const lost = processed.some((s) => s.webhookId === slowId) ? 0 : 1;
    const redirectFollowed = receiver.seen.filter((s) => s.path === 'slow' && s.webhookId === webhookIdFor(incidentId, 1, byBehaviour('redirect').e.url)).length;
    if (redirectFollowed) problems.push(`redirect followed ${redirectFollowed} times`);
    const slowSeen = receiver.seen.filter((s) => s.webhookId === slowId);
    // The last stall ends when Herald gives up waiting on it: 5 s for the dispatch's attempt, 15 s for a retry's.
    const stalled = slowSeen.filter((s) => !s.processed);
    const lastStall = (stalled.at(-1)?.at ?? started) + (stalled.length > 1 ? retryAttemptTimeoutMs : firstAttemptTimeoutMs);
    const accepted = slowSeen.find((s) => s.processed)?.at ?? Date.now();
    // Every request the receiver did not accept, and every attempt at the TLS endpoint (none reaches the receiver).
    const failedAttempts = receiver.seen.filter((x) => !x.processed).length + byBehaviour('tls').result.attempts;
    return {
      scenario: 'webhook-receivers',
      faultsInjected: failedAttempts,
      inFlight: outcomes.length,
      lost,
      duplicated: processed.length - ids.size,
      clientErrors: problems.length,
      recoverySeconds: seconds(accepted - lastStall),
      details: {
        problems,
        attempts: Object.fromEntries(outcomes.map((o) => [`${o.e.behaviour}-v${o.version}`, { outcome: o.result.outcome, attempts: o.result.attempts, timersMs: o.timers }])),
        disabled, requestsAtReceiver: receiver.seen.length, stalls: stalls[mode], wallSeconds: seconds(Date.now() - started),
      },
    };
  } finally {
    mailer.close();
    await receiver.close();
  }
}
