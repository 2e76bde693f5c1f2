import { writeImport, toCustomerDoc } from '../../store/customer-import';
import { CustomerSchema } from '../../domain/audience/service-model';
import { keys, startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ worker: false });
});
afterAll(async () => {
  await h?.close();
});

const tiers = ['enterprise', 'business', 'standard'] as const;
function row(i: number, prefix = 'bulk') {
  const tier = tiers[i % 3];
  return {
    customerId: `${prefix}-${i}`,
    name: `Customer ${i}`,
    tier,
    locale: ['en', 'de', 'fr', 'pt-BR'][i % 4],
    emails: [`c${i}@${h.domain}`],
    subscriptions: [['api'], ['dashboard', 'payments'], ['email-delivery']][i % 3],
    ...(tier === 'enterprise' ? { phone: '+14155550100', accountManager: { name: 'Dana Whitfield', email: 'dana@herald.example' }, contract: { notifyWithinMinutes: { SEV1: 15 } } } : {}),
  };
}

/** Sends rows as a real request stream, chunk by chunk, the way a large import arrives. */
async function importStream(lines: string[], opts: { key?: string; contentType?: string } = {}) {
  const encoder = new TextEncoder();
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i >= lines.length) return controller.close();
      controller.enqueue(encoder.encode(lines.slice(i, i + 500).map((l) => `${l}\n`).join('')));
      i += 500;
    },
  });
  const res = await fetch(`${h.baseUrl}/v1/customers/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${opts.key ?? keys.admin}`, 'content-type': opts.contentType ?? 'application/x-ndjson' },
    body,
    duplex: 'half',
  } as RequestInit);
  return { status: res.status, body: (await res.json()) as any };
}

describe('bulk customer import (NDJSON stream)', () => {
  it('[M1.4] imports 5,000 customers from one request stream (ten 500-line chunks, five write batches)', async () => {
    const lines = Array.from({ length: 5_000 }, (_, i) => JSON.stringify(row(i)));
    const res = await importStream(lines);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ importId: expect.stringMatching(/^imp-/), imported: 5_000 });
    expect(await h.store.models.Customer.countDocuments({ importId: res.body.importId })).toBe(5_000);

    const one = await h.request('GET', '/v1/customers/bulk-4999', { key: keys.responder });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      customerId: 'bulk-4999', tier: 'business', locale: 'pt-BR', subscriptions: ['dashboard', 'payments'], importId: res.body.importId,
    });
    const ent = await h.request('GET', '/v1/customers/bulk-3', { key: keys.manager });
    expect(ent.body).toMatchObject({ tier: 'enterprise', phone: '+14155550100', contract: { notifyWithinMinutes: { SEV1: 15 } } });
  });

  it('[M1.4] reports every invalid row with its line number and writes nothing', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify(row(i, 'half')));
    lines[9] = '{"customerId": "broken", ';
    lines[99] = JSON.stringify({ ...row(99, 'half'), tier: 'platinum' });
    lines[1999] = JSON.stringify({ ...row(1999, 'half'), subscriptions: ['api', 'warp-drive'] });
    lines[2500] = JSON.stringify(row(7, 'half'));
    lines.splice(50, 0, '');
    const res = await importStream(lines);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^4 of 3000 rows cannot be imported; nothing was written/);
    expect(res.body.details.invalidRows).toBe(4);
    expect(res.body.details.rows).toEqual([
      { line: 10, issues: [{ path: '', message: 'not valid JSON', code: 'invalid_json' }] },
      { line: 101, customerId: 'half-99', issues: [expect.objectContaining({ path: 'tier' })] },
      { line: 2001, customerId: 'half-1999', issues: [{ path: 'subscriptions.1', message: 'unknown component "warp-drive"', code: 'unknown_component' }] },
      { line: 2502, customerId: 'half-7', issues: [{ path: 'customerId', message: 'also on line 8', code: 'duplicate' }] },
    ]);
    expect(await h.store.models.Customer.countDocuments({ customerId: /^half-/ })).toBe(0);
  });

  it('[M1.4] answers 409 when the rows name customers that exist, 415 for another content type, 403 without the admin role', async () => {
    const conflict = await importStream([JSON.stringify(row(1)), JSON.stringify(row(1, 'fresh'))]);
    expect(conflict.status).toBe(409);
    expect(conflict.body.details.rows).toEqual([{ line: 1, customerId: 'bulk-1', issues: [expect.objectContaining({ code: 'conflict' })] }]);
    expect(await h.store.models.Customer.countDocuments({ customerId: 'fresh-1' })).toBe(0);
    expect((await importStream([JSON.stringify(row(1, 'x'))], { contentType: 'text/csv' })).status).toBe(415);
    expect((await importStream([JSON.stringify(row(1, 'x'))], { key: keys.responder })).status).toBe(403);
    expect((await importStream(['', '  '])).status).toBe(400);
  });

  it('[M1.4] removes what a failed write already stored, so an import is never half-written', async () => {
    await h.store.models.Customer.create(toCustomerDoc(CustomerSchema.parse({ ...row(2345, 'late'), customerId: 'late-2345' })));
    const docs = Array.from({ length: 3000 }, (_, i) => toCustomerDoc(CustomerSchema.parse(row(i, 'late'))));
    await expect(writeImport(h.store.models.Customer, docs, 'imp-rollback-test', 1000)).rejects.toMatchObject({ code: 11000 });
    expect(await h.store.models.Customer.countDocuments({ importId: 'imp-rollback-test' })).toBe(0);
    expect(await h.store.models.Customer.countDocuments({ customerId: /^late-/ })).toBe(1);
  });
});

