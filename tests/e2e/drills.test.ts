import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createActivities } from '../../activities';
import { readDrillFile } from '../../drill/file';
import { runDrill, type DrillRunResult } from '../../drill/run';
import { startMailpit, type MailpitServer } from '../../stack/servers';
import { demoCustomers } from '../../store/demo-data';
import { testEnv } from '../support/env';
import { harnessForFile, keys, workerConfig, workflowBundlePath } from '../support/harness';
import { Mailpit, type MailpitMessage } from '../support/mailpit';

// One scripted run of the SEV1 breach drill (3 h 35 min of scenario) serves every test: a run
// takes about half a minute of wall time on two cores.
jest.setTimeout(180_000);

const h = harnessForFile({ data: 'demo', worker: false });

const drillFile = path.join(__dirname, '../../drills/data-breach-eu-us.yaml');
const read = readDrillFile(drillFile);
if (!read.ok) throw new Error(`${drillFile}: ${JSON.stringify(read.issues)}`);
const script = read.script;

let sandboxSmtp: MailpitServer;
let sandboxMail: MailpitMessage[];
let run: DrillRunResult;

const customerAddresses = new Set(demoCustomers.flatMap((c) => c.emails.map((e) => e.toLowerCase())));
const customerOf = new Map(demoCustomers.flatMap((c) => c.emails.map((e) => [e.toLowerCase(), c.customerId] as const)));
/** The version a message carries in its Message-ID (<INCIDENT.vN.recipient@domain>, domain/messages). */
const versionOf = (messageId: string) => Number(/\.v(\d+)\./.exec(messageId)?.[1]);

beforeAll(async () => {
  const mailpitPath = process.env.MAILPIT_PATH;
  if (!mailpitPath) throw new Error('MAILPIT_PATH is not set: the drill starts a sandbox Mailpit of its own from it');
  sandboxSmtp = await startMailpit({ binary: mailpitPath });
  run = await runDrill({
    script, mode: { kind: 'instant' }, mongoUri: testEnv().mongoUri, dbName: h.dbName, sandboxSmtpUrl: sandboxSmtp.smtpUrl,
    testServerPath: testEnv().testServerPath(), workflowBundlePath: workflowBundlePath(),
  });
  sandboxMail = await new Mailpit(sandboxSmtp.apiUrl).all();
}, 170_000);

afterAll(async () => {
  await sandboxSmtp?.stop();
});

