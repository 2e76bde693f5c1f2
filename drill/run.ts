import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { createActivities } from '../activities';
import type { ActivityConfig } from '../activities/deps';
import { createApp } from '../api/app';
import type { ApiKey } from '../config/api-keys';
import { drillWeights } from '../config/drills';
import { workflowIdFor } from '../domain/incident';
import { parseDuration, scenarioLength, type DrillScript, type Inject } from '../domain/drills/script';
import { drillTrend, scoreDrill, type DrillFacts, type Scorecard } from '../domain/drills/score';
import { connectStore, type Store } from '../store/connect';
import { drillRunsOf } from '../store/drill-runs';
import { alertSignal } from '../workflows/messages';
import { searchAttributeKeys } from '../workflows/search-attributes';
import { createMailer, workflowsPath } from '../workers/worker';
import { drillClock } from './clock';
import { copyIntoSandbox, sandboxMailer, startSandboxReceiver, type SandboxMail, type SandboxRequest } from './sandbox';

/**
 * Runs a drill script on Herald's real workflow code and real activities, in a sandbox
 * (drill/sandbox.ts), on the Temporal time-skipping test server: instant mode jumps from inject to
 * inject (every timer in between fires at its moment of scenario time), speed mode lets scenario
 * time run N times faster than the wall. Scripted participants act through the REST API, as
 * people do; live participants use the API the runner prints, or the CLI against it.
 */

export type DrillMode = { kind: 'instant' } | { kind: 'speed'; speed: number };

export interface DrillRunOptions {
  script: DrillScript;
  mode: DrillMode;
  /** Herald's store: the configuration the sandbox copies, and where the scorecard is kept. */
  mongoUri: string;
  dbName?: string;
  /** The sandbox SMTP server (a Mailpit); without it mail is built, recorded and sent nowhere. */
  sandboxSmtpUrl?: string;
  /** The time-skipping test server binary (stack/tools.ts builds it). */
  testServerPath: string;
  /** A prebuilt workflow bundle; the worker bundles the workflow code itself without one. */
  workflowBundlePath?: string;
  /** Keys of live participants, added to the runner's own. */
  apiKeys?: ApiKey[];
  /** The sandbox API's port (live drills print it); any free port by default. */
  port?: number;
  config?: Partial<ActivityConfig>;
  log?: (line: string) => void;
}

export interface DrillRunResult {
  runId: string;
  incidentId: string;
  scorecard: Scorecard;
  mail: SandboxMail[];
  webhooks: SandboxRequest[];
  injects: { at: string; kind: string; outcome: string }[];
  wallMs: number;
  scenarioMs: number;
  apiUrl: string;
  mode: string;
  /** This drill's runs in Herald's store, oldest first, this one last: the overall score and its change. */
  trend: ReturnType<typeof drillTrend>;
  /** The drill incident's audit trail and detection time (its timeline: domain/timeline), read before the sandbox is dropped. */
  audit: DrillFacts['audit'];
  detectedAt: string;
}

const quiet = () => undefined;
/** The bundler's progress is not the drill's output (`--json` owns stdout). */
const quietBundler = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: (m: string) => process.stderr.write(`${m}\n`) };

/** The actions people take; a live drill leaves them to the participants. */
const participantActions = new Set<Inject['kind']>(['approve', 'update', 'decision', 'resolve']);

async function startTestServer(path: string): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
      const searchAttributes = Object.fromEntries(Object.values(searchAttributeKeys).map((k) => [k.name, encodeSearchAttributeIndexedValueType(k.type)!]));
      await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace ?? 'default', searchAttributes })
        .catch(async (err: unknown) => { await env.teardown(); throw err; });
      return env;
    } catch (err) {
      // Its start can lose a race for the port it was handed, or miss the SDK's 5 s to listen
      // while the machine is busy: the machine, not the drill. Later attempts wait for the load to pass.
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, attempt * 2000));
    }
  }
}

