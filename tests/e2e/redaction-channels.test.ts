import { randomBytes } from 'node:crypto';
import { demoCustomers } from '../../store/demo-data';
import { newWebhookSecret } from '../../domain/webhooks';
import { testEnv, uniqueName } from '../support/env';
import { keys, startHarness, type Harness } from '../support/harness';
import { startWebhookReceiver, type ReceivedWebhook, type Receiver } from '../support/receivers';
import { waitFor } from '../support/wait';

/**
 * The one detector on every channel (M5.5), through the public API on the data set `npm start`
 * seeds: a SEV3 on webhook delivery (its demo audience reads English and German, which the
 * shipped templates cover, so it publishes on its own) whose summary carries a secret of every class the detector knows publishes on
 * its own; none of them reaches a customer's email (text and HTML, as Mailpit received it), the
 * status page, status.json, the Statuspage v2 API, the Atom feed, the in-app notices or a
 * customer webhook, and `POST /v1/lint` reports each one, by the same detector.
 */

let h: Harness;
let hook: Receiver<ReceivedWebhook>;
const hookSecret = newWebhookSecret(randomBytes(32));
beforeAll(async () => {
  h = await startHarness({ data: 'demo' });
  hook = await startWebhookReceiver(hookSecret);
});
afterAll(async () => {
  await hook?.close();
  await h?.close();
});

