import net from 'node:net';
import { failoverChain } from '../../activities/providers/failover';
import { sendGridProvider } from '../../activities/providers/sendgrid';
import { smtpProvider } from '../../activities/providers/smtp';
import { twilioProvider } from '../../activities/providers/twilio';
import { ProviderError, type OutboundEmail } from '../../domain/delivery/providers';
import { createMailer } from '../../workers/worker';
import { incidentFixture, leaveClaims, messageFixture, seedAudience, startFanoutHarness } from '../support/fanout';
import { startSendGridReceiver, startSmtpSink, startTwilioReceiver, type Receiver, type SendGridMail, type SmtpSink, type TwilioMessageForm } from '../support/receivers';

const apiKey = 'SG.test-key.abcdef';
const [accountSid, authToken] = ['AC' + 'a'.repeat(32), 'token-1'];
const [backupSid, backupToken] = ['AC' + 'b'.repeat(32), 'token-2'];

let sendgrid: Receiver<SendGridMail>;
let twilio: Receiver<TwilioMessageForm>;
let twilioBackup: Receiver<TwilioMessageForm>;
let sink: SmtpSink;
let deadSmtpUrl: string;
const mailers: ReturnType<typeof createMailer>[] = [];

beforeAll(async () => {
  [sendgrid, twilio, twilioBackup, sink] = await Promise.all([
    startSendGridReceiver(apiKey), startTwilioReceiver(accountSid, authToken), startTwilioReceiver(backupSid, backupToken),
    startSmtpSink({ refuseRecipient: (a) => (a.startsWith('nobody@') ? { code: 550, text: '5.1.1 No such user' } : undefined) }),
  ]);
  // A port that refuses connections: an SMTP relay that is down.
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  deadSmtpUrl = `smtp://127.0.0.1:${(probe.address() as net.AddressInfo).port}`;
  await new Promise((r) => probe.close(r));
});
afterAll(async () => {
  for (const m of mailers) m.close();
  await Promise.all([sendgrid, twilio, twilioBackup, sink].map((r) => r?.close()));
});

function mailer(url: string) {
  const m = createMailer(url);
  mailers.push(m);
  return m;
}

const email = (to: string): OutboundEmail => ({
  from: 'Herald Status <status@herald.test>', to, subject: '[SEV2] Service disruption', text: 'Payments fail.', html: '<p>Payments fail.</p>',
  messageId: `<INC-1.v1.${to.replace('@', '_')}@herald.test>`,
  headers: { 'X-Herald-Incident-Id': 'INC-1', 'X-Herald-Message-Version': '1', 'List-Unsubscribe': '<https://status.test/u>' },
  metadata: { incident_id: 'INC-1', severity: 'SEV2', category: 'outage', message_version: '1' },
});