export async function runDrill(opts: DrillRunOptions): Promise<DrillRunResult> {
  const { script } = opts;
  const log = opts.log ?? (() => undefined);
  const started = Date.now();
  const runId = `${script.name}-${new Date(started).toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
  const incidentId = script.incident.id ?? `DRILL-${randomBytes(4).toString('hex')}`;
  const keys = {
    responder: `drill-responder-${randomBytes(12).toString('hex')}`,
    approver: `drill-approver-${randomBytes(12).toString('hex')}`,
  };
  const apiKeys: ApiKey[] = [
    { key: keys.responder, name: 'Drill Responder', email: 'drill-responder@drill.herald.invalid', roles: ['responder', 'manager'] },
    { key: keys.approver, name: 'Drill Approver', email: 'drill-approver@drill.herald.invalid', roles: ['approver'], approverRoles: ['legal', 'pr', 'executive', 'dpo'] },
    ...(opts.apiKeys ?? []),
  ];

  const home: Store = await connectStore(opts.mongoUri, opts.dbName);
  const sandbox: Store = await connectStore(opts.mongoUri, `herald_drill_${runId.replace(/-/g, '_')}`.slice(0, 60));
  const receiver = await startSandboxReceiver();
  const { mailer, sent } = sandboxMailer(opts.sandboxSmtpUrl, createMailer);
  let env: TestWorkflowEnvironment | undefined;
  let server: Server | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const injects: DrillRunResult['injects'] = [];
  try {
    const copied = await copyIntoSandbox(home, sandbox, receiver.url);
    log(`sandbox: ${Object.entries(copied).map(([k, v]) => `${v} ${k}`).join(', ')}; every endpoint at ${receiver.url}`);
    env = await startTestServer(opts.testServerPath);
    const taskQueue = `drill-${runId}`;
    server = await new Promise<Server>((resolve) => {
      const s = createApp({
        temporal: env!.client, store: sandbox, mailer, taskQueue, apiKeys, publicUrl: 'http://drill.herald.invalid',
        drill: { now: () => env!.currentTimeMs() },
        // An Update the incident never answers is the sandbox's 504 and the inject's outcome, not a hung drill.
        requestTimeoutMs: 30_000,
      }).listen(opts.port ?? 0, '127.0.0.1', () => resolve(s));
    });
    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const publicUrl = apiUrl;
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: opts.workflowBundlePath ? { codePath: opts.workflowBundlePath } : { code: (await bundleWorkflowCode({ workflowsPath, logger: quietBundler })).code },
      activities: createActivities({
        store: sandbox, mailer,
        config: {
          fromAddress: 'Herald Drill <drill@drill.herald.invalid>', messageIdDomain: 'drill.herald.invalid', escalationEmails: ['comms-backup@drill.herald.invalid'],
          ...opts.config, publicUrl, sandbox: true,
        },
      }),
    });
    running = worker.run();
    log(`sandbox API ${apiUrl} (responder key ${keys.responder}, approver key ${keys.approver}); clock ${opts.mode.kind === 'instant' ? 'instant' : `${opts.mode.speed}x`}`);

    const call = async (method: string, path: string, key: string, body?: unknown) => {
      const res = await fetch(`${apiUrl}${path}`, {
        method, signal: AbortSignal.timeout(60_000), headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the API's answers, read field by field as a client does
      let json: any;
      try { json = JSON.parse(text); } catch { json = undefined; }
      return { status: res.status, body: json, text };
    };
    const handle = env.client.workflow.getHandle(workflowIdFor(incidentId));

    const declared = await call('POST', '/v1/incidents', keys.responder, {
      id: incidentId, title: script.incident.title, category: script.incident.category, severity: script.incident.severity,
      components: script.incident.components, summary: script.incident.summary,
      ...(script.incident.scope ? { scope: script.incident.scope } : {}),
      ...(script.incident.tags ? { tags: script.incident.tags } : {}),
      ...(script.incident.fields ? { fields: script.incident.fields } : {}),
    });
    if (declared.status !== 201) throw new Error(`the drill's incident was not declared: ${declared.status} ${declared.text}`);
    log(`declared ${incidentId}: ${script.incident.title}`);
    // Scenario time runs from the detection, which the API read from the drill's clock.
    const detectedAt = Date.parse((await call('GET', `/v1/incidents/${incidentId}`, keys.responder)).body?.detectedAt ?? '');
    const clock = await drillClock({
      env, client: env.client, incident: handle, ...(opts.mode.kind === 'speed' ? { speed: opts.mode.speed } : {}), ...(Number.isFinite(detectedAt) ? { origin: detectedAt } : {}), log,
    });
    const { settle, advanceTo } = clock;
    const scenarioNow = clock.now;
    /** Every action goes in where no timer is about to fire (drill/clock.ts). */
    const act = async (method: string, path: string, key: string, body?: unknown) => {
      await clock.clear();
      return call(method, path, key, body);
    };
    await settle();

    for (const inject of script.injects) {
      await advanceTo(parseDuration(inject.at)!);
      if (script.participants === 'live' && participantActions.has(inject.kind)) {
        injects.push({ at: inject.at, kind: inject.kind, outcome: 'left to the participants' });
        continue;
      }
      const outcome = await perform(inject);
      injects.push({ at: inject.at, kind: inject.kind, outcome });
      log(`+${inject.at} ${inject.kind}: ${outcome}`);
      await settle();
    }
    await advanceTo(scenarioLength(script));
    await settle();

    async function perform(inject: Inject): Promise<string> {
      const on = (path: string) => `/v1/incidents/${incidentId}${path}`;
      const answered = (r: { status: number; body?: { message?: string }; text: string }) => (r.status < 300 ? `${r.status}` : `${r.status} ${r.body?.message ?? r.text}`.slice(0, 300));
      switch (inject.kind) {
        case 'alert': {
          const view = (await call('GET', on(''), keys.responder)).body;
          await clock.clear();
          await handle.signal(alertSignal, {
            source: 'generic', fingerprint: inject.fingerprint ?? `drill-${script.name}`, status: inject.status, alertName: inject.alertName,
            severity: view?.severity ?? script.incident.severity, components: script.incident.components,
            receivedAt: new Date(await env!.currentTimeMs()).toISOString(), labels: { drill: script.name },
          });
          return 'signalled';
        }
        case 'severity':
          return answered(await act('POST', on('/classification'), keys.responder, { severity: inject.severity }));
        case 'tag':
          return answered(await act('POST', on('/classification'), keys.responder, { addTags: inject.tags }));
        case 'root-cause':
          return answered(await act('POST', on('/root-cause'), keys.responder, { statement: inject.statement }));
        case 'vendor': {
          // Naming a vendor is what a responder does through the API: the vendor tag (the playbook's
          // third-party rules) and a war-room decision that says who and why.
          const tagged = await act('POST', on('/classification'), keys.responder, { addTags: ['vendor'] });
          if (tagged.status >= 300) return `tag ${answered(tagged)}`;
          const decided = await act('POST', on('/decisions'), keys.responder, { what: `The vendor at fault is ${inject.vendor}`, why: inject.note ?? `${inject.vendor} is named by the drill` });
          return `tagged vendor; decision ${answered(decided)}`;
        }
        case 'ticket-surge': {
          // Tickets go to the intake, not to the incident's workflow: no timer to keep clear of.
          let accepted = 0;
          for (let i = 0; i < inject.tickets; i++) {
            const r = await call('POST', '/v1/tickets', keys.responder, {
              externalId: `${incidentId}-t${i}`, subject: inject.subject, text: `${inject.subject} (drill ${script.name}, ticket ${i + 1} of ${inject.tickets})`,
              components: script.incident.components, createdAt: new Date(await env!.currentTimeMs()).toISOString(),
            });
            if (r.status < 300) accepted++;
            else if (i === 0) return answered(r);
          }
          return `${accepted} tickets`;
        }
        case 'briefing':
          return answered(await act('POST', on('/briefings'), keys.responder, {}));
        case 'blackout':
          return answered(await act('POST', on('/blackouts'), keys.responder, { minutes: inject.minutes, reason: inject.reason }));
        case 'decision':
          return answered(await act('POST', on('/decisions'), keys.responder, { what: inject.what, why: inject.why }));
        case 'regulatory':
          return answered(await act('POST', on('/regulatory'), keys.responder, { regime: inject.regime, ...(inject.individuals !== undefined ? { individuals: inject.individuals } : {}) }));
        case 'filed':
          return answered(await act('POST', on(`/regulatory/${inject.regime}/phases/${inject.phase}/filed`), keys.responder, {
            summary: inject.summary, sentTo: inject.sentTo, ...(inject.reference ? { reference: inject.reference } : {}),
          }));
        case 'update': {
          const view = (await call('GET', on(''), keys.responder)).body;
          const drafted = await act('POST', on('/drafts'), keys.responder, {
            baseVersion: view?.currentDraft?.version ?? 0, subject: inject.subject, text: inject.text, phase: inject.phase,
          });
          if (drafted.status >= 300 || !inject.publish) return answered(drafted);
          await settle();
          const version = (await call('GET', on(''), keys.responder)).body?.currentDraft?.version;
          return `drafted v${version}; publish ${answered(await act('POST', on('/publish'), keys.responder, { version }))}`;
        }
        case 'resolve':
          return answered(await act('POST', on('/resolve'), keys.responder, { summary: inject.summary }));
        case 'approve': {
          const view = (await call('GET', on(''), keys.responder)).body;
          const draft = view?.currentDraft;
          if (!draft || view.status !== 'awaiting-approval') return `nothing awaits approval (${view?.status})`;
          const signed = new Set((view.approvals as { version: number; role: string; decision: string }[]).filter((a) => a.version === draft.version && a.decision === 'approve').map((a) => a.role));
          const roles = (inject.as ?? (view.requiredApprovers as string[])).filter((r) => !signed.has(r));
          const out: string[] = [];
          for (const role of roles) out.push(`${role} ${answered(await act('POST', on('/approvals'), keys.approver, { version: draft.version, hash: draft.hash, as: role }))}`);
          return `v${draft.version}: ${out.join(', ') || 'already signed'}`;
        }
      }
    }

    // The facts: what the incident recorded, and what the sandbox's sinks received.
    const view = (await call('GET', `/v1/incidents/${incidentId}`, keys.responder)).body;
    const audit = await sandbox.models.AuditRecord.find({ incidentId }).sort({ seq: 1 }).lean();
    const nearMisses = await sandbox.models.NearMiss.find({ incidentId }).lean();
    const audienceRes = await call('GET', `/v1/audience?incident=${encodeURIComponent(incidentId)}`, keys.responder);
    const audience = ((audienceRes.body?.customers ?? []) as { customerId: string; emails: string[]; channels: string[] }[]).map((c) => ({
      customerId: c.customerId, emails: c.emails, webhooks: c.channels.includes('webhook'),
    }));
    const customerAddresses = new Set(audience.flatMap((a) => a.emails.map((e) => e.toLowerCase())));
    const ofIncident = sent.filter((m) => m.messageId.includes(incidentId) || m.subject.includes(incidentId));
    const emails = ofIncident.flatMap((m) => m.to.filter((t) => customerAddresses.has(t.toLowerCase())).map((to) => ({ to, messageId: m.messageId, subject: m.subject })));
    const internalNotices = sent.filter((m) => m.to.every((t) => !customerAddresses.has(t.toLowerCase()))).length;
    const hooks = receiver.requests.filter((r) => r.customerId && r.webhookId && r.body.includes(incidentId));
    const firstPage = new Map<number, number>();
    const channelLag: Record<string, number[]> = {};
    for (const r of audit.filter((a) => a.step === 'published')) {
      const d = r.details as { channel?: string; version?: number };
      if (typeof d.version !== 'number' || !d.channel) continue;
      const at = new Date(r.at).getTime();
      if (d.channel === 'status-page') firstPage.set(d.version, at);
      else if (firstPage.has(d.version)) (channelLag[d.channel] ??= []).push(Math.round(((at - firstPage.get(d.version)!) / 60_000) * 100) / 100);
    }
    const facts: DrillFacts = {
      incident: {
        id: incidentId, severity: view.severity, category: view.category, detectedAt: view.detectedAt, firstMessageDueAt: view.firstMessageDueAt,
        resolvedAt: view.resolvedAt, status: view.status, published: view.published, deadlines: view.deadlines, blockedBy: view.blockedBy,
      },
      audit: audit.map((a) => ({ seq: a.seq, step: a.step, at: new Date(a.at).toISOString(), details: (a.details ?? {}) as Record<string, unknown> })),
      nearMisses: nearMisses.map((n) => ({ kind: n.kind })),
      // The incident's regulatory clocks (X3) and its contractual notice periods (M1.4), as its view shows them.
      clocks: [
        ...((view.regulatoryClocks ?? []) as { regime: string; phase: string; status: string; deadline?: string }[])
          .map((c) => ({ id: `${c.regime}/${c.phase}`, state: c.status, ...(c.deadline ? { dueAt: c.deadline } : {}) })),
        ...((view.contractualNotices ?? []) as { tiers: string[]; status: string; deadline: string }[])
          .map((n) => ({ id: `contract/${n.tiers.join('+')}`, state: n.status, dueAt: n.deadline })),
      ],
      audience,
      inScope: script.incident.customers ?? [],
      emails,
      webhooks: hooks.map((h) => ({ customerId: h.customerId!, webhookId: h.webhookId! })),
      internalNotices,
      channelLag,
    };
    const scenarioMs = await scenarioNow();
    const scorecard = scoreDrill(script, facts, drillWeights(), scenarioMs);
    const wallMs = Date.now() - started;
    const mode = opts.mode.kind === 'instant' ? 'instant' : `speed ${opts.mode.speed}`;
    await home.models.DrillRun.create({
      _id: runId, drill: script.name, title: script.title, mode,
      startedAt: new Date(started), finishedAt: new Date(), wallMs, scenarioMs, incidentId, overall: scorecard.score.overall, scorecard, injects,
      mail: ofIncident.map((m) => ({ to: m.to, subject: m.subject, messageId: m.messageId })),
      webhooks: hooks.map((h) => ({ customerId: h.customerId, webhookId: h.webhookId, path: h.path })),
    });
    const trend = drillTrend((await drillRunsOf(home.models, script.name)).map((r) => ({ runId: r._id, finishedAt: r.finishedAt.toISOString(), overall: r.overall })));
    return { runId, incidentId, scorecard, mail: ofIncident, webhooks: hooks, injects, wallMs, scenarioMs, apiUrl, mode, trend, audit: facts.audit, detectedAt: view.detectedAt };
  } finally {
    if (worker && worker.getState() === 'RUNNING') worker.shutdown();
    await running?.catch(() => undefined);
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    mailer.close();
    await env?.teardown().catch(() => undefined);
    await receiver.close();
    await sandbox.conn.dropDatabase().catch(() => undefined);
    await sandbox.close();
    await home.close();
  }
}
