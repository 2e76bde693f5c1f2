import { parse } from 'node-html-parser';
import { runDrill } from '../../drill/run';
import { validateDrill } from '../../domain/drills/script';
import { startMailpit, type MailpitServer } from '../../stack/servers';
import { demoCustomers } from '../../store/demo-data';
import { testEnv, uniqueName } from '../support/env';
import { harnessForFile, keys, workflowBundlePath } from '../support/harness';
import { Mailpit } from '../support/mailpit';
import { waitForState } from '../support/incidents';
import { waitForValue } from '../support/wait';

/**
 * Sign-off by email link (M6.6, X4), on the demo data: the approval request in Mailpit carries a
 * link signed for its approver; opening it signs nothing, its page's button signs; a link to a
 * version an edit replaced is refused; a forged token is refused.
 */

jest.setTimeout(120_000);

const h = harnessForFile({ data: 'demo' });

let sandboxSmtp: MailpitServer | undefined;
afterAll(async () => {
  await sandboxSmtp?.stop();
});

/** The sign-off link in the approval request for `version` that Mailpit received for this incident (its title is unique). */
async function approvalLink(title: string, version: number): Promise<string> {
  return waitForValue(async () => {
    const requests = (await h.mailpit.search('to:pr-oncall@herald.internal subject:"Approval needed"')).filter((m) => m.Subject.includes(title));
    for (const m of requests) {
      const text = await h.mailpit.text(m.ID);
      if (text.includes(`on version ${version} `)) return /http:\/\/status\.herald\.test(\/approve\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(text)?.[1];
    }
    return undefined;
  }, `the sign-off link of v${version} of ${title}`);
}

async function page(method: 'GET' | 'POST', path: string) {
  const res = await fetch(`${h.baseUrl}${path}`, { method, headers: { accept: 'text/html' } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', html: await res.text() };
}

describe('sign-off by email link', () => {
  it('[M6.6, X4] a SEV2 is signed through the link in its approval email and reaches customers; a stale link after an edit and a forged token are refused', async () => {
    const title = `Checkout errors ${uniqueName('link')}`;
    const declared = await h.request('POST', '/v1/incidents', {
      key: keys.responder,
      body: { title, category: 'outage', severity: 'SEV2', components: ['api'], summary: 'Some requests to the API fail with errors.' },
    });
    expect(declared.status).toBe(201);
    const id = declared.body.incidentId as string;
    const v1 = await waitForState(h, id, (s) => s.status === 'awaiting-approval' && s.requiredApprovers.includes('pr'), 'v1 awaiting the PR sign-off');

    const first = await approvalLink(title, 1);
    // Opening the link (what a mail scanner does) shows the wording and a button, and signs nothing.
    const shown = await page('GET', first);
    expect(shown.status).toBe(200);
    expect(shown.type).toContain('text/html');
    expect(shown.html.startsWith('<!doctype html>')).toBe(true);
    const doc = parse(shown.html);
    expect(doc.querySelector('form')?.getAttribute('method')).toBe('post');
    expect(doc.querySelector('form')?.getAttribute('action')).toBe(first);
    expect(doc.querySelector('.version pre')?.text).toBe(v1.currentDraft.text);
    expect(doc.querySelector('code')?.text).toBe(v1.currentDraft.hash);
    expect((await h.request('GET', `/v1/incidents/${id}`, { key: keys.viewer })).body.approvals).toEqual([]);

    // An edit replaces v1: its link is stale now, on the page and on the button, and nothing is signed.
    const edited = await h.request('POST', `/v1/incidents/${id}/drafts`, {
      key: keys.responder,
      body: { baseVersion: 1, subject: `${title}: some requests fail`, text: 'Some requests to our API fail with errors. We are rolling back the last deploy and will update you shortly.', phase: 'identified' },
    });
    expect(edited.status).toBeLessThan(300);
    const v2 = await waitForState(h, id, (s) => s.currentDraft?.version === 2 && s.status === 'awaiting-approval', 'v2 awaiting approval');
    for (const method of ['GET', 'POST'] as const) {
      const staleAnswer = await page(method, first);
      expect([method, staleAnswer.status]).toEqual([method, 409]);
      expect(parse(staleAnswer.html).querySelector('h1')?.text).toBe('This version was replaced');
      expect(staleAnswer.html).toContain('the current version is 2');
      expect(parse(staleAnswer.html).querySelector('form')).toBeNull();
    }
    // A client that asks for no page (a script, a scanner) gets the one JSON error body instead.
    const asJson = await fetch(`${h.baseUrl}${first}`, { method: 'POST' });
    expect([asJson.status, asJson.headers.get('content-type')]).toEqual([409, expect.stringContaining('application/json')]);
    expect(await asJson.json()).toMatchObject({ error: 'conflict', message: expect.stringContaining('This version was replaced') });
    expect((await h.request('GET', `/v1/incidents/${id}`, { key: keys.viewer })).body.approvals).toEqual([]);

    // A forged token (another MAC) is refused; a malformed one is a bad request.
    const second = await approvalLink(title, 2);
    const [payload, mac] = second.slice('/approve/'.length).split('.');
    const forgedMac = `${mac.slice(0, -2)}${mac.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await page('POST', `/approve/${payload}.${forgedMac}`)).status).toBe(403);
    const otherVersion = Buffer.from(JSON.stringify([id, 2, v2.currentDraft.hash, 'executive', 'pr-oncall@herald.internal', Date.now() + 60_000])).toString('base64url');
    expect((await page('GET', `/approve/${otherVersion}.${mac}`)).status).toBe(403);
    expect((await page('GET', '/approve/not-a-token')).status).toBe(400);

    // The v2 link signs v2 as PR: the SEV2 is published, and customers receive it.
    const signed = await page('POST', second);
    expect(signed.status).toBe(200);
    expect(parse(signed.html).querySelector('h1')?.text).toBe('Signed: version 2 as pr');
    const published = await waitForState(h, id, (s) => s.published.some((p: { version: number }) => p.version === 2), 'v2 published');
    expect(published.approvals).toEqual([expect.objectContaining({ version: 2, hash: v2.currentDraft.hash, role: 'pr', by: 'pr-oncall@herald.internal', decision: 'approve' })]);
    const mail = await h.mailpit.waitForIncident(id, (m) => m.some((x) => x.MessageID.includes(`${id}.v2.`)));
    expect(mail.filter((m) => m.MessageID.includes(`${id}.v2.`)).every((m) => m.Subject.includes(title))).toBe(true);
    const status = await h.request('GET', '/status.json');
    expect(JSON.stringify(status.body)).toContain(title);
    // Signed once: the link now says so, and signs nothing more.
    const again = await page('GET', second);
    expect(again.status).toBe(200);
    expect(parse(again.html).querySelector('form')).toBeNull();
  });

  it('[M6.6, X4] in a live drill (speed 30) the approver signs through the link in the sandbox Mailpit, and the drill\'s customers hear', async () => {
    const mailpitPath = process.env.MAILPIT_PATH;
    if (!mailpitPath) throw new Error('MAILPIT_PATH is not set: the drill starts a sandbox Mailpit of its own from it');
    sandboxSmtp = await startMailpit({ binary: mailpitPath });
    const valid = validateDrill({
      name: 'live-signoff', title: 'A SEV2 signed from the sandbox mail', participants: 'live',
      incident: { title: 'Checkout errors (live drill)', category: 'outage', severity: 'SEV2', components: ['api'], summary: 'Some requests to the API fail with errors.' },
      injects: [{ at: '1m', kind: 'approve' }], settle: '4m',
    });
    if (!valid.ok) throw new Error(JSON.stringify(valid.issues));
    const running = runDrill({
      script: valid.script, mode: { kind: 'speed', speed: 30 }, mongoUri: testEnv().mongoUri, dbName: h.dbName, sandboxSmtpUrl: sandboxSmtp.smtpUrl,
      testServerPath: testEnv().testServerPath(), workflowBundlePath: workflowBundlePath(),
    });
    running.catch(() => undefined);
    // The participant reads the approval request in the sandbox's mail and signs with its link, which points at the sandbox API.
    const sandboxMail = new Mailpit(sandboxSmtp.apiUrl);
    const link = await waitForValue(async () => {
      for (const m of (await sandboxMail.all()).filter((x) => x.Subject.includes('Approval needed (pr)'))) {
        const url = /(http:\/\/127\.0\.0\.1:\d+\/approve\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(await sandboxMail.text(m.ID))?.[1];
        if (url) return url;
      }
      return undefined;
    // The drill starts its own test server, API and worker: under the suite's start-up load that can take over a minute.
    }, 'the approval request in the sandbox Mailpit', { timeoutMs: 180_000 });
    expect((await fetch(link)).status).toBe(200);
    const signed = await fetch(link, { method: 'POST' });
    expect(signed.status).toBe(200);
    const run = await running;
    expect(link.startsWith(`${run.apiUrl}/approve/`)).toBe(true);
    expect(run.injects).toEqual([{ at: '1m', kind: 'approve', outcome: 'left to the participants' }]);
    expect(run.scorecard.approvals.byRole.pr?.count).toBe(1);
    // v1 went out once signed: the drill's customers received it in the sandbox, and nothing reached the shared Mailpit.
    const customerAddresses = new Set(demoCustomers.flatMap((c) => c.emails.map((e) => e.toLowerCase())));
    const toCustomers = (await sandboxMail.all()).filter((m) => m.MessageID.includes(run.incidentId) && m.To.some((t) => customerAddresses.has(t.Address.toLowerCase())));
    expect(toCustomers.length).toBeGreaterThan(0);
    expect(run.scorecard.messages.emails).toBe(new Set(toCustomers.map((m) => m.MessageID)).size);
    expect(await h.mailpit.forIncident(run.incidentId)).toEqual([]);
  }, 300_000);
});
