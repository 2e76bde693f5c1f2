import { alertIncidentId } from '../../domain/alerts';
import { upsertIncidentSummary } from '../../store/incident-summaries';
import { uniqueName } from '../support/env';
import { harnessForFile, keys } from '../support/harness';
import { declareIncident, waitForState } from '../support/incidents';
import { waitFor } from '../support/wait';

/**
 * GET /v1/incidents reads the incident read model (the summaries the workflows write), on the
 * demo data: four incidents of this file, one opened by Alertmanager, found by filters, title
 * search, sort and pages; and the Temporal search attributes find the same incidents.
 */
const h = harnessForFile({ data: 'demo' });
const word = uniqueName('Quokka').replace(/-/g, '');

const list = async (query: string, key = keys.viewer) => h.request('GET', `/v1/incidents?q=${word}&${query}`, { key });
const ids = (res: { body: any }) => (res.body.incidents as { id: string }[]).map((i) => i.id);

async function alert(fingerprint: string) {
  const labels = { alertname: 'PaymentsLatency', severity: 'warning', component: 'payments' };
  const res = await fetch(`${h.baseUrl}/v1/alerts/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer dev-alert-secret' },
    body: JSON.stringify({
      version: '4', groupKey: '{}:{alertname="PaymentsLatency"}', truncatedAlerts: 0, status: 'firing', receiver: 'herald',
      groupLabels: { alertname: 'PaymentsLatency' }, commonLabels: labels, commonAnnotations: {}, externalURL: 'http://alertmanager.example:9093',
      alerts: [{
        status: 'firing', labels, annotations: { summary: `Payments are slow (${word})` }, startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://prometheus.example:9090/graph', fingerprint,
      }],
    }),
  });
  expect(res.status).toBe(202);
  return alertIncidentId(fingerprint);
}

async function workflowsFound(query: string) {
  const out: { workflowId: string; searchAttributes: unknown }[] = [];
  for await (const w of h.client.workflow.list({ query })) out.push({ workflowId: w.workflowId, searchAttributes: w.searchAttributes });
  return out;
}

const incidents: Record<'sev1' | 'sev2' | 'sev3' | 'alert', string> = { sev1: '', sev2: '', sev3: '', alert: '' };

beforeAll(async () => {
  const declare = (severity: string, title: string, extra: Record<string, unknown> = {}) => declareIncident(h, {
    title: `${title} (${word})`, category: 'outage', severity, components: ['api'], summary: 'Requests fail.', ...extra,
  });
  incidents.sev1 = await declare('SEV1', 'Everything is down');
  incidents.sev2 = await declare('SEV2', 'Card payments fail', {
    components: ['payments'], tags: ['vendor'], fields: { vendorName: 'Acquirer', subprocessorNoticeRequired: 'no' },
  });
  incidents.sev3 = await declare('SEV3', 'Slow search');
  incidents.alert = await alert(uniqueName('fp'));
  // Each is in the read model once its first pass is done: SEV3s published, SEV1 and SEV2 awaiting approval.
  await waitFor(() => list('limit=100'), (r) => r.status === 200 && r.body.counts.total === 4
    && r.body.incidents.every((i: any) => (i.severity === 'SEV3' ? i.status === 'published' : i.status === 'awaiting-approval')), 'the four summaries');
});

describe('GET /v1/incidents', () => {
  it('[M4.3] lists the incidents with what a reader needs, and counts by status and severity', async () => {
    const res = await list('');
    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual({
      total: 4,
      byStatus: { 'awaiting-approval': 2, published: 2 },
      bySeverity: { SEV1: 1, SEV2: 1, SEV3: 2 },
    });
    const sev1 = res.body.incidents.find((i: any) => i.id === incidents.sev1);
    expect(sev1).toMatchObject({
      title: `Everything is down (${word})`, status: 'awaiting-approval', severity: 'SEV1', category: 'outage', components: ['api'],
      declaredBy: 'Riley Responder', declaredVia: 'person', drill: false, impact: 'critical', pendingApprovers: expect.arrayContaining(['executive']),
    });
    expect(sev1.lead).toEqual(expect.any(String));
    expect(sev1.openDeadlines.map((d: any) => d.kind)).toContain('step:first-external-message');
    expect(sev1.nextExternalUpdateDueAt).toBe(sev1.firstMessageDueAt);
    const sev3 = res.body.incidents.find((i: any) => i.id === incidents.sev3);
    expect(sev3.lastExternalUpdate).toMatchObject({ version: 1, phase: 'investigating' });
    expect(sev3.firstExternalMessageAt).toBe(sev3.lastExternalUpdate.publishedAt);
  });

  it('[M4.3, M1.3] filters by severity, category, component, tag, lead and who declared it', async () => {
    expect(ids(await list('severity=SEV1,SEV2')).sort()).toEqual([incidents.sev1, incidents.sev2].sort());
    expect(ids(await list('severity=SEV1&severity=SEV2')).sort()).toEqual([incidents.sev1, incidents.sev2].sort());
    expect(ids(await list('declaredVia=alert'))).toEqual([incidents.alert]);
    expect((await list('declaredVia=alert')).body.incidents[0]).toMatchObject({ declaredBy: 'alertmanager', severity: 'SEV3', components: ['payments'] });
    expect(ids(await list('declaredVia=person')).sort()).toEqual([incidents.sev1, incidents.sev2, incidents.sev3].sort());
    expect(ids(await list('component=payments')).sort()).toEqual([incidents.alert, incidents.sev2].sort());
    expect(ids(await list('tag=vendor'))).toEqual([incidents.sev2]);
    expect((await list('category=security')).body.counts.total).toBe(0);
    expect(ids(await list('status=awaiting-approval')).sort()).toEqual([incidents.sev1, incidents.sev2].sort());
    const lead = (await list('severity=SEV3')).body.incidents[0].lead as string;
    expect((await list(`lead=${encodeURIComponent(lead)}`)).body.counts.total).toBeGreaterThan(0);
    expect((await list('lead=nobody%40herald.example')).body.counts.total).toBe(0);
    // Drills are listed apart; by default a list is of real incidents.
    expect((await list('drill=true')).body.counts.total).toBe(0);
  });

  it('[M4.3] searches titles in any case, with the search text taken literally', async () => {
    const res = await h.request('GET', `/v1/incidents?q=${encodeURIComponent(`CARD PAYMENTS FAIL (${word.toUpperCase()})`)}`, { key: keys.viewer });
    expect(ids(res)).toEqual([incidents.sev2]);
    // Parentheses matched as written above; `.*` is not a pattern that matches everything.
    expect((await h.request('GET', `/v1/incidents?q=${encodeURIComponent('.*')}`, { key: keys.viewer })).body.counts.total).toBe(0);
  });

  it('[M4.3] filters by detection time', async () => {
    const all = (await list('')).body.incidents as { detectedAt: string }[];
    const latest = all.map((i) => i.detectedAt).sort().at(-1)!;
    expect((await list(`from=${encodeURIComponent(latest)}`)).body.counts.total).toBeGreaterThanOrEqual(1);
    expect((await list(`to=${encodeURIComponent(latest)}`)).body.counts.total).toBe(3);
    expect((await list(`from=${encodeURIComponent(new Date(Date.parse(latest) + 1000).toISOString())}`)).body.counts.total).toBe(0);
  });

  it('[M4.3] sorts and pages with an opaque cursor; every page counts the whole filter', async () => {
    const bySeverity = await list('sort=severity&order=desc');
    expect(bySeverity.body.incidents.map((i: any) => i.severity)).toEqual(['SEV1', 'SEV2', 'SEV3', 'SEV3']);
    expect((await list('sort=severity&order=asc')).body.incidents[3].severity).toBe('SEV1');

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(`sort=detectedAt&order=asc&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.counts.total).toBe(4);
      seen.push(...ids(res));
      cursor = res.body.next;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(2);
    expect(new Set(seen).size).toBe(4);
    const detected = (await list('sort=detectedAt&order=asc')).body.incidents.map((i: any) => i.id);
    expect(seen).toEqual(detected);
  });

  it('[M4.3] refuses bad filters with 400 and its issues', async () => {
    for (const q of ['severity=SEV9', 'status=closed', 'limit=101', 'limit=0', 'cursor=not-a-cursor', 'sort=title', 'drill=maybe', 'from=yesterday',
      'from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'declaredVia=robot']) {
      const res = await list(q);
      expect({ q, status: res.status }).toEqual({ q, status: 400 });
      expect(res.body.issues.length).toBeGreaterThan(0);
    }
    const first = await list('sort=severity&limit=1');
    expect((await list(`sort=detectedAt&limit=1&cursor=${first.body.next}`)).status).toBe(400);
  });

  it('[M4.3] every role that reads incidents may list them; without a key, 401', async () => {
    for (const key of [keys.viewer, keys.responder, keys.approver, keys.manager, keys.admin]) expect((await list('', key)).status).toBe(200);
    expect((await h.request('GET', '/v1/incidents')).status).toBe(401);
  });

  it('[M4.3] a resolved incident moves to status=resolved', async () => {
    const res = await h.request('POST', `/v1/incidents/${incidents.sev3}/resolve`, { key: keys.responder, body: { summary: 'Search is fast again.' } });
    expect(res.status).toBe(202);
    // The page and its counts are separate reads of the read model: wait until both show the resolution.
    const resolved = await waitFor(() => list('status=resolved'), (r) => r.body.counts.total === 1 && r.body.incidents.length === 1, 'the resolved incident in the list');
    expect(resolved.body.incidents[0]).toMatchObject({ id: incidents.sev3, status: 'resolved', resolvedAt: expect.any(String), lastExternalUpdate: { phase: 'resolved' } });
    expect(resolved.body.incidents[0].nextExternalUpdateDueAt).toBeUndefined();
    expect(ids(await list('status=open'))).not.toContain(incidents.sev3);
    expect((await list('status=open')).body.counts.total).toBe(3);
    // A late or retried write of an older summary changes nothing.
    const stale = { ...resolved.body.incidents[0], status: 'published', seq: 1 };
    expect(await upsertIncidentSummary(h.store.models, stale, stale.updatedAt)).toBe(false);
    expect((await list('status=resolved')).body.incidents[0]).toMatchObject({ id: incidents.sev3, status: 'resolved', seq: resolved.body.incidents[0].seq });
  });
});

describe('Temporal search attributes', () => {
  it('[M4.3] find an incident by severity and status after its status changed', async () => {
    await waitForState(h, incidents.sev1, (s) => s.status === 'awaiting-approval');
    const query = `HeraldSeverity="SEV1" AND HeraldStatus="awaiting-approval" AND HeraldIncidentId="${incidents.sev1}"`;
    const found = await waitFor(() => workflowsFound(query), (out) => out.length === 1, `a workflow for ${query}`);
    expect(found[0].workflowId).toBe(`incident-${incidents.sev1}`);
    expect(found[0].searchAttributes).toMatchObject({ HeraldCategory: ['outage'], HeraldComponents: ['api'], HeraldDrill: [false], HeraldLead: [expect.any(String)] });
    const byComponent = `HeraldComponents="payments" AND HeraldIncidentId="${incidents.sev2}" AND HeraldStatus="awaiting-approval"`;
    await waitFor(() => workflowsFound(byComponent), (out) => out.length === 1, `a workflow for ${byComponent}`);
  });
});
