import { WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { alertSecret } from '../config/alerts';
import { alertIncidentId } from '../domain/alerts';
import { workflowIdFor } from '../domain/incident';
import { startBaselineWorker } from './baseline-worker';
import { startHeraldStack } from './herald-stack';
import { round, sleep, summary, terminateAll } from './measure';
import { pokeSignal } from './noop-workflow';
import type { BenchEnv } from './run';
import { startTimedSink } from './timed-sink';

/**
 * `first-message`: N incidents (BENCH_FIRST_MESSAGE_INCIDENTS, default 200) opened one after
 * another by an Alertmanager webhook to the API in this process. A HighErrorRate alert with
 * severity "warning" on component "api" maps to a SEV3 outage, whose playbook needs no approver,
 * so Herald publishes the first message by itself. Per incident: from sending the webhook to
 * (a) the subscriber's email accepted by the SMTP sink (timestamped in the sink's own process)
 * and (b) /status.json showing the message; the first message is out when both are.
 * Baseline, alternating with Herald in the same run: an HTTP request that signals-with-start a
 * workflow running one no-op activity, awaited to its result.
 */
const pollMs = 10;
const timeoutMs = 30_000;

function alertmanagerPayload(fingerprint: string) {
  const labels = { alertname: 'HighErrorRate', severity: 'warning', component: 'api', bench: fingerprint };
  const title = 'Public API error rate above 5%';
  return {
    version: '4', groupKey: `{}:{alertname="HighErrorRate"}`, truncatedAlerts: 0, status: 'firing', receiver: 'herald',
    groupLabels: { alertname: 'HighErrorRate' }, commonLabels: labels, commonAnnotations: { summary: title },
    externalURL: 'http://alertmanager.bench:9093',
    alerts: [{
      status: 'firing', labels, annotations: { summary: title, description: 'Requests to the public API fail more often than usual.' },
      startsAt: new Date().toISOString(), endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://prometheus.bench:9090/graph', fingerprint,
    }],
  };
}

/**
 * Where one incident's time went until its workflow started the email: each activity and child
 * workflow, from scheduling to completion, in ms after the workflow started (server clock).
 */
async function timeline(client: Client, workflowId: string) {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const ms = (e: (typeof events)[number]) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
  const origin = ms(events[0]);
  const steps: { step: string; from: number; to?: number }[] = [];
  const byEventId = new Map<string, (typeof steps)[number]>();
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes?.activityType?.name ?? e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name;
    if (scheduled) {
      const step = { step: scheduled, from: ms(e) - origin };
      steps.push(step);
      byEventId.set(String(e.eventId), step);
    }
    const done = e.activityTaskCompletedEventAttributes?.scheduledEventId ?? e.childWorkflowExecutionCompletedEventAttributes?.initiatedEventId;
    const step = done !== undefined && done !== null ? byEventId.get(String(done)) : undefined;
    if (step) step.to = ms(e) - origin;
  }
  return steps.map((x) => `${x.step} ${x.from}-${x.to ?? '…'}`);
}

async function statusShows(baseUrl: string, incidentId: string, deadline: number): Promise<number> {
  for (;;) {
    const res = await fetch(`${baseUrl}/status.json`);
    const body = (await res.json()) as { activeIncidents: { id: string; updates: unknown[] }[] };
    if (body.activeIncidents.some((i) => i.id === incidentId && i.updates.length > 0)) return Date.now();
    if (Date.now() > deadline) throw new Error(`status API did not show ${incidentId} within ${timeoutMs} ms`);
    await sleep(pollMs);
  }
}