/** Fixed machine-made characters, so the secrets look issued and the test is the same each run. */
function chars(alphabet: string, n: number, seed: number): string {
  let a = seed;
  return Array.from({ length: n }, () => {
    a = (Math.imul(a ^ (a >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    a = (a ^ (a >>> 13)) >>> 0;
    return alphabet[a % alphabet.length];
  }).join('');
}
const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const b64 = `${alnum}+/`;
const b64url = `${alnum}-_`;
const hex = '0123456789abcdef';
const b64json = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

const jwt = `${b64json({ alg: 'HS256', typ: 'JWT' })}.${b64json({ sub: 'svc-billing', iat: 1714550400 })}.${chars(b64url, 43, 1)}`;
const awsSecret = `${chars(b64, 20, 2)}/${chars(b64, 19, 3)}`;
const azureKey = `${chars(b64, 86, 4)}==`;
const sasSig = encodeURIComponent(`${chars(b64, 43, 5)}=`);
// Letters around its dots: the German rendering reads digit.digit as a number, and English and
// German must state the same numbers (M2.5) for the version to publish.
const sendgrid = `SG.k${chars(b64url, 20, 15)}q.w${chars(b64url, 41, 16)}z`;

/** Each planted secret: the sentence it sits in, what must never be readable, and the kind lint names. */
const planted: { sentence: string; secret: string; kind: string }[] = [
  { sentence: 'Dashboards on grafana.herald-infra.net showed the errors first.', secret: 'grafana.herald-infra.net', kind: 'internal-host' },
  { sentence: 'Requests to api.internal.herald.net timed out.', secret: 'api.internal.herald.net', kind: 'internal-host' },
  { sentence: 'The queue on billing.corp.herald.com backed up.', secret: 'billing.corp.herald.com', kind: 'internal-host' },
  { sentence: 'The primary db-prod-03 failed over at 10:12 UTC.', secret: 'db-prod-03', kind: 'internal-host' },
  { sentence: 'Instance ip-10-0-3-7.ec2.internal was replaced.', secret: 'ip-10-0-3-7.ec2.internal', kind: 'internal-host' },
  { sentence: 'We drained k8s-node-7f9c2 before the restart.', secret: 'k8s-node-7f9c2', kind: 'internal-host' },
  { sentence: `The access key ${awsSecret} was revoked.`, secret: awsSecret, kind: 'aws-secret-key' },
  { sentence: `A Maps key AIza${chars(b64url, 35, 6)} was rotated.`, secret: `AIza${chars(b64url, 35, 6)}`, kind: 'gcp-key' },
  {
    sentence: `Exports used DefaultEndpointsProtocol=https;AccountName=prodexports;AccountKey=${azureKey};EndpointSuffix=core.windows.net until today.`,
    secret: azureKey, kind: 'azure-key',
  },
  { sentence: `A shared link https://prodexports.blob.core.windows.net/x.csv?sv=2022-11-02&sp=r&sig=${sasSig} expired.`, secret: sasSig, kind: 'azure-key' },
  { sentence: `A token ghp_${chars(alnum, 36, 7)} was rotated.`, secret: `ghp_${chars(alnum, 36, 7)}`, kind: 'github-token' },
  { sentence: `Also github_pat_${chars(alnum, 22, 8)}_${chars(alnum, 59, 9)} was rotated.`, secret: `github_pat_${chars(alnum, 22, 8)}_${chars(alnum, 59, 9)}`, kind: 'github-token' },
  { sentence: `The bot token xoxb-${chars('0123456789', 12, 10)}-${chars('0123456789', 12, 11)}-${chars(alnum, 24, 12)} was reset.`, secret: `xoxb-${chars('0123456789', 12, 10)}-${chars('0123456789', 12, 11)}-${chars(alnum, 24, 12)}`, kind: 'slack-token' },
  { sentence: `The payment key sk_live_51${chars(alnum, 30, 13)} is new.`, secret: `sk_live_51${chars(alnum, 30, 13)}`, kind: 'stripe-key' },
  { sentence: `The restricted key rk_live_51${chars(alnum, 30, 14)} is new.`, secret: `rk_live_51${chars(alnum, 30, 14)}`, kind: 'stripe-key' },
  { sentence: `Mail used ${sendgrid} before.`, secret: sendgrid, kind: 'sendgrid-key' },
  { sentence: `SMS used SK${chars(hex, 30, 17)}7f before.`, secret: `SK${chars(hex, 30, 17)}7f`, kind: 'twilio-key' },
  { sentence: `Builds used npm_${chars(alnum, 36, 18)} before.`, secret: `npm_${chars(alnum, 36, 18)}`, kind: 'npm-token' },
  { sentence: `Deploys used glpat-${chars(b64url, 20, 19)} before.`, secret: `glpat-${chars(b64url, 20, 19)}`, kind: 'gitlab-token' },
  { sentence: `The assistant used sk-proj-${chars(alnum, 48, 20)} before.`, secret: `sk-proj-${chars(alnum, 48, 20)}`, kind: 'openai-key' },
  { sentence: 'Questions went to oncall@herald.example during the night.', secret: 'oncall@herald.example', kind: 'staff-email' },
  { sentence: 'Alerts went to sre@ops.herald-infra.net as well.', secret: 'sre@ops.herald-infra.net', kind: 'staff-email' },
  // The word after the token, on the next line, is the customer's to read.
  { sentence: `The session token ${jwt}\nWe revoked every session at 10:40 UTC.`, secret: jwt, kind: 'jwt' },
];

const prose = [
  'Some customers in us-east-1 saw HTTP 503 errors from the Public API between 09:42 and 10:40 UTC.',
  'About 4% of requests failed, and no payment was charged twice.',
  'We rolled back the last release and error rates are back to normal.',
  'Follow the incident at https://status.herald.example/ and reference ticket CS-48213 in support cases.',
  'The ReportBuilder export feature is available again, and queued exports will finish by 12:00 UTC.',
  'We apologise for the disruption and thank you for your patience while we worked on this.',
  'A full post-incident review will be published within five business days.',
  'Customers on every plan were affected, and no customer data was exposed during this incident.',
];

const summary = planted.map((p, i) => `${p.sentence} ${prose[i % prose.length]}`).join('\n\n');
const secrets = planted.map((p) => p.secret);

function expectClean(where: string, text: string) {
  const lower = text.toLowerCase();
  const leaked = secrets.filter((s) => lower.includes(s.toLowerCase()) || lower.includes(decodeURIComponent(s).toLowerCase()));
  if (leaked.length) throw new Error(`${where} shows ${leaked.join(', ')}`);
}

async function mailpitMessage(id: string): Promise<{ Subject: string; Text: string; HTML: string; raw: string }> {
  const api = testEnv().mailpitApiUrl;
  const full = (await (await fetch(`${api}/api/v1/message/${id}`)).json()) as { Subject: string; Text: string; HTML: string };
  return { ...full, raw: await (await fetch(`${api}/api/v1/message/${id}/raw`)).text() };
}

describe('the one detector on every channel, on the demo data', () => {
  it('[M5.5] keeps a secret of every class in a published SEV3 out of email, status page, status APIs, feed, in-app notices and webhooks, and lint reports each', async () => {
    // Lint: the same detector reports each planted secret, by kind and position, and echoes none.
    const lint = await h.request('POST', '/v1/lint', { key: keys.responder, body: { text: summary } });
    expect(lint.status).toBe(200);
    for (const p of planted) {
      const at = summary.indexOf(p.secret);
      expect(lint.body.sensitive).toContainEqual({ kind: p.kind, start: at, end: at + p.secret.length });
    }
    expect(lint.body.blockReasons).toEqual([]);
    expect(lint.body.blocked).toBe(false);
    expect(lint.body.redacted).toContain('The session token [redacted]\nWe revoked every session');
    const answer = JSON.stringify({ sensitive: lint.body.sensitive, redacted: lint.body.redacted, blockReasons: lint.body.blockReasons });
    expectClean('the lint answer', answer);

    const customerId = uniqueName('hooks').toLowerCase();
    const created = await h.request('POST', '/v1/customers', {
      key: keys.admin,
      body: { customerId, name: 'Redaction Check Ltd', tier: 'business', locale: 'en', emails: [`ops@${h.domain}`], webhooks: [{ url: `${hook.url}/hooks/${customerId}`, secret: hookSecret }], subscriptions: ['webhook-delivery'] },
    });
    expect(created.status).toBe(201);

    const marker = uniqueName('redact');
    const declared = await h.request('POST', '/v1/incidents', {
      key: keys.responder,
      body: { title: `Webhook delays ${marker} on db-prod-03`, category: 'outage', severity: 'SEV3', components: ['webhook-delivery'], summary },
    });
    expect(declared.status).toBe(201);
    const id = declared.body.incidentId as string;
    // The incident's state without its long summary, so that a failure shows what held it.
    const read = async () => ({ ...(await h.request('GET', `/v1/incidents/${id}`, { key: keys.viewer })).body, summary: undefined, currentDraft: undefined, deadlines: undefined, roles: undefined });
    const incident = await waitFor(read, (s) => s?.status === 'published', `incident ${id} published`);
    expect(incident.status).toBe('published');

    // Email, as Mailpit received it: every message to a customer address.
    const customerAddresses = new Set([...demoCustomers.flatMap((c) => c.emails), `ops@${h.domain}`]);
    const toCustomers = (msgs: Awaited<ReturnType<Harness['mailpit']['forIncident']>>) => msgs.filter((m) => m.To.some((t) => customerAddresses.has(t.Address.toLowerCase())));
    const mails = toCustomers(await h.mailpit.waitForIncident(id, (m) => toCustomers(m).some((x) => x.To.some((t) => t.Address === `ops@${h.domain}`))));
    expect(mails.length).toBeGreaterThan(1);
    for (const m of mails) {
      const full = await mailpitMessage(m.ID);
      expectClean(`the email subject to ${m.To[0].Address}`, full.Subject);
      expectClean(`the plain-text email to ${m.To[0].Address}`, full.Text);
      expectClean(`the HTML email to ${m.To[0].Address}`, full.HTML);
      expectClean(`the raw email to ${m.To[0].Address}`, full.raw);
    }
    const ours = await mailpitMessage(mails.find((m) => m.To.some((t) => t.Address === `ops@${h.domain}`))!.ID);
    expect(ours.Subject).toContain(`Webhook delays ${marker} on [redacted]`);
    expect(ours.Text).toContain('The primary [redacted] failed over at 10:12 UTC.');
    expect(ours.Text).toMatch(/The session token \[redacted\]\r?\nWe revoked every session at 10:40 UTC\./);
    expect(ours.HTML).toContain('We revoked every session at 10:40 UTC.');

    // The status page, status.json, the Statuspage v2 API and the Atom feed.
    const page = await h.request('GET', '/status');
    expect(page.text).toContain(marker);
    expectClean('the status page', page.text);
    const statusJson = await h.request('GET', '/status.json');
    expect(JSON.stringify(statusJson.body)).toContain(marker);
    expectClean('status.json', statusJson.text);
    for (const path of ['/api/v2/incidents.json', '/api/v2/incidents/unresolved.json', '/api/v2/summary.json']) {
      const res = await h.request('GET', path);
      expect(res.status).toBe(200);
      expectClean(path, res.text);
    }
    const v2 = await h.request('GET', '/api/v2/incidents.json');
    expect(JSON.stringify(v2.body)).toContain(marker);
    const feed = await h.request('GET', '/history.atom');
    expect(feed.text).toContain(marker);
    expectClean('the Atom feed', feed.text);

    // In-app notices of the demo customers on webhook delivery (Stark reads German), and of the new one.
    for (const c of ['stark', 'tyrell', customerId]) {
      const notices = await h.request('GET', `/v1/customers/${c}/notices`, { key: keys.viewer });
      expect(notices.status).toBe(200);
      const mine = notices.body.notices.filter((n: { incidentId: string }) => n.incidentId === id);
      expect(mine.length).toBeGreaterThanOrEqual(1);
      expect(mine[0].body).toContain('We revoked every session at 10:40 UTC.');
      expectClean(`the in-app notices of ${c}`, JSON.stringify(mine));
    }

    // The customer's webhook, verified by its receiver.
    const got = await waitFor(async () => hook.accepted.filter((a) => (a.body.payload.data as { incidentId?: string }).incidentId === id), (r) => r.length >= 1, `the webhook of ${id}`);
    expect(got[0].body.verdict.valid).toBe(true);
    expect(got[0].body.payload.data.text).toContain('The primary [redacted] failed over');
    for (const g of got) expectClean('the webhook', g.body.raw);

  });
});
