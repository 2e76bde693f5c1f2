import fc from 'fast-check';
import { affectedAudience, contractDeadlines, emailRecipients, impactedComponents, legalNoticeFor, outreachAccounts, type AudienceCustomer } from '../../../domain/audience';
import { CustomerSchema, ComponentSchema, unknownDependencies } from '../../../domain/audience/service-model';
import { demoComponents, demoCustomers } from '../../../store/demo-data';

const graph = [
  { componentId: 'region', dependsOn: [] },
  { componentId: 'db', dependsOn: ['region'] },
  { componentId: 'api', dependsOn: ['db'] },
  { componentId: 'dashboard', dependsOn: ['api'] },
  { componentId: 'billing', dependsOn: [] },
];

const customer = (over: Partial<AudienceCustomer> & { customerId: string }): AudienceCustomer => ({
  tier: 'standard', locale: 'en', subscriptions: [], emails: [`${over.customerId}@x.example`], ...over,
});

describe('impactedComponents', () => {
  it('[M1.4] spreads an outage to everything that depends on it, transitively', () => {
    expect([...impactedComponents(graph, ['db'])].sort()).toEqual(['api', 'dashboard', 'db']);
    expect([...impactedComponents(graph, ['region'])].sort()).toEqual(['api', 'dashboard', 'db', 'region']);
    expect([...impactedComponents(graph, ['dashboard'])]).toEqual(['dashboard']);
    expect([...impactedComponents(graph, ['billing'])]).toEqual(['billing']);
  });

  it('[M1.4] terminates on cycles and visits each component once', () => {
    const cyclic = [
      { componentId: 'a', dependsOn: ['c'] },
      { componentId: 'b', dependsOn: ['a'] },
      { componentId: 'c', dependsOn: ['b'] },
      { componentId: 'd', dependsOn: ['d'] },
    ];
    expect([...impactedComponents(cyclic, ['a'])].sort()).toEqual(['a', 'b', 'c']);
    expect([...impactedComponents(cyclic, ['d'])]).toEqual(['d']);
  });

  it('[M1.4] always contains the affected components and is closed under "depends on" (property)', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    fc.assert(
      fc.property(
        fc.array(fc.record({ componentId: fc.constantFrom(...ids), dependsOn: fc.subarray(ids) }), { maxLength: 10 }),
        fc.subarray(ids),
        (g, affected) => {
          const out = impactedComponents(g, affected);
          for (const a of affected) expect(out.has(a)).toBe(true);
          for (const n of g) if (n.dependsOn.some((d) => out.has(d))) expect(out.has(n.componentId)).toBe(true);
        },
      ),
    );
  });

  it('finds dependencies on components that do not exist', () => {
    expect(unknownDependencies([{ componentId: 'x', dependsOn: ['y', 'z'] }], new Set(['x', 'y']))).toEqual([{ componentId: 'x', missing: 'z' }]);
  });
});

