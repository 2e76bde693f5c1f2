import { alertSecret } from '../../config/alerts';
import { alertIncidentId } from '../../domain/alerts';
import { workflowIdFor } from '../../domain/incident';
import { uniqueName } from '../support/env';
import { saveHistoryFixture } from '../support/history-fixtures';
import { keys, harnessForFile } from '../support/harness';
import { declareIncident, emailBroadcastDone, waitForAudit, waitForState } from '../support/incidents';
import { waitFor } from '../support/wait';

/**
 * Recurring incidents on the demo data set, through the REST API (M7.5): the performance
 * playbooks adapt communication when the same problem comes back. Webhook delivery reaches Stark
 * Logistics (German) and Tyrell Analytics (English) by email.
 */

const h = harnessForFile({ data: 'demo' });
const title = 'Webhook deliveries are late';
const rootCause = 'The retry queue ran out of workers after a configuration change';

const declare = () => declareIncident(h, {
  id: uniqueName('RC'), title, category: 'performance-degradation', severity: 'SEV3', components: ['webhook-delivery'],
  summary: 'Webhook deliveries arrive minutes late.',
});

/** The incident is out and its summary (what the next declaration's lookup reads) is written. */
async function published(id: string, check: (s: any) => boolean = () => true) {
  await waitForState(h, id, (s) => s.status === 'published');
  await emailBroadcastDone(h, id, 1);
  return waitFor(() => h.store.models.IncidentSummary.findById(id).lean(), (s: any) => !!s && s.status === 'published' && check(s), `${id}'s summary`);
}

const recurrence = (id: string) => h.request('GET', `/v1/incidents/${id}/recurrence`, { key: keys.manager });

/** The text of the one email of an incident to an address. */
async function emailTo(incidentId: string, address: string): Promise<string> {
  const [m] = await h.mailpit.waitForIncident(incidentId, (ms) => ms.some((x) => x.To.some((t) => t.Address === address)));
  return h.mailpit.text(m.To.some((t) => t.Address === address) ? m.ID : (await h.mailpit.forIncident(incidentId)).find((x) => x.To.some((t) => t.Address === address))!.ID);
}

