import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { readDrillFile } from '../../drill/file';
import { runDrill, type DrillRunResult } from '../../drill/run';
import { incidentTimeline, type Timeline } from '../../domain/timeline';
import { startMailpit, type MailpitServer } from '../../stack/servers';
import { demoCustomers } from '../../store/demo-data';
import { testEnv, uniqueName } from '../support/env';
import { harnessForFile, keys, workflowBundlePath } from '../support/harness';
import { signAll, waitForState } from '../support/incidents';

/**
 * Replay of a recorded incident (M6.6, X4): a real SEV2 run through the public API on the demo
 * data (signed, edited, its root cause and a decision recorded, resolved), turned into a drill
 * script by `herald drill replay`, and that script run instantly in a drill's sandbox: the drill
 * incident's timeline has the original's entries, in order, at the same times from detection
 * (within the drill clock's step), and its customers received the same messages.
 */

jest.setTimeout(240_000);

const h = harnessForFile({ data: 'demo' });
const run = promisify(execFile);
const customerAddresses = new Set(demoCustomers.flatMap((c) => c.emails.map((e) => e.toLowerCase())));
const versionOf = (messageId: string) => Number(/\.v(\d+)\./.exec(messageId)?.[1]);

/** Each lane's entries as kinds (with version and channel) and seconds from detection. */
function lanes(detectedAt: string, t: Pick<Timeline, 'milestones' | 'communications'>) {
  const rel = (at: string) => (Date.parse(at) - Date.parse(detectedAt)) / 1000;
  return {
    milestones: t.milestones.map((m) => ({ entry: m.milestone, s: rel(m.at) })),
    customers: t.communications.customers.map((c) => ({ entry: `${c.kind} v${c.version} ${c.channel ?? ''}`.trim(), s: rel(c.at) })),
    // The internal lane from the audit (updates, briefings); notices to staff are read from deliveries the sandbox does not keep.
    internal: t.communications.internal.filter((c) => c.kind !== 'notice').map((c) => ({ entry: c.kind, s: rel(c.at) })),
  };
}

/** Customer recipients of each version, from what a Mailpit received. */
function recipientsByVersion(mail: { messageId: string; to: string[] }[]) {
  const out: Record<number, string[]> = {};
  for (const m of mail) for (const to of m.to.filter((t) => customerAddresses.has(t.toLowerCase()))) (out[versionOf(m.messageId)] ??= []).push(to.toLowerCase());
  return Object.fromEntries(Object.entries(out).map(([v, tos]) => [v, [...new Set(tos)].sort()]));
}

let sandboxSmtp: MailpitServer | undefined;
afterAll(async () => {
  await sandboxSmtp?.stop();
});