describe('affectedAudience', () => {
  const customers: AudienceCustomer[] = [
    customer({ customerId: 'ent', tier: 'enterprise', phone: '+14155550100', subscriptions: ['dashboard', 'billing'], webhooks: [{ url: 'https://h.example' }] }),
    customer({ customerId: 'biz', tier: 'business', locale: 'de', subscriptions: ['api'], contract: { notifyWithinMinutes: { SEV1: 45, SEV3: 300 } } }),
    customer({ customerId: 'std', subscriptions: ['db', 'api'] }),
    customer({ customerId: 'picky', subscriptions: ['api'], preferences: { channels: ['webhook'], minimumSeverity: 'SEV2' } }),
    customer({ customerId: 'elsewhere', tier: 'enterprise', subscriptions: ['billing'] }),
  ];

  it('[M1.4] reaches customers through the dependency graph with their tier, locale, route, channels and contractual deadline', () => {
    const audience = affectedAudience(graph, customers, { components: ['db'], severity: 'SEV1' });
    const x = (id: string) => [`${id}@x.example`];
    expect(audience).toEqual([
      { customerId: 'ent', tier: 'enterprise', locale: 'en', via: ['dashboard'], channels: ['email', 'webhook', 'in-app', 'phone'], declined: [], emails: x('ent'), suppressed: [], deadlines: { SEV1: 30, SEV2: 60, SEV3: 240 }, notifyWithinMinutes: 30 },
      { customerId: 'biz', tier: 'business', locale: 'de', via: ['api'], channels: ['email', 'in-app'], declined: [], emails: x('biz'), suppressed: [], deadlines: { SEV1: 45, SEV3: 300 }, notifyWithinMinutes: 45 },
      // Webhook only, and without an endpoint: no channel at all, not even in-app.
      { customerId: 'picky', tier: 'standard', locale: 'en', via: ['api'], channels: [], declined: ['email', 'in-app', 'phone'], emails: [], suppressed: [], deadlines: {}, notifyWithinMinutes: undefined },
      { customerId: 'std', tier: 'standard', locale: 'en', via: ['api', 'db'], channels: ['email', 'in-app'], declined: [], emails: x('std'), suppressed: [], deadlines: {}, notifyWithinMinutes: undefined },
    ]);
  });

  it('[M1.4] lists in-app only where preferences allow it, and email only for a customer who chose it', () => {
    const emailOnly = customer({ customerId: 'mail', subscriptions: ['api'], preferences: { channels: ['email'] } });
    const inAppOnly = customer({ customerId: 'app', subscriptions: ['api'], preferences: { channels: ['in-app'] } });
    const [mail, app] = affectedAudience(graph, [emailOnly, inAppOnly], { components: ['db'], severity: 'SEV1' }).sort((a, b) => b.customerId.localeCompare(a.customerId));
    expect(mail).toMatchObject({ channels: ['email'], emails: ['mail@x.example'] });
    expect(app).toMatchObject({ channels: ['in-app'], emails: [] });
    expect(emailRecipients([mail, app]).map((r) => r.email)).toEqual(['mail@x.example']);
  });

  it('[M1.4] a suppressed address gets no email; the customer keeps their other addresses and channels', () => {
    const two = customer({ customerId: 'two', subscriptions: ['api'], emails: ['A@two.example', 'b@two.example'] });
    const one = customer({ customerId: 'one', subscriptions: ['api'], emails: ['only@one.example'] });
    const suppressed = new Set(['a@two.example', 'only@one.example']);
    const audience = affectedAudience(graph, [two, one], { components: ['api'], severity: 'SEV2' }, { suppressed });
    expect(audience.map((m) => [m.customerId, m.channels, m.emails, m.suppressed])).toEqual([
      ['one', ['in-app'], [], ['only@one.example']],
      ['two', ['email', 'in-app'], ['b@two.example'], ['A@two.example']],
    ]);
  });

  it('[M1.4] a legal notice reaches by email whom preferences, the floor or an unsubscribe would not, and says what it overrode', () => {
    const appOnly = customer({ customerId: 'app', subscriptions: ['api'], preferences: { channels: ['in-app'], minimumSeverity: 'SEV4' } });
    const floor = customer({ customerId: 'floor', subscriptions: ['api'], preferences: { minimumSeverity: 'SEV1' } });
    const unsub = customer({ customerId: 'unsub', subscriptions: ['api'], emails: ['u1@x.example', 'u2@x.example'] });
    const plain = customer({ customerId: 'plain', subscriptions: ['api'] });
    const noMail = customer({ customerId: 'nomail', subscriptions: ['api'], emails: [], preferences: { minimumSeverity: 'SEV1' } });
    const options = { suppressed: new Set(['u1@x.example']), legalNotice: { regime: 'GDPR Art. 34' } };
    const audience = affectedAudience(graph, [appOnly, floor, unsub, plain, noMail], { components: ['api'], severity: 'SEV3' }, options);
    const by = Object.fromEntries(audience.map((m) => [m.customerId, m]));
    expect(Object.keys(by).sort()).toEqual(['app', 'floor', 'plain', 'unsub']);
    expect(by.app).toMatchObject({ channels: ['email', 'in-app'], override: { regime: 'GDPR Art. 34', overrode: ['channel-preferences'] } });
    expect(by.floor).toMatchObject({ channels: ['email'], override: { overrode: ['severity-floor'] } });
    expect(by.unsub).toMatchObject({ emails: ['u1@x.example', 'u2@x.example'], override: { overrode: ['suppression'] } });
    expect(by.plain.override).toBeUndefined();
    const recipients = emailRecipients(audience);
    expect(recipients.map((r) => [r.email, r.override?.overrode ?? []])).toEqual([
      ['app@x.example', ['channel-preferences']],
      ['floor@x.example', ['severity-floor']],
      ['plain@x.example', []],
      ['u1@x.example', ['suppression']],
      ['u2@x.example', []],
    ]);
  });

  it('[M1.4] a playbook legal notice applies to every incident, or only to incidents with one of its tags', () => {
    expect(legalNoticeFor(undefined, { tags: ['data-exposure'] })).toBeUndefined();
    expect(legalNoticeFor({ legalNotice: { regime: 'GDPR Art. 34' } }, {})).toEqual({ regime: 'GDPR Art. 34' });
    const tagged = { legalNotice: { regime: 'GDPR Art. 34', tags: ['data-exposure'] } };
    expect(legalNoticeFor(tagged, { tags: ['vendor'] })).toBeUndefined();
    expect(legalNoticeFor(tagged, { tags: ['vendor', 'data-exposure'] })).toEqual({ regime: 'GDPR Art. 34' });
  });

  it('[M3.5] outreach calls the accounts of the tiers whose preferences keep the phone', () => {
    const audience = affectedAudience(graph, [
      customer({ customerId: 'call', tier: 'enterprise', phone: '+14155550100', subscriptions: ['api'] }),
      customer({ customerId: 'nocall', tier: 'enterprise', phone: '+14155550101', subscriptions: ['api'], preferences: { channels: ['email'] } }),
      customer({ customerId: 'small', subscriptions: ['api'] }),
    ], { components: ['api'], severity: 'SEV1' });
    expect(outreachAccounts(audience, ['enterprise']).map((m) => m.customerId)).toEqual(['call']);
    expect(outreachAccounts(audience, ['enterprise', 'standard']).map((m) => m.customerId).sort()).toEqual(['call', 'small']);
  });

  it('[M1.4] honours a minimum-severity preference unless the contract demands notice', () => {
    const sev3 = affectedAudience(graph, customers, { components: ['api'], severity: 'SEV3' }).map((m) => m.customerId);
    expect(sev3).toEqual(['ent', 'biz', 'std']);
    const strict = customer({ customerId: 'strict', subscriptions: ['api'], preferences: { minimumSeverity: 'SEV1' }, contract: { notifyWithinMinutes: { SEV2: 90 } } });
    expect(affectedAudience(graph, [strict], { components: ['api'], severity: 'SEV2' })).toHaveLength(1);
    expect(affectedAudience(graph, [strict], { components: ['api'], severity: 'SEV3' })).toHaveLength(0);
  });

  it('[M1.4] leaves out customers of untouched components', () => {
    expect(affectedAudience(graph, customers, { components: ['dashboard'], severity: 'SEV2' }).map((m) => m.customerId)).toEqual(['ent']);
  });

  it('[M1.4] groups contractual deadlines into timers, soonest first, and follows a change of severity', () => {
    const audience = affectedAudience(graph, customers, { components: ['region'], severity: 'SEV1' });
    const detectedAt = '2024-05-01T10:00:00.000Z';
    expect(contractDeadlines(audience, 'SEV1', detectedAt)).toEqual([
      { notifyWithinMinutes: 30, dueAt: '2024-05-01T10:30:00.000Z', escalateAt: '2024-05-01T10:22:00.000Z', customerIds: ['ent'], tiers: ['enterprise'] },
      { notifyWithinMinutes: 45, dueAt: '2024-05-01T10:45:00.000Z', escalateAt: '2024-05-01T10:33:00.000Z', customerIds: ['biz'], tiers: ['business'] },
    ]);
    expect(contractDeadlines(audience, 'SEV3', detectedAt).map((d) => [d.notifyWithinMinutes, d.customerIds])).toEqual([
      [240, ['ent']],
      [300, ['biz']],
    ]);
    expect(contractDeadlines(audience, 'SEV4', detectedAt)).toEqual([]);
  });
});