describe('recurring incidents and fatigue', () => {
  it('[M7.5] a repeat of the same problem is detected at declaration; those told before get the short message linking it and its root cause; the fourth time is escalated with the history', async () => {
    const first = await declare();
    await published(first);
    expect((await h.request('POST', `/v1/incidents/${first}/root-cause`, { key: keys.responder, body: { statement: rootCause } })).status).toBe(200);
    await waitFor(() => h.store.models.IncidentSummary.findById(first).lean(), (s: any) => s?.rootCause === rootCause, `${first}'s root cause in its summary`);
    const firstText = await emailTo(first, 'platform@tyrell.example');
    expect(firstText).not.toContain('same problem');

    const second = await declare();
    await published(second);
    const r = await recurrence(second);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      incidentId: second, recurring: true, count: 1, chronic: false, windowDays: 30,
      priorIncidents: [{ id: first, title, rootCause, matchedBy: 'components' }],
    });
    // Both customers had the first incident's email, so both got the short message, each in their locale.
    expect(r.body.adaptations.counts).toEqual({ 'short-message': 2, 'daily-cap': 0, digest: 0 });
    expect(r.body.adaptations.records.map((x: any) => [x.recipient, x.kind, x.priorIncident]).sort()).toEqual([
      ['leitstelle@stark.example', 'short-message', first],
      ['platform@tyrell.example', 'short-message', first],
    ]);
    const english = await emailTo(second, 'platform@tyrell.example');
    const date = new Date().toISOString().slice(0, 10);
    expect(english).toContain(`This is the same problem as "${title}" on ${date}.`);
    expect(english).toContain(`What caused it then: ${rootCause}`);
    expect(english).toMatch(/What we said then and what we say now: http\S+/);
    // Shorter: the first paragraph stays, the rest of the full message is left to the linked pages.
    expect(firstText).toContain('Webhook deliveries arrive minutes late.');
    expect(english).toContain(firstText.split('\n')[0]);
    expect(english).not.toContain('Webhook deliveries arrive minutes late.');
    // Stark reads German, but this version has no German text: its short paragraph follows the message's language.
    const stark = await emailTo(second, 'leitstelle@stark.example');
    expect(stark).toContain(`This is the same problem as "${title}" on ${date}.`);
    // The link leads to the earlier incident's page.
    const link = /What we said then and what we say now: (http\S+)/.exec(english)![1];
    const followed = await fetch(link.replace(/^https?:\/\/[^/]+/, h.baseUrl), { redirect: 'manual' });
    expect(followed.status).toBe(302);
    expect(followed.headers.get('location')).toContain(first);

    // The audit says what was found; the KPIs count the incident as recurring.
    await waitForAudit(h, second, 'recurrence-detected', { count: 1, chronic: false });
    const kpis = await h.request('GET', `/v1/incidents/${second}/kpis`, { key: keys.manager });
    expect(kpis.body.recurrence ?? kpis.body.incident?.recurrence).toMatchObject({ recurring: true, count: 1, priorIncidents: [first] });

    const third = await declare();
    await published(third, (s) => s.recurrence?.count === 2);
    const fourth = await declare();
    await published(fourth);
    const chronic = await recurrence(fourth);
    expect(chronic.body).toMatchObject({ count: 3, chronic: true });
    expect(chronic.body.priorIncidents.map((p: any) => p.id)).toEqual([third, second, first]);
    // Executives and account management hear of it with the history; the third time did not escalate.
    // Internal notices carry no incident ID in their Message-ID: they are found by subject and text.
    const escalations = async (id: string) => {
      const found = await h.mailpit.search('subject:"recurring for the"');
      const texts = await Promise.all(found.map(async (m) => ({ m, text: await h.mailpit.text(m.ID) })));
      return texts.filter((x) => x.text.includes(`Incident ${id} repeats`));
    };
    const escalation = await waitFor(() => escalations(fourth), (x) => x.length >= 2, 'the escalation of the chronic recurrence');
    expect(escalation[0].m.Subject).toBe(`[SEV3] ${title}: recurring for the 4th time in 30 days`);
    expect(escalation.flatMap((x) => x.m.To.map((t) => t.Address)).sort()).toEqual(['account-managers@herald.internal', 'exec-oncall@herald.internal']);
    for (const id of [first, second, third]) expect(escalation[0].text).toContain(id);
    expect(escalation[0].text).toContain(`Root cause: ${rootCause}`);
    expect(await escalations(third)).toEqual([]);
    // The new path of the patch recurrence-detection, for the replay test (README, "Workflow changes and replay").
    await saveHistoryFixture('recurrence-chronic-escalation', h.client.workflow.getHandle(workflowIdFor(fourth)));

    // Refusals: an unknown incident, a key without the role.
    expect((await h.request('GET', `/v1/incidents/${uniqueName('none')}/recurrence`, { key: keys.manager })).status).toBe(404);
    expect((await h.request('GET', `/v1/incidents/${second}/recurrence`, { key: keys.viewer })).status).toBe(403);
    expect((await h.request('GET', `/v1/incidents/${second}/recurrence?limit=0`, { key: keys.manager })).status).toBe(400);
  });

  it('[M7.5] the same alert firing after its incident was resolved opens the next occurrence, found by its fingerprint', async () => {
    const fingerprint = uniqueName('recurring-alert');
    const fire = async () => {
      const res = await fetch(`${h.baseUrl}/v1/alerts/alertmanager`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${alertSecret()}` },
        body: JSON.stringify({
          version: '4', groupKey: '{}:{alertname="QueueBacklog"}', truncatedAlerts: 0, status: 'firing', receiver: 'herald',
          groupLabels: { alertname: 'QueueBacklog' }, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://alertmanager.example:9093',
          alerts: [{
            status: 'firing', labels: { alertname: 'QueueBacklog', severity: 'info', service: 'messaging' }, annotations: { summary: `Queue backlog ${fingerprint}` },
            startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://prometheus.example:9090/graph', fingerprint,
          }],
        }),
      });
      expect(res.status).toBe(202);
      return ((await res.json()) as any).alerts[0];
    };
    const opened = await fire();
    expect(opened).toMatchObject({ incidentId: alertIncidentId(fingerprint), outcome: 'opened' });
    expect(await fire()).toMatchObject({ incidentId: opened.incidentId, outcome: 'joined' });
    await waitForState(h, opened.incidentId, (s) => s.status === 'published');
    await waitFor(() => h.store.models.IncidentSummary.findById(opened.incidentId).lean(), (s: any) => s?.alertFingerprints?.includes(fingerprint), 'the summary with its fingerprint');
    expect((await h.request('POST', `/v1/incidents/${opened.incidentId}/resolve`, { key: keys.responder, body: { summary: 'The backlog drained.' } })).status).toBe(202);
    // The resolved incident's workflow ends once its closing summary is written.
    await h.client.workflow.getHandle(workflowIdFor(opened.incidentId)).result();

    const again = await fire();
    expect(again).toMatchObject({ incidentId: `${opened.incidentId}-2`, outcome: 'opened' });
    await waitForState(h, again.incidentId, (s) => s.recurrence !== undefined, 'the recurrence found');
    const r = await waitFor(() => recurrence(again.incidentId), (x) => x.status === 200 && x.body.recurring, 'the recurrence in the read model');
    expect(r.body.priorIncidents).toEqual([expect.objectContaining({ id: opened.incidentId, matchedBy: 'alert-fingerprint' })]);
  });
});
