import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createFanoutActivities } from '../../activities/fanout';
import type { ActivityDeps } from '../../activities/deps';
import { createStatusPageActivities } from '../../activities/status-page';
import { workflowIdFor, type IncidentInput } from '../../domain/incident';
import type { MessageVersion } from '../../domain/messages';
import { textToHtml } from '../../domain/messages/content-hash';
import { createMailer } from '../../workers/worker';
import { testEnv, uniqueName } from '../support/env';
import { keys, harnessForFile, workerConfig } from '../support/harness';
import { nearMisses } from '../support/incidents';
import { waitForValue, workflowIdle } from '../support/wait';

/**
 * Every external channel passes the one gate (M5.5) and what it stops is a near miss (M5.6):
 * secrets seeded into an incident never reach Mailpit, the status page or the status API.
 */

const h = harnessForFile();

const githubToken = `ghp_${'Zx9Qw3Er7Ty1Ui5Op2As6Df8Gh4Jk0Lm3Nb7V'.slice(0, 36)}`;
const secrets = ['db01.payments.internal', '10.20.30.40', 'ledgerd', githubToken, 'jane.doe@herald.example'];
const privateKey = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n-----END RSA PRIVATE KEY-----';

interface MailpitFull {
  Subject: string;
  Text: string;
  HTML: string;
}

async function mailpitMessage(id: string): Promise<MailpitFull & { raw: string }> {
  const api = testEnv().mailpitApiUrl;
  const full = (await (await fetch(`${api}/api/v1/message/${id}`)).json()) as MailpitFull;
  const raw = await (await fetch(`${api}/api/v1/message/${id}/raw`)).text();
  return { ...full, raw };
}

function expectClean(where: string, text: string) {
  for (const s of secrets) {
    if (text.toLowerCase().includes(s.toLowerCase())) throw new Error(`${s} reached ${where}`);
  }
}

