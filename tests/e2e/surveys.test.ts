import '../support/temporal-runtime';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createApp } from '../../api/app';
import { demoApiKeys } from '../../config/api-keys';
import { workflowIdFor } from '../../domain/incident';
import { surveyWorkflowId } from '../../domain/surveys/policy';
import { connectStore, type Store } from '../../store/connect';
import { pointDemoWebhooks, seedDemoData } from '../../store/demo-data';
import { startDemoReceiver, type DemoReceiver } from '../../stack/demo-receiver';
import { createMailer } from '../../workers/worker';
import type { surveyWorkflow } from '../../workflows/survey';
import { testEnv, uniqueName } from '../support/env';
import { browserForFile, seriousViolations } from '../support/browser';
import { answerOf, keys, workerConfig, workflowBundle } from '../support/harness';
import { saveHistoryFixture } from '../support/history-fixtures';
import type { MailpitMessage } from '../support/mailpit';
import { timeSkippingSuite } from '../support/time-skipping';
import { waitFor } from '../support/wait';

/**
 * Post-incident surveys (M6.3) through the public API on the data `npm start` seeds, with the
 * worker and the API on the time-skipping server, so the shipped playbook's day before the
 * survey and three days before the reminder pass in no time: an outage on the public API reaches
 * four key accounts (Acme twice, Umbrella, Stark in German, Kaiju in Japanese); each contact gets
 * the survey in their account's language, two answer through the form, and only the other three
 * get the one reminder; the results API gives the figures counted here by hand.
 */
let store: Store;
let hooks: DemoReceiver;
let mailer: ReturnType<typeof createMailer>;
let worker: Worker;
let running: Promise<void>;
let server: Server;
let baseUrl: string;

// Declared before the suite's own hooks so that it runs first: the worker lets go of the server's connection before the suite closes it.
afterAll(async () => {
  worker?.shutdown();
  await running;
  await new Promise((r) => server?.close(r));
  await hooks?.close();
  mailer?.close();
  await store?.conn.dropDatabase().catch(() => undefined);
  await store?.close();
});
const ts = timeSkippingSuite();
const browser = browserForFile();
const publicUrl = 'http://status.herald.test';
const hour = 3_600_000;