describe('provider adapters speak the providers’ wire formats', () => {
  it('[M7.3, M7.6] sends through SendGrid v3 mail/send: bearer key, JSON body, 202 and X-Message-Id', async () => {
    const sg = sendGridProvider({ apiKey, baseUrl: sendgrid.url });
    const receipt = await sg.send(email('ops@acme.test'));
    expect(sendgrid.refused).toEqual([]);
    const got = sendgrid.accepted.at(-1)!;
    expect(got.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(got.body).toEqual({
      personalizations: [{ to: [{ email: 'ops@acme.test' }] }],
      from: { email: 'status@herald.test', name: 'Herald Status' },
      subject: '[SEV2] Service disruption',
      content: [{ type: 'text/plain', value: 'Payments fail.' }, { type: 'text/html', value: '<p>Payments fail.</p>' }],
      headers: { 'X-Herald-Incident-Id': 'INC-1', 'X-Herald-Message-Version': '1', 'List-Unsubscribe': '<https://status.test/u>' },
      custom_args: { incident_id: 'INC-1', severity: 'SEV2', category: 'outage', message_version: '1', herald_message_id: 'INC-1.v1.ops_acme.test@herald.test' },
    });
    expect(receipt.provider).toBe('sendgrid');
    expect(receipt.providerMessageId).toMatch(/^[\w-]{10,}$/);

    const wrongKey = sendGridProvider({ apiKey: 'SG.wrong', baseUrl: sendgrid.url });
    await expect(wrongKey.send(email('ops@acme.test'))).rejects.toMatchObject({ kind: 'permanent', status: 401 });
  });

  it('[M7.3] sends SMS through Twilio’s Messages API: Basic auth, form encoding, 201 with the sid', async () => {
    const tw = twilioProvider({ accountSid, authToken, from: '+15005550006', baseUrl: twilio.url });
    const receipt = await tw.send({ to: '+14155550100', body: 'Payments are failing. Updates: https://status.test', metadata: {} });
    expect(twilio.refused).toEqual([]);
    expect(twilio.accepted.at(-1)!.body).toEqual({ To: '+14155550100', From: '+15005550006', Body: 'Payments are failing. Updates: https://status.test' });
    expect(twilio.accepted.at(-1)!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(receipt).toEqual({ provider: 'twilio', providerMessageId: expect.stringMatching(/^SM[0-9a-f]{32}$/) });
    await expect(tw.send({ to: '555-0100', body: 'x', metadata: {} })).rejects.toMatchObject({ kind: 'permanent', status: 400 });
  });
});

describe('failover and per-provider limits', () => {
  it('[M7.3] fails over from an SMTP relay that is down to SendGrid', async () => {
    const chain = failoverChain([smtpProvider({ transport: mailer(deadSmtpUrl) }), sendGridProvider({ apiKey, baseUrl: sendgrid.url })]);
    const before = sendgrid.accepted.length;
    const receipt = await chain.send(email('cto@acme.test'));
    expect(receipt.provider).toBe('sendgrid');
    expect(receipt.failedOver).toEqual([{ provider: 'smtp', error: expect.stringContaining('smtp:') }]);
    expect(sendgrid.accepted.length).toBe(before + 1);
  });

  it('[M7.3] fails over from a SendGrid 5xx or 429 to SMTP, but not on a 4xx, which no provider would accept', async () => {
    const chain = failoverChain([sendGridProvider({ apiKey, baseUrl: sendgrid.url }), smtpProvider({ transport: mailer(sink.url) })]);
    sendgrid.failNext(1, 503);
    expect((await chain.send(email('a@acme.test'))).provider).toBe('smtp');
    sendgrid.failNext(1, 429);
    expect((await chain.send(email('b@acme.test'))).provider).toBe('smtp');
    expect(sink.counts.get('a@acme.test')).toBe(1);
    sendgrid.failNext(1, 400);
    const err = await chain.send(email('c@acme.test')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ provider: 'sendgrid', kind: 'permanent', status: 400 });
    expect(sink.counts.has('c@acme.test')).toBe(false);
  });

  it('[M7.3] an SMTP 550 is permanent; every provider failing is transient', async () => {
    const smtp = failoverChain([smtpProvider({ transport: mailer(sink.url) })]);
    await expect(smtp.send(email('nobody@acme.test'))).rejects.toMatchObject({ kind: 'permanent', status: 550 });
    const down = failoverChain([smtpProvider({ transport: mailer(deadSmtpUrl) }), sendGridProvider({ apiKey, baseUrl: sendgrid.url })]);
    sendgrid.failNext(1, 502);
    await expect(down.send(email('d@acme.test'))).rejects.toMatchObject({ provider: 'failover', kind: 'transient' });
  });

  it('[M7.3] fails SMS over to a second Twilio account when the first answers 503', async () => {
    const chain = failoverChain([
      twilioProvider({ name: 'twilio-primary', accountSid, authToken, from: '+15005550006', baseUrl: twilio.url, ratePerSecond: 100 }),
      twilioProvider({ name: 'twilio-backup', accountSid: backupSid, authToken: backupToken, from: '+15005550007', baseUrl: twilioBackup.url, ratePerSecond: 100 }),
    ]);
    twilio.failNext(1, 503);
    const receipt = await chain.send({ to: '+14155550101', body: 'Update', metadata: {} });
    expect(receipt.provider).toBe('twilio-backup');
    expect(twilioBackup.accepted.at(-1)!.body).toMatchObject({ To: '+14155550101', From: '+15005550007' });
    expect(twilioBackup.refused).toEqual([]);
  });

  it('[M7.3] holds each provider to its own rate: a burst, then one send per 1/rate seconds', async () => {
    const tw = twilioProvider({ accountSid, authToken, from: '+15005550006', baseUrl: twilio.url, ratePerSecond: 10 });
    const chain = failoverChain([tw]);
    const before = twilio.accepted.length;
    const started = Date.now();
    await Promise.all(Array.from({ length: 25 }, (_, i) => chain.send({ to: `+1415555${String(1000 + i)}`, body: `n${i}`, metadata: {} })));
    const elapsed = Date.now() - started;
    // A burst of 10, then 15 more at 100 ms apart: the limiter can only make this slower, never
    // faster, so a lower bound holds on a loaded machine too. The exact spacing is unit-tested
    // with a controlled clock (tests/unit/delivery/rate-limit.test.ts).
    expect(elapsed).toBeGreaterThanOrEqual(1450);
    expect(twilio.accepted.length - before).toBe(25);
  });
});

describe('a delivery in doubt at SendGrid', () => {
  it('[M7.3, X2] is looked up in the Email Activity feed by its Message-ID: found, not found, or asked again while the feed may lag or throttles', async () => {
    const sg = sendGridProvider({ apiKey, baseUrl: sendgrid.url, activityFeedDelayMs: 60_000 });
    const refusedBefore = sendgrid.refused.length;
    const m = email('feed@acme.test');
    await sg.send(m);
    const longAgo = new Date(Date.now() - 120_000);
    expect(await sg.lookup!(m, longAgo)).toBe('found');
    expect(await sg.lookup!(email('never@acme.test'), longAgo)).toBe('not-found');
    // Claimed a moment ago: the feed may not show it yet, so "not found" would prove nothing.
    expect(await sg.lookup!(email('never@acme.test'), new Date())).toBe('ask-later');
    sendgrid.failNext(1, 429);
    expect(await failoverChain([sg]).lookup(m, longAgo)).toEqual([{ provider: 'sendgrid', answer: 'ask-later' }]);
    expect(sendgrid.refused.slice(refusedBefore)).toEqual([]);
  });
});

describe('a broadcast through a provider chain', () => {
  let h: Awaited<ReturnType<typeof startFanoutHarness>>;
  beforeAll(async () => {
    h = await startFanoutHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('[M7.3, X2] goes out through SendGrid for every recipient, once each, while the SMTP relay is down', async () => {
    const emails = await seedAudience(h.store, `sg-${h.domain}`, 40, 'api');
    const taskQueue = await h.startWorker({
      email: failoverChain([smtpProvider({ transport: mailer(deadSmtpUrl) }), sendGridProvider({ apiKey, baseUrl: sendgrid.url })]),
    });
    const incident = incidentFixture(['api']);
    const before = sendgrid.accepted.length;
    const outcome = await h.client.workflow.execute('broadcastWorkflow', {
      taskQueue, workflowId: `broadcast-${incident.id}`, args: [{ incident, message: messageFixture(1), batchSize: 15 }],
    });
    expect(outcome).toMatchObject({ recipients: 40, batches: 3, sent: 40, failedOver: 40, byProvider: { sendgrid: 40 } });
    const got = sendgrid.accepted.slice(before).map((a) => a.body.personalizations[0].to[0].email).sort();
    expect(got).toEqual(emails);
    expect(sendgrid.accepted.at(-1)!.body.custom_args).toMatchObject({ incident_id: incident.id, message_version: '1' });
  });

  it('[X2] reconciles claims a crash left in doubt with SendGrid: the message it has is recorded as verified, not sent again; none is a duplicate', async () => {
    const domain = `sgdoubt-${h.domain}`;
    const emails = await seedAudience(h.store, domain, 6, 'search');
    const sg = sendGridProvider({ apiKey, baseUrl: sendgrid.url, activityFeedDelayMs: 1000 });
    const taskQueue = await h.startWorker({ email: failoverChain([sg]) });
    const incident = incidentFixture(['search']);
    const message = messageFixture(1);
    // A dead attempt claimed both a while ago; SendGrid accepted the first before the process died.
    const [accepted, lost] = await leaveClaims(h.store, incident, message, [emails[1], emails[4]], new Date(Date.now() - 60_000));
    await sg.send(accepted.email);
    const before = sendgrid.accepted.length;
    const outcome = await h.client.workflow.execute('broadcastWorkflow', {
      taskQueue, workflowId: `broadcast-${incident.id}`, args: [{ incident, message, batchSize: 3 }],
    });
    expect(outcome).toMatchObject({ recipients: 6, sent: 5, verified: 1, inDoubtResent: 0, byProvider: { sendgrid: 5 } });
    const got = sendgrid.accepted.slice(before).map((a) => a.body.personalizations[0].to[0].email).sort();
    expect(got).toEqual(emails.filter((e) => e !== accepted.email.to));
    expect(await h.store.models.DeliveryReceipt.findById(accepted.key).lean()).toMatchObject({ outcome: 'sent', verified: true, provider: 'sendgrid' });
    expect(await h.store.models.DeliveryReceipt.findById(lost.key).lean()).toMatchObject({ outcome: 'sent', provider: 'sendgrid' });
  });

  it('[M7.3] records a recipient the relay refuses for good as failed, never retries it, and delivers the rest', async () => {
    const domain = `refuse-${h.domain}`;
    const emails = await seedAudience(h.store, domain, 10, 'dashboard');
    const refused = emails[4];
    const refusingSink = await startSmtpSink({ refuseRecipient: (a) => (a === refused ? { code: 550, text: '5.1.1 No such user' } : undefined) });
    try {
      const taskQueue = await h.startWorker({ email: failoverChain([smtpProvider({ transport: mailer(refusingSink.url) })]) });
      const incident = incidentFixture(['dashboard']);
      const run = (id: string) => h.client.workflow.execute('broadcastWorkflow', {
        taskQueue, workflowId: id, args: [{ incident, message: messageFixture(1), batchSize: 4 }],
      });
      expect(await run(`broadcast-${incident.id}`)).toMatchObject({ recipients: 10, sent: 9, failed: 1 });
      expect(await run(`broadcast-${incident.id}-again`)).toMatchObject({ recipients: 10, sent: 0, alreadySent: 9, failed: 1 });
      expect(refusingSink.counts.has(refused)).toBe(false);
      expect(emails.filter((e) => e !== refused).every((e) => refusingSink.counts.get(e) === 1)).toBe(true);
      const receipt = await h.store.models.DeliveryReceipt.findOne({ recipient: refused }).lean();
      expect(receipt).toMatchObject({ outcome: 'failed', provider: 'smtp', error: expect.stringContaining('550') });
    } finally {
      await refusingSink.close();
    }
  });
});
