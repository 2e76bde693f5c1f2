import { workflowIdFor } from '../../domain/incident';
import { slackRefFor } from '../../store/channel-secrets';
import { uniqueName } from '../support/env';
import { keys, startHarness, type Harness } from '../support/harness';
import { waitFor } from '../support/wait';
import { startSlackReceiver, type Receiver, type SlackIncomingMessage } from '../support/receivers';

/**
 * A Slack incoming-webhook URL is a credential. A playbook keeps only a reference to it, so the
 * playbook's history, the API and the workflow history of every incident (which carries the
 * playbook snapshot) never show it; the channel dispatch resolves it when it posts.
 */

let h: Harness;
let slack: Receiver<SlackIncomingMessage>;
const playbookId = 'performance-degradation-single';

beforeAll(async () => {
  h = await startHarness();
  slack = await startSlackReceiver();
});
afterAll(async () => {
  await slack?.close();
  await h?.close();
});

/** Every string in a history, payload bytes decoded, so a search sees what the server stores. */
function historyText(value: unknown, out: string[] = []): string[] {
  if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) historyText(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) historyText(v, out);
  return out;
}

describe('Slack webhooks as secrets', () => {
  it('[M3.3, M7.1] a playbook saved with a Slack URL keeps only its reference; an incident posts through it and its history never holds the URL', async () => {
    const url = `${slack.url}/services/T${uniqueName('t')}/B0/very-secret-token`;
    const current = await h.request('GET', `/v1/playbooks/${playbookId}`, { key: keys.manager });
    expect(current.status).toBe(200);
    const playbook = { ...current.body.playbook, distribution: { ...current.body.playbook.distribution, slackWebhooks: [url] } };
    const saved = await h.request('PUT', `/v1/playbooks/${playbookId}`, { key: keys.manager, body: playbook });
    expect(saved.status).toBe(200);
    const ref = slackRefFor(url);
    expect(ref).toMatch(/^secret:slack\/[0-9a-f]{24}$/);
    expect(saved.body.playbook.distribution.slackWebhooks).toEqual([ref]);
    expect(saved.text).not.toContain('very-secret-token');
    expect(await h.store.models.ChannelSecret.findById(ref).lean()).toMatchObject({ kind: 'slack-webhook', url });

    // Saving the same URL again is no change: the reference is the same, so is the hash.
    const again = await h.request('PUT', `/v1/playbooks/${playbookId}`, { key: keys.manager, body: playbook });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ changed: false, version: saved.body.version });
    // Sending the reference back (what a GET returned) is no change either.
    const asRead = await h.request('PUT', `/v1/playbooks/${playbookId}`, { key: keys.manager, body: saved.body.playbook });
    expect(asRead.body).toMatchObject({ changed: false, version: saved.body.version });
    const history = await h.request('GET', `/v1/playbooks/${playbookId}/versions`, { key: keys.manager });
    expect(history.status).toBe(200);
    expect(history.text).not.toContain('very-secret-token');

    const body = {
      id: uniqueName('INC'), title: `Slow dashboards ${uniqueName('t')}`, category: 'performance-degradation', severity: 'SEV4',
      components: ['dashboard'], summary: 'Dashboards load more slowly than usual.',
    };
    expect((await h.request('POST', '/v1/incidents', { key: keys.responder, body })).status).toBe(201);
    const posted = await waitFor(async () => slack.accepted.filter((a) => JSON.stringify(a.body).includes(body.id)), (a) => a.length >= 1, 'the Slack post');
    expect(posted).toHaveLength(1);
    expect(slack.refused).toEqual([]);

    const events = (await h.client.workflow.getHandle(workflowIdFor(body.id)).fetchHistory()).events ?? [];
    const text = historyText(events).join('\n');
    expect(text).toContain(ref);
    expect(text).not.toContain('very-secret-token');
    // The receiver answers before the activity records the outcome: wait for the record to settle.
    const record = await waitFor(
      () => h.store.models.Delivery.findOne({ incidentId: body.id, channel: 'slack' }).lean(),
      (r) => r?.status !== undefined && r.status !== 'sending',
      'the Slack delivery record',
    );
    expect(record).toMatchObject({ recipient: ref, status: 'sent' });
  });

  it('[M7.1] refuses a malformed reference with 400 and the path, storing nothing', async () => {
    const current = await h.request('GET', `/v1/playbooks/${playbookId}`, { key: keys.manager });
    const bad = { ...current.body.playbook, distribution: { ...current.body.playbook.distribution, slackWebhooks: ['secret:slack/not-hex'] } };
    const res = await h.request('PUT', `/v1/playbooks/${playbookId}`, { key: keys.manager, body: bad });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('slackWebhooks');
    const after = await h.request('GET', `/v1/playbooks/${playbookId}`, { key: keys.manager });
    expect(after.body.version).toBe(current.body.version);
  });
});