beforeAll(async () => {
  store = await connectStore(testEnv().mongoUri, `herald_${uniqueName('sv').replace(/-/g, '_')}`);
  hooks = await startDemoReceiver();
  await seedDemoData(store);
  await pointDemoWebhooks(store, hooks.url);
  mailer = createMailer(testEnv().smtpUrl);
  const taskQueue = uniqueName('tq-sv');
  worker = await Worker.create({
    connection: ts.env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(),
    activities: createActivities({ store, mailer, config: workerConfig(publicUrl) }),
  });
  running = worker.run();
  const app = createApp({ temporal: ts.env.client, store, mailer, taskQueue, apiKeys: demoApiKeys, publicUrl });
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

async function api(method: string, path: string, opts: { key?: string; body?: unknown; form?: Record<string, string>; html?: boolean } = {}) {
  const headers: Record<string, string> = {
    ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}),
    ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...(opts.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    ...(opts.html ? { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' } : {}),
  };
  return answerOf(await fetch(`${baseUrl}${path}`, {
    method, headers, body: opts.form ? new URLSearchParams(opts.form).toString() : opts.body === undefined ? undefined : JSON.stringify(opts.body),
  }));
}

async function mailpit(path: string): Promise<any> {
  return (await fetch(`${testEnv().mailpitApiUrl}${path}`)).json();
}

/** The survey mail of one incident, of one round, as Mailpit received it. */
async function surveyMail(incidentId: string, round: 'survey' | 'survey-reminder'): Promise<MailpitMessage[]> {
  const found = (await mailpit(`/api/v1/search?query=${encodeURIComponent(`message-id:${incidentId}.${round}.`)}&limit=100`)) as { messages: MailpitMessage[] };
  return found.messages.filter((m) => m.MessageID.startsWith(`${incidentId}.${round}.v0.`));
}

const to = (m: MailpitMessage) => m.To[0].Address;
const tokenIn = (text: string) => /\/survey\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(text)![1];

describe('post-incident surveys', () => {
  it('[M6.3] go to the key accounts emailed, in their locale, after the playbook\'s delay; one answer per link; one reminder to the others; results per account and template version with the response rate', async () => {
    const id = `INC-${uniqueName('SV')}`;
    const declared = await api('POST', '/v1/incidents', {
      key: keys.responder, body: { id, title: 'API errors', category: 'outage', severity: 'SEV3', components: ['api'], summary: 'Some API requests fail.' },
    });
    expect(declared.status).toBe(201);
    const published = (n: number) => waitFor(() => api('GET', `/v1/incidents/${id}`, { key: keys.viewer }), (r) => r.status === 200 && r.body.published.length >= n, `${n} versions of ${id} published`);
    await published(1);
    expect((await api('POST', `/v1/incidents/${id}/resolve`, { key: keys.responder, body: { summary: 'API requests succeed again.' } })).status).toBe(202);
    const last = (await published(2)).body.published.at(-1);
    expect(last.phase).toBe('resolved');

    // The incident closes and its survey waits beside it: nothing is sent before the playbook's day.
    const survey = ts.env.client.workflow.getHandle<typeof surveyWorkflow>(surveyWorkflowId(id));
    await waitFor(() => survey.describe(), (d) => d.status.name === 'RUNNING', `the survey of ${id}`);
    expect(await surveyMail(id, 'survey')).toEqual([]);
    const results = await api('GET', `/v1/incidents/${id}/survey`, { key: keys.manager });
    expect(results.body).toMatchObject({ incidentId: id, invited: 0, responses: 0, responseRate: null });

    await ts.env.sleep(24 * hour);
    // The key accounts' contacts that the incident's email reached: enterprise only (no business or standard account).
    const keyContacts = ['cto@acme.example', 'leitstelle@stark.example', 'noc@umbrella.example', 'ops@acme.example', 'sre@kaiju.example'];
    const invitations = await waitFor(() => surveyMail(id, 'survey'), (m) => m.length >= keyContacts.length, `the survey mail of ${id}`);
    expect(invitations.map(to).sort()).toEqual(keyContacts);
    const byAddress = Object.fromEntries(invitations.map((m) => [to(m), m]));
    const read = async (address: string) => {
      const m = await mailpit(`/api/v1/message/${byAddress[address].ID}`);
      const headers = await mailpit(`/api/v1/message/${byAddress[address].ID}/headers`);
      return { subject: m.Subject as string, text: m.Text as string, language: headers['Content-Language'][0] as string, unsubscribe: headers['List-Unsubscribe']?.[0] as string };
    };
    const stark = await read('leitstelle@stark.example');
    expect(stark).toMatchObject({ subject: `Wie gut haben wir Sie informiert? (${id})`, language: 'de' });
    expect(stark.unsubscribe).toMatch(/^<http:\/\/status\.herald\.test\/v1\/unsubscribe\//);
    expect((await read('sre@kaiju.example')).language).toBe('ja');
    const acme = await read('ops@acme.example');
    expect(acme).toMatchObject({ subject: `How did we keep you informed? (${id})`, language: 'en' });

    // The form, in the contact's language, with a strict policy and no script.
    const starkToken = tokenIn(stark.text);
    const form = await api('GET', `/survey/${starkToken}`, { html: true });
    expect(form.status).toBe(200);
    expect(form.text).toContain('<html lang="de">');
    expect(form.text).toContain('Wie klar waren unsere Meldungen?');
    expect(form.text).not.toContain('<script');
    expect(form.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(form.text).toContain(`action="/survey/${starkToken}"`);

    // Stark answers in a browser, under the page's own policy: each scale is a group named by its question.
    const page = await browser.open({ locale: 'de-DE' });
    await page.goto(`${baseUrl}/survey/${starkToken}`);
    await page.getByRole('group', { name: 'Wie klar waren unsere Meldungen?' }).getByLabel('2').check();
    await page.getByRole('group', { name: 'Kamen sie oft genug?' }).getByLabel('3').check();
    await page.getByRole('group', { name: 'Wie nützlich waren sie für Sie?' }).getByLabel('4').check();
    await page.getByLabel('Möchten Sie uns noch etwas sagen? (optional)').fill('Mehr Details zur Ursache, bitte.');
    await page.getByRole('button', { name: 'Antworten senden' }).click();
    await page.getByRole('heading', { name: 'Vielen Dank' }).waitFor();
    // The form and its answers pass axe's WCAG 2.1 A/AA rules, light and dark (axe is injected past the page's policy).
    const kaijuToken = tokenIn((await read('sre@kaiju.example')).text);
    for (const colorScheme of ['light', 'dark'] as const) {
      const checked = await browser.open({ colorScheme, bypassCSP: true });
      for (const path of [`/survey/${kaijuToken}`, `/survey/${starkToken}`]) {
        await checked.goto(`${baseUrl}${path}`);
        expect([colorScheme, path, await seriousViolations(checked)]).toEqual([colorScheme, path, []]);
      }
    }

    // Answers as the form posts them: one per link; bad scores and bad links are refused and record nothing.
    const again = await api('POST', `/survey/${starkToken}`, { html: true, form: { clarity: '5', frequency: '5', usefulness: '5' } });
    expect(again.status).toBe(409);
    expect(again.text).toContain('Bereits beantwortet');
    expect((await api('POST', `/survey/${starkToken}`, { body: { clarity: 5, frequency: 5, usefulness: 5 } })).body).toMatchObject({ error: 'conflict' });
    const acmeToken = tokenIn(acme.text);
    const outOfRange = await api('POST', `/survey/${acmeToken}`, { form: { clarity: '6', frequency: '0', usefulness: 'x' } });
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.body.issues.map((i: any) => i.path).sort()).toEqual(['clarity', 'frequency', 'usefulness']);
    const [payload, mac] = acmeToken.split('.');
    const forged = await api('POST', `/survey/${payload}.${mac.slice(1)}x`, { body: { clarity: 1, frequency: 1, usefulness: 1 } });
    expect(forged.status).toBe(404);
    expect(forged.body.message).toMatch(/not made by Herald/);
    expect((await api('GET', `/survey/${payload}.${mac.slice(2)}`, { html: true })).text).toContain('This link does not work');
    expect((await api('GET', '/survey/nonsense')).status).toBe(400);
    expect((await api('POST', `/survey/${acmeToken}`, { body: { clarity: 4, frequency: 5, usefulness: 5 } })).status).toBe(200);
    // An answered link shows that it was answered, not the form again.
    expect((await api('GET', `/survey/${acmeToken}`, { html: true })).text).toContain('Already answered');

    // Three days later the survey ends with one reminder, to the three contacts who have not answered.
    const outcome = await survey.result();
    expect(outcome).toMatchObject({ invitation: { contacts: 5, sent: 5 }, reminder: { contacts: 3, sent: 3 } });
    const reminders = await waitFor(() => surveyMail(id, 'survey-reminder'), (m) => m.length >= 3, `the reminders of ${id}`);
    expect(reminders.map(to).sort()).toEqual(['cto@acme.example', 'noc@umbrella.example', 'sre@kaiju.example']);
    expect(reminders.find((m) => to(m) === 'sre@kaiju.example')!.Subject).toBe(`再送: 障害情報のお知らせについてのアンケート (${id})`);
    // The new path's replay fixtures (README, "Workflow changes and replay"): the close that starts the survey, and the survey.
    await saveHistoryFixture('sev3-resolution-starts-survey', ts.env.client.workflow.getHandle(workflowIdFor(id)));
    await saveHistoryFixture('survey-invitation-and-reminder', survey);

    // The figures, counted by hand: 5 asked, 3 reminded, 2 answers (Stark 2/3/4, Acme's ops 4/5/5).
    const uses = (await api('GET', `/v1/incidents/${id}/message-templates`, { key: keys.viewer })).body.versions as { version: number; templateId: string; templateVersion: number }[];
    const resolution = uses.find((u) => u.version === last.version);
    const means = { clarity: 3, frequency: 4, usefulness: 4.5 };
    const figures = await api('GET', `/v1/incidents/${id}/survey`, { key: keys.executive });
    expect(figures.status).toBe(200);
    expect(figures.body).toMatchObject({ incidentId: id, invited: 5, reminded: 3, responses: 2, responseRate: 0.4, means });
    expect(figures.body.byAccount).toEqual([
      { customerId: 'acme', tier: 'enterprise', invited: 2, reminded: 1, responses: 1, responseRate: 0.5, means: { clarity: 4, frequency: 5, usefulness: 5 } },
      { customerId: 'kaiju', tier: 'enterprise', invited: 1, reminded: 1, responses: 0, responseRate: 0, means: { clarity: null, frequency: null, usefulness: null } },
      { customerId: 'stark', tier: 'enterprise', invited: 1, reminded: 0, responses: 1, responseRate: 1, means: { clarity: 2, frequency: 3, usefulness: 4 } },
      { customerId: 'umbrella', tier: 'enterprise', invited: 1, reminded: 1, responses: 0, responseRate: 0, means: { clarity: null, frequency: null, usefulness: null } },
    ]);
    // Every contact last received the resolution: one template version holds every figure.
    expect(figures.body.byTemplateVersion).toEqual([{
      templateId: resolution?.templateId ?? null, templateVersion: resolution?.templateVersion ?? null, invited: 5, reminded: 3, responses: 2, responseRate: 0.4, means,
    }]);
    expect(figures.body.comments).toEqual([expect.objectContaining({ customerId: 'stark', text: 'Mehr Details zur Ursache, bitte.' })]);
    const all = await api('GET', '/v1/surveys', { key: keys.manager });
    expect(all.body.byIncident).toEqual([expect.objectContaining({ incidentId: id, invited: 5, responses: 2, responseRate: 0.4 })]);
    expect((await api('GET', `/v1/incidents/${id}/survey`, { key: keys.viewer })).status).toBe(403);
    expect((await api('GET', '/v1/incidents/INC-no-such-incident/survey', { key: keys.manager })).status).toBe(404);
  }, 90_000);
});
