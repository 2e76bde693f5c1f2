import { randomBytes } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { createFanoutActivities } from '../../activities/fanout';
import { defaultGatePolicy } from '../../config/gate';
import { broadcastEmail } from '../../domain/delivery';
import { slackIncidentMessage } from '../../domain/delivery/slack';
import { passExternalGate } from '../../domain/gate';
import type { IncidentInput } from '../../domain/incident';
import type { MessageVersion } from '../../domain/messages';
import { newWebhookSecret } from '../../domain/webhooks';
import { uniqueName } from '../../tests/support/env';
import { startHarness, workerConfig } from '../../tests/support/harness';
import { seededRandom } from '../../tests/support/random';
import { startSlackReceiver, startWebhookReceiver } from '../../tests/support/receivers';
import { leaks, plantedMessage, rngFrom, secretKinds, type PlantedMessage } from '../support/secrets';
import type { FaultMode, FaultResult } from '../support/result';

const sizes = { quick: { inProcess: 120, channels: 2 }, full: { inProcess: 10_000, channels: 40 } };

/** Kinds for the n-th message: every class in turn, with one or two others at random. */
function kindsFor(n: number, r: ReturnType<typeof rngFrom>): string[] {
  return [secretKinds[n % secretKinds.length], ...Array.from({ length: r.int(3) }, () => r.pick(secretKinds))];
}

const config = workerConfig('http://status.herald.test');

/** What each channel's renderer makes of a message the gate let through, as a receiver would read it. */
function rendered(m: PlantedMessage, incidentId: string): string[] {
  const verdict = passExternalGate({ subject: m.subject, text: m.text, html: m.html, title: m.title }, defaultGatePolicy);
  if (!verdict.allowed) return [];
  const c = verdict.content;
  const meta = { incidentId, severity: 'SEV2' as const, category: 'outage' as const, version: 1 };
  const email = broadcastEmail(meta, c, 'reader@example.com', config).email;
  const slack = slackIncidentMessage(meta, { title: c.title, subject: c.subject, text: c.text, phase: 'investigating' }, `${config.publicUrl}/status`);
  return [email.subject, email.text, email.html, JSON.stringify(slack), JSON.stringify({ title: c.title, subject: c.subject, body: c.text })];
}

/**
 * Secrets: generated messages with planted secrets of every class the gate knows. Most go
 * through the gate and every channel's renderer in this process (the gate is pure); a smaller
 * set goes out for real: status page and status API (in-app notices read the same entry), email
 * to Mailpit, a signed customer webhook and Slack. A fault is each planted secret; a leak (a
 * secret readable at any receiver) is a client error.
 */
export async function secretsScenario(mode: FaultMode): Promise<FaultResult> {
  const random = seededRandom();
  const r = rngFrom(random.next);
  const size = sizes[mode];
  let planted = 0;
  let leaked = 0;
  let blocked = 0;
  const leakedKinds = new Set<string>();
  for (let n = 0; n < size.inProcess; n++) {
    const m = plantedMessage(r, kindsFor(n, r));
    planted += m.secrets.length;
    const out = rendered(m, `INC-secrets-${n}`);
    if (!out.length) blocked++;
    const found = leaks(out.join('\n'), m.secrets);
    leaked += found.length;
    for (const f of found) leakedKinds.add(f.kind);
  }

  // The real channels, through the shipped activities.
  const h = await startHarness({ worker: false });
  const secret = newWebhookSecret(randomBytes(32));
  const [hooks, slack] = await Promise.all([startWebhookReceiver(secret), startSlackReceiver()]);
  let channelMessages = 0;
  try {
    const componentId = uniqueName('comp-secrets');
    await h.store.models.Component.create({ componentId, name: componentId, service: 'test', dependsOn: [] });
    const domain = `secrets-${h.domain}`;
    await h.store.models.Customer.create({
      customerId: uniqueName('cust').toLowerCase(), name: 'Secrets Ltd', tier: 'business', locale: 'en',
      emails: [`ops@${domain}`], subscriptions: [componentId], webhooks: [{ url: `${hooks.url}/hook`, secret }],
    });
    const deps = { store: h.store, mailer: h.mailer, config };
    const activities = { ...createActivities(deps), ...createFanoutActivities(deps) };
    const env = () => new MockActivityEnvironment({ taskQueue: h.taskQueue }, { client: h.client });
    for (let n = 0; n < size.channels; n++) {
      const m = plantedMessage(r, kindsFor(n + 7, r));
      planted += m.secrets.length;
      channelMessages++;
      const incident: IncidentInput = {
        id: uniqueName('INC-SEC'), title: m.title, category: 'outage', severity: 'SEV2', components: [componentId],
        summary: 'Some requests fail.', declaredBy: 'test', detectedAt: new Date().toISOString(),
      };
      const message: MessageVersion = {
        version: 1, hash: 'h1', phase: 'investigating', subject: m.subject, text: m.text, html: m.html,
        templateId: 'outage-investigating-major', createdAt: new Date().toISOString(), author: 'test', locale: 'en',
      };
      const publishedAt = new Date().toISOString();
      const went = await (async () => {
        await env().run(activities.publishStatusPage, { incident, message, publishedAt });
        const plan = (await env().run(activities.planBroadcast, { incident, message, batchSize: 500 })) as { batches: number };
        for (let b = 0; b < plan.batches; b++) await env().run(activities.sendEmailBatch, { incident, message, batchIndex: b, batchSize: 500 });
        await env().run(activities.deliverChannels, { incident, message, publishedAt, delivered: [], internal: { slackWebhooks: [`${slack.url}/services/T000/B000`], distributionLists: [] } });
        return true;
      })().catch((err: unknown) => {
        // The gate's refusal: nothing of this version may have gone anywhere.
        const refused = (err as { type?: string })?.type === 'PublicationBlocked' || /PublicationBlocked|blocked|not published|cannot make safe|redact/i.test(String((err as Error)?.message ?? err));
        if (!refused) throw err;
        return false;
      });
      if (!went) blocked++;
      const received: string[] = [];
      for (const path of ['/api/v2/incidents.json', `/status/incidents/${incident.id}`]) received.push((await h.request('GET', path)).text);
      for (const mail of await h.mailpit.forIncident(incident.id)) received.push(mail.Subject, await h.mailpit.text(mail.ID));
      received.push(...hooks.accepted.map((a) => a.body.raw), ...slack.accepted.map((a) => JSON.stringify(a.body)));
      const found = leaks(received.join('\n'), m.secrets);
      leaked += found.length;
      for (const f of found) leakedKinds.add(f.kind);
    }
    return {
      scenario: 'secrets', faultsInjected: planted, inFlight: size.inProcess + channelMessages, lost: 0, duplicated: 0, clientErrors: leaked, recoverySeconds: 0,
      details: {
        seed: random.seed, kinds: secretKinds.length, messagesInProcess: size.inProcess, messagesThroughChannels: channelMessages, blockedByGate: blocked,
        webhooksReceived: hooks.accepted.length, slackReceived: slack.accepted.length, leakedKinds: [...leakedKinds],
      },
    };
  } finally {
    await Promise.all([hooks.close(), slack.close()]);
    await h.close();
  }
}