describe('the one gate on every channel', () => {
  it('[M5.5, M5.6] keeps secrets seeded in an incident out of email, the status page and the status API', async () => {
    const marker = uniqueName('gate');
    const id = uniqueName('INC');
    const declared = await h.request('POST', '/v1/incidents', {
      key: keys.responder,
      body: {
        id,
        title: `Errors on db01.payments.internal ${marker}`,
        category: 'outage',
        severity: 'SEV3',
        components: ['api'],
        summary: `Requests from 10.20.30.40 to ledgerd failed. Ask jane.doe@herald.example; the token ${githubToken} was rotated.`,
      },
    });
    expect(declared.status).toBe(201);

    const mails = await h.mailpit.waitFor(h.domain, (m) => m.filter((x) => x.Subject.includes(marker)).length >= 3);
    const ours = mails.filter((m) => m.Subject.includes(marker));
    expect(ours.map((m) => m.To[0].Address).sort()).toEqual(h.fixtures.apiSubscribers);
    for (const m of ours) {
      const full = await mailpitMessage(m.ID);
      expectClean('the email subject', full.Subject);
      expectClean('the plain-text email', full.Text);
      expectClean('the HTML email', full.HTML);
      expectClean('the raw email', full.raw);
      expect(full.Subject).toContain(`Errors on [redacted] ${marker}`);
      expect(full.Text).toContain('Requests from [redacted] to [redacted] failed.');
    }

    const statusJson = await h.request('GET', '/status.json');
    const incident = [...statusJson.body.activeIncidents, ...statusJson.body.recentIncidents].find((i: any) => i.id === id);
    expect(incident.title).toBe(`Errors on [redacted] ${marker}`);
    expectClean('the status API', JSON.stringify(incident));
    const page = await h.request('GET', '/status');
    expect(page.text).toContain(marker);
    expectClean('the status page', page.text);

    const recorded = await waitForValue(async () => {
      const list = await nearMisses(h, id);
      const channels = list.filter((n) => n.kind === 'redacted-disclosure').map((n) => n.details.channel).sort();
      return channels.includes('email') && channels.includes('status-page') ? list : undefined;
    }, 'redaction near misses');
    const kinds = recorded.flatMap((n) => n.details.findings.map((f: any) => f.kind));
    expect(new Set(kinds)).toEqual(new Set(['internal-host', 'ip-address', 'internal-service', 'staff-email', 'github-token']));
    expectClean('the near-miss record', JSON.stringify(recorded));
  });

  it('[M5.5, M5.6] publishes nothing on any channel when a message cannot be made safe, and records the block', async () => {
    const marker = uniqueName('blocked');
    const id = uniqueName('INC');
    const declared = await h.request('POST', '/v1/incidents', {
      key: keys.responder,
      body: { id, title: `Login failures ${marker}`, category: 'outage', severity: 'SEV3', components: ['api'], summary: `Our deploy key leaked:\n${privateKey}` },
    });
    expect(declared.status).toBe(201);
    const blocked = await waitForValue(async () => (await nearMisses(h, id)).find((n) => n.kind === 'blocked-publication'), 'the blocked publication');
    expect(blocked.details).toMatchObject({ channel: 'status-page', version: 1, reasons: expect.arrayContaining([expect.stringMatching(/^text: contains a private-key/)]) });
    // The workflow has acted on the block: any (wrong) later channel would have sent by now.
    await workflowIdle(h.client.workflow.getHandle(workflowIdFor(id)));
    // Staff still get their internal notices; no customer gets anything.
    expect((await h.mailpit.toDomain(h.domain)).filter((m) => m.Subject.includes(marker))).toEqual([]);
    const statusJson = await h.request('GET', '/status.json');
    expect([...statusJson.body.activeIncidents, ...statusJson.body.recentIncidents].some((i: any) => i.id === id)).toBe(false);
  });

  it('[M5.5, M5.6] has each dispatch activity refuse a blocked message itself, non-retryably, recording the near miss', async () => {
    const mailer = createMailer(testEnv().smtpUrl);
    const deps: ActivityDeps = { store: h.store, mailer, config: workerConfig('http://status.herald.test') };
    const marker = uniqueName('direct');
    const incident: IncidentInput = {
      id: uniqueName('INC'), title: `Direct ${marker}`, category: 'outage', severity: 'SEV3', components: ['api'],
      summary: 's', declaredBy: 'test', detectedAt: new Date().toISOString(),
    };
    const text = `We found key material:\n${privateKey}\nand nothing else to say about it for now.`;
    const message: MessageVersion = {
      version: 7, hash: 'x'.repeat(64), phase: 'investigating', subject: `Update ${marker}`, text, html: textToHtml(text),
      templateId: 'custom', createdAt: new Date().toISOString(), author: 'test',
    };
    try {
      const env = new MockActivityEnvironment();
      const fanout = createFanoutActivities(deps);
      const statusPage = createStatusPageActivities(deps);
      for (const run of [async () => {
        await env.run(fanout.planBroadcast, { incident, message, batchSize: 50 });
        return env.run(fanout.sendEmailBatch, { incident, message, batchIndex: 0, batchSize: 50 });
      }, () => env.run(statusPage.publishStatusPage, { incident, message, publishedAt: new Date().toISOString() })]) {
        const err = await run().then(() => undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(ApplicationFailure);
        expect(err).toMatchObject({ type: 'PublicationBlocked', nonRetryable: true });
      }
    } finally {
      mailer.close();
    }
    const channels = (await nearMisses(h, incident.id)).filter((n) => n.kind === 'blocked-publication').map((n) => n.details.channel).sort();
    expect(channels).toEqual(['email', 'status-page']);
    expect(await h.store.models.StatusEntry.countDocuments({ incidentId: incident.id })).toBe(0);
    expect(await h.store.models.Delivery.countDocuments({ incidentId: incident.id })).toBe(0);
    expect((await h.mailpit.toDomain(h.domain)).filter((m) => m.Subject.includes(marker))).toEqual([]);
  });

  it('[M5.6] answers 404 for the near misses of an unknown incident and 403 without the manager role', async () => {
    expect((await h.request('GET', '/v1/incidents/INC-never-declared/near-misses', { key: keys.manager })).status).toBe(404);
    expect((await h.request('GET', '/v1/incidents/INC-never-declared/near-misses', { key: keys.responder })).status).toBe(403);
    expect((await h.request('GET', '/v1/incidents/bad%20id!/near-misses', { key: keys.manager })).status).toBe(400);
    expect((await h.request('GET', '/v1/incidents/INC-never-declared/near-misses?kind=bogus', { key: keys.manager })).status).toBe(400);
  });
});