describe('drills', () => {
  it('[M6.6, X4] a scripted drill runs end to end and its scorecard agrees with what the sandbox Mailpit and webhook receiver received', async () => {
    const card = run.scorecard;
    expect(run.injects.map((i) => i.kind)).toEqual(script.injects.map((i) => i.kind));
    expect(run.injects.every((i) => !/^[45]\d\d/.test(i.outcome) && !/ [45]\d\d\b/.test(i.outcome))).toBe(true);
    // Every timer fired at its scenario time: the clock ran the whole scenario, the last inject plus its settling.
    expect(card.scenarioMinutes).toBe(215);

    // Customers, by email: each message (one Message-ID per version and recipient) the sandbox Mailpit holds for a customer address.
    const ofIncident = sandboxMail.filter((m) => m.MessageID.includes(run.incidentId));
    const toCustomers = ofIncident.filter((m) => m.To.some((t) => customerAddresses.has(t.Address.toLowerCase())));
    expect(toCustomers.length).toBeGreaterThan(0);
    expect(card.messages.emails).toBe(new Set(toCustomers.map((m) => m.MessageID)).size);
    // Everything else the sandbox Mailpit received went to people inside the company.
    expect(card.messages.internal).toBe(sandboxMail.filter((m) => m.To.every((t) => !customerAddresses.has(t.Address.toLowerCase()))).length);

    // Customers, by webhook: the signed requests the sandbox receiver took, one webhook-id each.
    const hooks = run.webhooks.map((r) => ({ id: r.headers['webhook-id'], customerId: r.customerId, body: JSON.parse(r.body) as { timestamp: string; data: { incidentId: string; version: number } } }));
    expect(hooks.length).toBeGreaterThan(0);
    expect(hooks.every((w) => w.body.data.incidentId === run.incidentId)).toBe(true);
    expect(card.messages.webhooks).toBe(new Set(hooks.map((w) => w.id)).size);

    // The status page: every version the incident published reached customers by email and by webhook.
    const versionsMailed = [...new Set(toCustomers.map((m) => versionOf(m.MessageID)))].sort();
    const versionsHooked = [...new Set(hooks.map((w) => w.body.data.version))].sort();
    expect(versionsMailed).toHaveLength(card.messages.statusPage);
    expect(versionsHooked).toEqual(versionsMailed);

    // Time to the first external message: the webhook payload's publication time of the earliest version, from detection.
    const first = Math.min(...hooks.map((w) => Date.parse(w.body.timestamp)));
    expect(Math.min(...versionsMailed)).toBe(card.firstMessage.version);
    expect(card.firstMessage.minutes).toBeCloseTo((first - Date.parse(card.detectedAt)) / 60_000, 1);
    // The drill signs v1 with all four roles at +8 min: the first notice follows the last sign-off.
    expect(card.firstMessage.minutes).toBeGreaterThanOrEqual(8);
    expect(card.firstMessage.met).toBe(card.firstMessage.minutes! <= card.firstMessage.deadlineMinutes!);

    // Coverage: both customers the drill names heard, by email, in the sandbox.
    const heard = new Set(toCustomers.flatMap((m) => m.To.map((t) => customerOf.get(t.Address.toLowerCase())).filter(Boolean)));
    for (const c of script.incident.customers ?? []) expect(heard.has(c)).toBe(true);
    expect(card.coverage.missing).toEqual([]);
    expect(card.coverage.audiences).toEqual([{ audience: 'customers', expected: 1, got: card.messages.emails, ok: true }]);
    // [X3] Regulatory clocks met: the GDPR clock (by the playbook rule, at declaration) and the 8-K clock (the determination at +1 h 30 min),
    // both filed before their deadlines; the deadlines are those the sandbox Mailpit's "clock started" notices announced.
    const gdpr = card.regulatory.find((r) => r.regime === 'gdpr' && r.phase === 'authority-notification')!;
    const form8k = card.regulatory.find((r) => r.regime === 'sec-8k' && r.phase === 'form-8k')!;
    expect(gdpr).toMatchObject({ deadline: new Date(Date.parse(card.detectedAt) + 72 * 3_600_000).toISOString(), met: true });
    expect((Date.parse(gdpr.deadline) - Date.parse(gdpr.metAt!)) / 60_000).toBeCloseTo(gdpr.marginMinutes!, 1);
    expect(gdpr.marginMinutes).toBeCloseTo(72 * 60 - 150, 0);
    expect(form8k.met).toBe(true);
    expect(form8k.marginMinutes).toBeCloseTo((Date.parse(form8k.deadline) - Date.parse(form8k.metAt!)) / 60_000, 1);
    const started = sandboxMail.filter((m) => m.Subject.includes(run.incidentId) && m.Subject.includes('clock started'));
    const startedText = (await Promise.all(started.map((m) => new Mailpit(sandboxSmtp.apiUrl).text(m.ID)))).join('\n');
    for (const r of [gdpr, form8k]) expect(startedText).toContain(`due ${r.deadline.replace('.000Z', 'Z')}`);
    expect(card.score.parts.find((p) => p.part === 'regulatory')).toMatchObject({ weight: 15, value: card.regulatory.filter((r) => r.met).length / card.regulatory.length });

    // Approval latency per role: legal and the DPO sign v1 at +5 min, PR and the executive at +8 min.
    expect(Object.keys(card.approvals.byRole).sort()).toEqual(['dpo', 'executive', 'legal', 'pr']);

    // Kept in Herald's store with the drill's trend, this run last.
    const stored = await h.store.models.DrillRun.findById(run.runId).lean();
    expect(stored).toMatchObject({ drill: script.name, incidentId: run.incidentId, overall: card.score.overall, mode: 'instant' });
    expect(stored!.mail).toHaveLength(run.mail.length);
    expect(run.trend.at(-1)).toMatchObject({ runId: run.runId, overall: card.score.overall });
    const weights = card.score.parts.reduce((s, p) => s + p.weight, 0);
    expect(card.score.overall).toBe(Math.round((card.score.parts.reduce((s, p) => s + p.weight * p.value, 0) / weights) * 100));
  });

  it('[M6.6] a drill with real customers in scope sends nothing outside its sandbox', async () => {
    const named = demoCustomers.filter((c) => (script.incident.customers ?? []).includes(c.customerId));
    expect(named.map((c) => c.customerId).sort()).toEqual(['acme', 'umbrella']);
    // Herald's own SMTP server (SMTP_URL's Mailpit) received nothing of the drill's incident, nor under its title.
    expect(await h.mailpit.forIncident(run.incidentId)).toEqual([]);
    expect(await h.mailpit.search(`subject:"${script.incident.title}"`)).toEqual([]);
    // The customers' real webhook endpoints (the demo receiver their configuration points at) received nothing.
    for (const c of demoCustomers.filter((x) => x.webhooks?.length)) expect(h.demoHooks!.received(c.customerId)).toEqual([]);
    // What they would have received went to the sandbox: the same customers, at the sandbox's sinks.
    expect(sandboxMail.some((m) => m.To.some((t) => named.some((c) => c.emails.includes(t.Address.toLowerCase()))))).toBe(true);
    const hooked = new Set(run.webhooks.map((w) => w.customerId));
    for (const c of named.filter((x) => x.webhooks?.length)) expect(hooked.has(c.customerId)).toBe(true);

    // A worker without a sandbox refuses a drill incident's activities outright: nothing is sent.
    const production = createActivities({ store: h.store, mailer: h.mailer, config: workerConfig('http://status.herald.test') });
    await expect(production.sendDigests({ incident: { id: run.incidentId, drill: true } } as never)).rejects.toMatchObject({ type: 'DrillOutsideSandbox' });
  });

  it('[M6.6] herald drill run refuses a broken script before it starts anything: exit 5, each issue at its path', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'herald-drill-'));
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ ...script, injects: [{ at: 'soon', kind: 'resolve', summary: 'Fixed.' }] }));
    const bin = path.join(__dirname, '../../bin/herald.mjs');
    const failed = await promisify(execFile)(process.execPath, [bin, 'drill', 'run', broken, '--json']).then(() => undefined, (e: { code: number; stderr: string }) => e);
    expect(failed?.code).toBe(5);
    expect(JSON.parse(failed!.stderr)).toMatchObject({ valid: false, issues: [{ path: 'injects.0.at', message: expect.stringMatching(/duration/) }] });
  });

  it('[M6.6] a drill incident stays out of the public status page and the KPIs', async () => {
    expect(await h.store.models.IncidentSummary.countDocuments({ _id: run.incidentId })).toBe(0);
    const page = await h.request('GET', '/status');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(run.incidentId);
    expect(page.text).not.toContain(script.incident.title);
    const kpis = await h.request('GET', '/v1/kpis?drills=include', { key: keys.manager });
    expect(kpis.status).toBe(200);
    expect(kpis.text).not.toContain(run.incidentId);
  });
});
