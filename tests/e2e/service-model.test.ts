import { createAudienceActivities } from '../../activities/audience';
import { keys, harnessForFile } from '../support/harness';

const h = harnessForFile({ worker: false });

describe('service model through the API', () => {
  it('[M1.4] adds components with dependencies and refuses unknown, self and duplicate ones', async () => {
    const cdn = { componentId: 'cdn', name: 'CDN', service: 'edge', dependsOn: ['us-region', 'eu-region'] };
    const created = await h.request('POST', '/v1/components', { key: keys.admin, body: cdn });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ ...cdn });
    const site = await h.request('POST', '/v1/components', { key: keys.admin, body: { componentId: 'marketing-site', name: 'Marketing site', service: 'web', dependsOn: ['cdn'] } });
    expect(site.status).toBe(201);

    expect((await h.request('POST', '/v1/components', { key: keys.admin, body: cdn })).status).toBe(409);
    const bad = await h.request('POST', '/v1/components', { key: keys.admin, body: { componentId: 'loop', name: 'Loop', service: 'x', dependsOn: ['loop', 'nowhere'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: any) => [i.path, i.message])).toEqual([
      ['dependsOn.0', 'a component cannot depend on itself'],
      ['dependsOn.1', 'unknown component "nowhere"'],
    ]);
    const invalid = await h.request('POST', '/v1/components', { key: keys.admin, body: { componentId: 'Bad ID', name: '' } });
    expect(invalid.body.issues.map((i: any) => i.path).sort()).toEqual(['componentId', 'name', 'service']);
    expect((await h.request('POST', '/v1/components', { key: keys.responder, body: cdn })).status).toBe(403);

    const list = await h.request('GET', '/v1/components', { key: keys.viewer });
    expect(list.status).toBe(200);
    expect(list.body.components.find((c: any) => c.componentId === 'marketing-site')).toEqual({
      componentId: 'marketing-site', name: 'Marketing site', service: 'web', dependsOn: ['cdn'],
    });
    expect(list.body.components.find((c: any) => c.componentId === 'api').dependsOn).toEqual(['auth', 'database']);
  });

  it('[M1.4] computes the audience of an incident from the graph, contracts and preferences, with deadline timers', async () => {
    const base = { locale: 'en', emails: [`x@${h.domain}`] };
    for (const c of [
      { ...base, customerId: 'bigbank', name: 'Big Bank', tier: 'enterprise', phone: '+14155550100', accountManager: { name: 'Dana W', email: 'dana@herald.example' }, contract: { notifyWithinMinutes: { SEV1: 15, SEV2: 30 } }, subscriptions: ['marketing-site'] },
      { ...base, customerId: 'shopco', name: 'Shop Co', tier: 'business', subscriptions: ['cdn'], preferences: { channels: ['in-app'] } },
      { ...base, customerId: 'quiet', name: 'Quiet Ltd', tier: 'standard', subscriptions: ['marketing-site'], preferences: { minimumSeverity: 'SEV1' } },
    ]) {
      expect((await h.request('POST', '/v1/customers', { key: keys.admin, body: c })).status).toBe(201);
    }
    const res = await h.request('GET', '/v1/audience?components=us-region&severity=SEV2&detectedAt=2024-05-01T10:00:00.000Z', { key: keys.responder });
    expect(res.status).toBe(200);
    expect(res.body.impactedComponents).toEqual(['api', 'auth', 'cdn', 'dashboard', 'database', 'email-delivery', 'marketing-site', 'payments', 'us-region', 'webhook-delivery']);
    const ids = res.body.customers.map((c: any) => c.customerId);
    // Soonest contractual deadline first, then tier, then ID; initech has no deadline at SEV2.
    expect(ids).toEqual(['bigbank', 'acme', 'globex', 'hooli', 'shopco', 'initech']);
    expect(ids).not.toContain('quiet');
    expect(res.body.customers[0]).toEqual({
      customerId: 'bigbank', tier: 'enterprise', locale: 'en', via: ['marketing-site'], channels: ['email', 'in-app', 'phone'], declined: [],
      emails: [`x@${h.domain}`], suppressed: [], notifyWithinMinutes: 30,
    });
    expect(res.body.customers[4]).toMatchObject({ customerId: 'shopco', channels: ['in-app'], declined: ['email', 'webhook', 'phone'], emails: [], notifyWithinMinutes: 120 });
    expect(res.body.deadlines).toEqual([
      { notifyWithinMinutes: 30, dueAt: '2024-05-01T10:30:00.000Z', escalateAt: '2024-05-01T10:22:00.000Z', customerIds: ['bigbank'], tiers: ['enterprise'] },
      { notifyWithinMinutes: 60, dueAt: '2024-05-01T11:00:00.000Z', escalateAt: '2024-05-01T10:45:00.000Z', customerIds: ['acme'], tiers: ['enterprise'] },
      { notifyWithinMinutes: 120, dueAt: '2024-05-01T12:00:00.000Z', escalateAt: '2024-05-01T11:45:00.000Z', customerIds: ['globex', 'hooli', 'shopco'], tiers: ['business'] },
    ]);
    const sev1 = await h.request('GET', '/v1/audience?components=marketing-site&severity=SEV1', { key: keys.responder });
    expect(sev1.body.customers.map((c: any) => c.customerId)).toEqual(['bigbank', 'quiet']);

    const unknown = await h.request('GET', '/v1/audience?components=api,warp&severity=SEV2', { key: keys.responder });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues[0].message).toBe('unknown component "warp"');
    expect((await h.request('GET', '/v1/audience?components=api&severity=SEV9', { key: keys.responder })).status).toBe(400);
    expect((await h.request('GET', '/v1/audience?components=api&severity=SEV1', { key: keys.viewer })).status).toBe(403);
  });

  it('[M1.4] plans the audience for the workflow: counts and deadline groups to turn into durable timers', async () => {
    const { planAudience } = createAudienceActivities({ store: h.store });
    const plan = await planAudience({ components: ['us-region'], severity: 'SEV2', detectedAt: '2024-05-01T10:00:00.000Z' });
    expect(plan).toMatchObject({
      customers: 6,
      byTier: { enterprise: 2, business: 3, standard: 1 },
      byChannel: { email: 5, webhook: 0, 'in-app': 6, phone: 1 },
    });
    expect(plan.impactedComponents).toContain('marketing-site');
    expect(plan.deadlines.map((d) => [d.dueAt, d.customerIds])).toEqual([
      ['2024-05-01T10:30:00.000Z', ['bigbank']],
      ['2024-05-01T11:00:00.000Z', ['acme']],
      ['2024-05-01T12:00:00.000Z', ['globex', 'hooli', 'shopco']],
    ]);
  });
});