describe('emailRecipients', () => {
  it('[M1.4] is the email channel of the audience: each address once, in a stable order', () => {
    const audience = affectedAudience(graph, [
      customer({ customerId: 'a', subscriptions: ['api'], emails: ['X@a.example', 'x@a.example'] }),
      customer({ customerId: 'b', subscriptions: ['api'], preferences: { channels: ['in-app'] } }),
      customer({ customerId: 'c', locale: 'fr', subscriptions: ['billing'] }),
      customer({ customerId: 'd', tier: 'business', subscriptions: ['dashboard'], emails: ['d@d.example'] }),
    ], { components: ['db'], severity: 'SEV2' });
    expect(emailRecipients(audience)).toEqual([
      { customerId: 'd', email: 'd@d.example', locale: 'en', tier: 'business' },
      { customerId: 'a', email: 'X@a.example', locale: 'en', tier: 'standard' },
    ]);
  });
});

describe('service model validation', () => {
  it('[M1.4] the demo seed is a valid service model: every customer passes the import schema and every dependency exists', () => {
    expect(demoComponents.length).toBeGreaterThanOrEqual(8);
    expect(demoCustomers.length).toBeGreaterThanOrEqual(15);
    for (const c of demoComponents) expect(ComponentSchema.safeParse(c).success).toBe(true);
    for (const c of demoCustomers) expect(CustomerSchema.safeParse(c).error?.issues).toBeUndefined();
    expect(unknownDependencies(demoComponents, new Set(demoComponents.map((c) => c.componentId)))).toEqual([]);
    expect(new Set(demoCustomers.map((c) => c.tier))).toEqual(new Set(['enterprise', 'business', 'standard']));
  });

  it('[M1.4] refuses enterprise customers without phone and account manager, bad secrets and bad locales', () => {
    const res = CustomerSchema.safeParse({
      customerId: 'x', name: 'X', tier: 'enterprise', locale: 'english',
      webhooks: [{ url: 'https://h.example', secret: 'not-a-secret' }],
    });
    expect(res.success).toBe(false);
    expect(res.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['accountManager', 'locale', 'phone', 'webhooks.0.secret']);
    expect(CustomerSchema.parse({ customerId: 'y', name: 'Y', tier: 'standard' })).toMatchObject({ locale: 'en', emails: [], webhooks: [], subscriptions: [] });
  });
});