/** The baseline's front door: like the alert route, one HTTP request that signals-with-start a workflow. */
async function startBaselineApi(client: Client, taskQueue: string) {
  const server = http.createServer((req, res) => {
    const workflowId = decodeURIComponent(req.url!.slice(1));
    req.resume();
    req.on('end', () => {
      client.workflow
        .signalWithStart('noopWorkflow', {
          workflowId, taskQueue, args: [], signal: pokeSignal, signalArgs: ['bench'],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        })
        .then(
          () => res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}'),
          (err: unknown) => res.writeHead(500).end(String(err)),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function firstMessageBench(env: BenchEnv) {
  const incidents = Number(process.env.BENCH_FIRST_MESSAGE_INCIDENTS ?? 200);
  const warmup = Number(process.env.BENCH_FIRST_MESSAGE_WARMUP ?? 3);
  const runId = `${process.pid}-${Date.now().toString(36)}`;
  const subscriber = `oncall@first-message.${runId}.test`;
  const sink = await startTimedSink();
  const stack = await startHeraldStack(env, {
    name: `first-${runId}`, smtpUrl: sink.url, api: true,
    customers: [{ customerId: 'bench-customer', name: 'Bench Customer', tier: 'business', locale: 'en', emails: [subscriber], subscriptions: ['api'] }],
  });
  const baselineQueue = `bench-noop-${runId}`;
  const baselineWorker = await startBaselineWorker(env.temporalAddress, baselineQueue);
  const baselineApi = await startBaselineApi(stack.client, baselineQueue);
  /** Started and not yet known closed: what cleanup terminates. */
  const open = new Set<string>();
  const secret = alertSecret();

  async function heraldOnce(i: number) {
    const fingerprint = `bench-${runId}-${i}`;
    const incidentId = alertIncidentId(fingerprint);
    const body = JSON.stringify(alertmanagerPayload(fingerprint));
    const t0 = Date.now();
    const email = sink.acceptedAfter(subscriber, t0, timeoutMs);
    const status = statusShows(stack.baseUrl!, incidentId, t0 + timeoutMs);
    const both = Promise.all([email, status]);
    both.catch(() => undefined);
    const res = await fetch(`${stack.baseUrl}/v1/alerts/alertmanager`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, body,
    });
    const answered = Date.now();
    const reply = (await res.json()) as { alerts?: { outcome: string }[] };
    open.add(workflowIdFor(incidentId));
    if (res.status !== 202 || reply.alerts?.[0]?.outcome !== 'opened') throw new Error(`webhook answered ${res.status} ${JSON.stringify(reply)}`);
    const [emailAt, statusAt] = await both;
    // Each incident is closed before the next opens, so every one meets an idle worker.
    await terminateAll(stack.client, [workflowIdFor(incidentId)], 'bench done');
    open.delete(workflowIdFor(incidentId));
    return { workflowId: workflowIdFor(incidentId), email: emailAt - t0, status: statusAt - t0, both: Math.max(emailAt, statusAt) - t0, webhook: answered - t0 };
  }

  async function baselineOnce(i: number) {
    const workflowId = `bench-noop-${runId}-${i}`;
    const t0 = Date.now();
    const res = await fetch(`${baselineApi.url}/${encodeURIComponent(workflowId)}`, { method: 'POST', body: '{}' });
    await res.text();
    open.add(workflowId);
    if (res.status !== 202) throw new Error(`baseline start answered ${res.status}`);
    await stack.client.workflow.getHandle(workflowId).result();
    open.delete(workflowId);
    return Date.now() - t0;
  }

  try {
    for (let i = 0; i < warmup; i++) {
      await heraldOnce(-1 - i);
      await baselineOnce(-1 - i);
    }
    const herald: Awaited<ReturnType<typeof heraldOnce>>[] = [];
    const baseline: number[] = [];
    const began = Date.now();
    // Alternating, so that a change in the machine's load falls on both alike.
    for (let i = 0; i < incidents; i++) {
      herald.push(await heraldOnce(i));
      baseline.push(await baselineOnce(i));
      if ((i + 1) % 50 === 0) console.log(`first-message: ${i + 1}/${incidents}`);
    }
    const firstMessage = summary(herald.map((h) => h.both));
    // The incident nearest the median, step by step.
    const median = [...herald].sort((x, y) => Math.abs(x.both - firstMessage.p50) - Math.abs(y.both - firstMessage.p50))[0];
    const base = summary(baseline);
    return {
      incidents,
      warmupPerSide: warmup,
      unit: 'milliseconds from sending the webhook request',
      herald: {
        firstMessage: { what: 'email accepted by the SMTP server AND the status API showing the message (the later of the two)', ...firstMessage },
        emailAccepted: summary(herald.map((h) => h.email)),
        statusApiShows: summary(herald.map((h) => h.status)),
        webhookAnswered: summary(herald.map((h) => h.webhook)),
        medianIncident: {
          firstMessage: median.both, email: median.email, statusApi: median.status,
          steps: await timeline(stack.client, median.workflowId),
          stepsAre: 'activity or child workflow, scheduled-completed, ms after the workflow started (Temporal server clock)',
        },
        alert: 'Alertmanager v4, HighErrorRate severity=warning component=api: SEV3 outage, playbook outage-single, no approvers (auto-publish), 1 subscriber',
      },
      baseline: {
        what: 'HTTP request that signals-with-start a workflow running one no-op activity, awaited to its result; own bundle, own worker, own task queue; alternating with Herald',
        ...base,
      },
      ratio: round(firstMessage.p99 / base.p99, 2),
      ratioOf: 'Herald first-message p99 / baseline p99',
      goal: 'first-message p99 under 1000 ms',
      met: firstMessage.p99 < 1000,
      method: `SMTP acceptance timestamped by a local sink in its own process; status API polled every ${pollMs} ms (GET /status.json); API and Herald worker in this process; each incident terminated before the next`,
      seconds: round((Date.now() - began) / 1000),
    };
  } finally {
    await terminateAll(stack.client, [...open], 'bench done');
    await baselineApi.close();
    await baselineWorker.shutdown();
    await stack.close();
    await sink.close();
  }
}