describe('replay of a recorded incident', () => {
  it('[M6.6, X4] replay of a recorded incident reproduces its timeline', async () => {
    const title = `Checkout API errors ${uniqueName('replay')}`;
    const declared = await h.request('POST', '/v1/incidents', {
      key: keys.responder, body: { title, category: 'outage', severity: 'SEV2', components: ['api'], summary: 'Some requests to the API fail with errors.' },
    });
    expect(declared.status).toBe(201);
    const id = declared.body.incidentId as string;
    await signAll(h, id, 1);
    await waitForState(h, id, (s) => s.published.some((p: { version: number }) => p.version === 1), 'v1 published');
    const on = (p: string) => `/v1/incidents/${id}${p}`;
    expect((await h.request('POST', on('/root-cause'), { key: keys.responder, body: { statement: 'A faulty deploy of the API gateway drops one request in ten.' } })).status).toBeLessThan(300);
    expect((await h.request('POST', on('/decisions'), { key: keys.responder, body: { what: 'Roll back the gateway deploy', why: 'The errors began with it' } })).status).toBeLessThan(300);
    const edit = { subject: `${title}: rolling back`, text: 'A faulty deploy of our API gateway fails some requests. We are rolling it back now.', phase: 'identified' };
    expect((await h.request('POST', on('/drafts'), { key: keys.responder, body: { baseVersion: 1, ...edit } })).status).toBeLessThan(300);
    expect((await h.request('POST', on('/publish'), { key: keys.responder, body: { version: 2 } })).status).toBeLessThan(300);
    await signAll(h, id, 2);
    await waitForState(h, id, (s) => s.published.some((p: { version: number }) => p.version === 2), 'v2 published');
    // An incident still open is not replayed.
    const open = await h.request('GET', on('/drill-script'), { key: keys.manager });
    expect(open.status).toBe(409);
    expect(open.body.message).toMatch(/only a resolved incident is replayed/);
    expect((await h.request('POST', on('/resolve'), { key: keys.responder, body: { summary: 'The gateway deploy was rolled back; every request succeeds again.' } })).status).toBe(202);
    await signAll(h, id, 3);
    const original = await waitForState(h, id, (s) => s.status === 'resolved', 'resolved');
    const originalMail = await h.mailpit.waitForIncident(id, (m) => m.some((x) => versionOf(x.MessageID) === 3));

    // A manager turns it into a drill script with the CLI; it validates against the drill schema.
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'herald-replay-')), 'replay.yaml');
    await run(process.execPath, [path.join(__dirname, '..', '..', 'bin', 'herald.mjs'), 'drill', 'replay', id, '--out', file], {
      env: { ...process.env, HERALD_URL: h.baseUrl, HERALD_API_KEY: keys.manager, HERALD_CONFIG: path.join(path.dirname(file), 'none.json') },
    });
    const read = readDrillFile(file);
    if (!read.ok) throw new Error(JSON.stringify(read.issues));
    const script = read.script;
    expect(script.incident).toMatchObject({ title, category: 'outage', severity: 'SEV2', components: ['api'], summary: 'Some requests to the API fail with errors.' });
    const audience = await h.request('GET', `/v1/audience?incident=${id}`, { key: keys.manager });
    expect(script.incident.customers).toEqual(audience.body.customers.map((c: { customerId: string }) => c.customerId).sort());
    expect(script.incident.customers!.length).toBeGreaterThan(0);
    expect(script.injects.map((i) => i.kind)).toEqual(['approve', 'root-cause', 'decision', 'update', 'approve', 'resolve', 'approve']);
    expect(script.injects[3]).toMatchObject({ ...edit, publish: true });
    expect((await h.request('GET', on('/drill-script'), { key: keys.viewer })).status).toBe(403);
    const asYaml = await h.request('GET', on('/drill-script?format=yaml'), { key: keys.manager });
    expect(asYaml.headers.get('content-type')).toContain('application/yaml');
    expect(parseYaml(asYaml.text)).toEqual(parseYaml(readFileSync(file, 'utf8')));

    // The script runs instantly in a sandbox of its own.
    const mailpitPath = process.env.MAILPIT_PATH;
    if (!mailpitPath) throw new Error('MAILPIT_PATH is not set: the drill starts a sandbox Mailpit of its own from it');
    sandboxSmtp = await startMailpit({ binary: mailpitPath });
    const drill: DrillRunResult = await runDrill({
      script, mode: { kind: 'instant' }, mongoUri: testEnv().mongoUri, dbName: h.dbName, sandboxSmtpUrl: sandboxSmtp.smtpUrl,
      testServerPath: testEnv().testServerPath(), workflowBundlePath: workflowBundlePath(),
    });
    expect(drill.injects.every((i) => !/(^| )[45]\d\d\b/.test(i.outcome))).toBe(true);

    // The timelines: the same entries in the same order, at the same times from detection (the drill
    // clock lands an inject up to 10 s after its time, and the original's steps took their own).
    const timeline = await h.request('GET', on('/timeline'), { key: keys.manager });
    expect(timeline.status).toBe(200);
    const was = lanes(original.detectedAt, timeline.body);
    const now = lanes(drill.detectedAt, incidentTimeline(drill.detectedAt, drill.audit.map((a) => ({ ...a, actor: '' }))));
    // Customers' lane by version: a version's other channels can finish after the next version went up, as their deliveries take.
    const byVersion = (l: { entry: string; s: number }[]) => [...l].sort((a, b) => Number(/v(\d+)/.exec(a.entry)?.[1]) - Number(/v(\d+)/.exec(b.entry)?.[1]));
    was.customers = byVersion(was.customers);
    now.customers = byVersion(now.customers);
    for (const lane of ['milestones', 'customers', 'internal'] as const) {
      expect([lane, now[lane].map((e) => e.entry)]).toEqual([lane, was[lane].map((e) => e.entry)]);
      now[lane].forEach((e, i) => expect([lane, e.entry, Math.abs(e.s - was[lane][i].s) <= 20]).toEqual([lane, e.entry, true]));
    }
    expect(was.customers.length).toBeGreaterThanOrEqual(3);

    // The messages per audience: the same customers received each version, by email and on the status page.
    const originalRecipients = recipientsByVersion(originalMail.map((m) => ({ messageId: m.MessageID, to: m.To.map((t) => t.Address) })));
    expect(Object.keys(originalRecipients)).toEqual(['1', '2', '3']);
    expect(recipientsByVersion(drill.mail)).toEqual(originalRecipients);
    // Every customer in scope heard in the drill, as in the original.
    expect(drill.scorecard.coverage.missing).toEqual([]);
    expect(drill.scorecard.messages.statusPage).toBe(original.published.filter((p: { version: number }, i: number, all: { version: number }[]) => all.findIndex((q) => q.version === p.version) === i).length);
  });
});