describe('single customers', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  it('[M1.4] creates a customer with contract, contacts and preferences, and never shows its webhook secret', async () => {
    const body = {
      customerId: 'wayne', name: 'Wayne Enterprises', tier: 'enterprise', locale: 'en',
      emails: [`bruce@${h.domain}`], webhooks: [{ url: 'https://hooks.wayne.example/status', secret }],
      phone: '+12025550143', accountManager: { name: 'Lucius Fox', email: 'lucius@herald.example' },
      contract: { notifyWithinMinutes: { SEV1: 10, SEV2: 30 } }, subscriptions: ['payments'],
      preferences: { channels: ['webhook', 'phone'] },
    };
    const created = await h.request('POST', '/v1/customers', { key: keys.admin, body });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain(secret);
    const got = await h.request('GET', '/v1/customers/wayne', { key: keys.responder });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ ...body, webhooks: [{ url: 'https://hooks.wayne.example/status' }], preferences: { channels: ['webhook', 'phone'], minimumSeverity: 'SEV4' } });
    expect(got.text).not.toContain('whsec_');
    expect((await h.store.models.Customer.findOne({ customerId: 'wayne' }).lean())!.webhooks![0].secret).toBe(secret);

    expect((await h.request('POST', '/v1/customers', { key: keys.admin, body })).status).toBe(409);
    const bad = await h.request('POST', '/v1/customers', { key: keys.admin, body: { ...body, customerId: 'wayne2', subscriptions: ['nope'], phone: undefined } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: any) => i.path).sort()).toEqual(['phone']);
    const unknownComponent = await h.request('POST', '/v1/customers', { key: keys.admin, body: { ...body, customerId: 'wayne3', subscriptions: ['nope'] } });
    expect(unknownComponent.body.issues).toEqual([expect.objectContaining({ path: 'subscriptions.0', message: 'unknown component "nope"' })]);
    expect((await h.request('GET', '/v1/customers/nobody', { key: keys.responder })).status).toBe(404);
    expect((await h.request('GET', '/v1/customers/wayne', { key: keys.viewer })).status).toBe(403);
    expect((await h.request('GET', '/v1/customers/Bad%20Id', { key: keys.responder })).status).toBe(400);
  });
});

describe('in-app notices', () => {
  it('[M1.4, M3.3] lists the published messages of incidents that reach a customer through the dependency graph', async () => {
    const { StatusEntry } = h.store.models;
    const at = (m: number) => new Date(Date.UTC(2024, 4, 1, 12, m));
    const base = { title: 'Database failover', severity: 'SEV2', category: 'outage', subject: 'Database failover', nextUpdateAt: undefined };
    await StatusEntry.insertMany([
      { ...base, incidentId: 'NTC-DB', version: 1, phase: 'investigating', components: ['database'], body: 'We are investigating.', publishedAt: at(0) },
      { ...base, incidentId: 'NTC-DB', version: 2, phase: 'resolved', components: ['database'], body: 'Resolved.', publishedAt: at(30) },
      { ...base, incidentId: 'NTC-MAIL', version: 1, phase: 'investigating', components: ['email-delivery'], body: 'Email is delayed.', publishedAt: at(10) },
    ]);
    // initech subscribes to "api" only; api depends on database, so the database incident reaches it.
    const res = await h.request('GET', '/v1/customers/initech/notices', { key: keys.viewer });
    expect(res.status).toBe(200);
    expect(res.body.customerId).toBe('initech');
    expect(res.body.notices.map((n: any) => [n.incidentId, n.version, n.phase, n.active])).toEqual([
      ['NTC-DB', 2, 'resolved', false],
      ['NTC-DB', 1, 'investigating', false],
    ]);
    expect(res.body.notices[1]).toMatchObject({ via: ['api'], severity: 'SEV2', body: 'We are investigating.', statusPageUrl: 'http://status.herald.test/status#NTC-DB' });
    const hooli = await h.request('GET', '/v1/customers/hooli/notices', { key: keys.viewer });
    // Both of hooli's components sit on the database; only one on email delivery.
    expect(hooli.body.notices.map((n: any) => `${n.incidentId} v${n.version} via ${n.via}`)).toEqual([
      'NTC-DB v2 via dashboard,email-delivery', 'NTC-MAIL v1 via email-delivery', 'NTC-DB v1 via dashboard,email-delivery',
    ]);
    // A region is below the database, not above it: nothing reaches its subscribers.
    await h.store.models.Customer.create({ customerId: 'regional', name: 'Regional', tier: 'standard', locale: 'en', emails: [], subscriptions: ['us-region'] });
    const regional = await h.request('GET', '/v1/customers/regional/notices', { key: keys.viewer });
    expect(regional.body).toEqual({ customerId: 'regional', notices: [] });
    expect((await h.request('GET', '/v1/customers/nobody/notices', { key: keys.viewer })).status).toBe(404);
    expect((await h.request('GET', '/v1/customers/initech/notices')).status).toBe(401);
  });
});
