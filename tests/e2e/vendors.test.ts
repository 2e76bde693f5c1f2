import { uniqueName } from '../support/env';
import { harnessForFile, keys } from '../support/harness';
import { declareIncident, waitForAudit, waitForState } from '../support/incidents';

/**
 * Vendor disclosure (M5.4) through the public API on the demo data `npm start` seeds: the
 * registry, a contributing vendor's obligations, the DPA customers' notice as they receive it,
 * the gate refusing a public update that names a vendor whose contract forbids it.
 */
const h = harnessForFile({ data: 'demo' });

const nimbus = {
  vendorId: 'nimbus-cloud', name: 'Nimbus Cloud', aliases: ['Nimbus'], services: ['compute'], components: ['eu-region'], subProcessor: true,
  contract: { customerNoticeWithinHours: 72, publicNaming: 'forbidden' }, contacts: [{ name: 'Desk', email: 'desk@nimbus-cloud.example' }],
};

describe('the vendor registry', () => {
  it('[M5.4] lists the seeded vendors and refuses bad input: 400 with issues, 404, 409 for a duplicate or a vendor DPAs name, 403 for a reader', async () => {
    const list = await h.request('GET', '/v1/vendors', { key: keys.viewer });
    expect(list.status).toBe(200);
    expect(list.body.vendors.map((v: any) => [v.vendorId, v.subProcessor, v.contract.publicNaming])).toEqual([['nimbus-cloud', true, 'forbidden'], ['swiftedge-cdn', false, 'allowed']]);
    expect((await h.request('GET', '/v1/vendors/no-such-vendor', { key: keys.viewer })).status).toBe(404);
    expect((await h.request('POST', '/v1/vendors', { key: keys.admin, body: nimbus })).status).toBe(409);
    const noPeriod = await h.request('POST', '/v1/vendors', { key: keys.admin, body: { ...nimbus, vendorId: 'other-cloud', contract: { publicNaming: 'forbidden' } } });
    expect(noPeriod.status).toBe(400);
    expect(noPeriod.body.issues.map((i: any) => i.path)).toContain('contract.customerNoticeWithinHours');
    const badComponent = await h.request('PUT', '/v1/vendors/other-cloud', { key: keys.manager, body: { ...nimbus, vendorId: 'other-cloud', components: ['nowhere'] } });
    expect(badComponent.status).toBe(400);
    expect((await h.request('PUT', '/v1/vendors/other-cloud', { key: keys.manager, body: nimbus })).status).toBe(400);
    expect((await h.request('POST', '/v1/vendors', { key: keys.viewer, body: { ...nimbus, vendorId: 'other-cloud' } })).status).toBe(403);
    const created = await h.request('PUT', '/v1/vendors/other-cloud', { key: keys.manager, body: { ...nimbus, vendorId: 'other-cloud', name: 'Other Cloud', aliases: [] } });
    expect(created.status).toBe(201);
    expect((await h.request('PUT', '/v1/vendors/other-cloud', { key: keys.manager, body: { ...nimbus, vendorId: 'other-cloud', name: 'Other Cloud', aliases: [], services: ['storage'] } })).body.services).toEqual(['storage']);
    expect((await h.request('DELETE', '/v1/vendors/other-cloud', { key: keys.admin })).status).toBe(204);
    expect((await h.request('DELETE', '/v1/vendors/other-cloud', { key: keys.admin })).status).toBe(404);
    const named = await h.request('DELETE', '/v1/vendors/nimbus-cloud', { key: keys.admin });
    expect(named.status).toBe(409);
    expect(named.body.details.customers).toEqual(['acme', 'umbrella']);

    const customer = { customerId: uniqueName('dpa').toLowerCase(), name: 'DPA Co', tier: 'standard', emails: ['privacy@dpa.example'], dpa: { subProcessors: ['nimbus-cloud', 'no-such-vendor'] } };
    const unknownVendor = await h.request('POST', '/v1/customers', { key: keys.admin, body: customer });
    expect(unknownVendor.status).toBe(400);
    expect(unknownVendor.body.issues.map((i: any) => i.path)).toEqual(['dpa.subProcessors.1']);
    const lint = await h.request('POST', '/v1/lint', { key: keys.responder, body: { text: 'Our provider Nimbus Cloud is restoring the EU region.' } });
    expect(lint.body).toMatchObject({ blocked: true, blockReasons: ['text: names the vendor "Nimbus Cloud" (nimbus-cloud), whose contract forbids naming it in public messages'] });
  });
});

describe('a vendor-caused incident', () => {
  it('[M5.4] produces exactly the obligations its registry implies; the DPA customers get their notice; a public update naming the vendor is blocked by the gate', async () => {
    const id = await declareIncident(h, { id: uniqueName('VND'), title: 'EU region degraded', category: 'outage', severity: 'SEV3', components: ['eu-region'], summary: 'Requests in the EU region are slow.' });
    await waitForState(h, id, (s) => s.status === 'published', 'v1 published');

    expect((await h.request('POST', `/v1/incidents/${id}/vendors`, { key: keys.responder, body: { vendor: 'no-such-vendor' } })).status).toBe(404);
    expect((await h.request('POST', `/v1/incidents/${id}/vendors`, { key: keys.responder, body: { vendor: 'Nimbus Cloud' } })).status).toBe(400);
    const recorded = await h.request('POST', `/v1/incidents/${id}/vendors`, { key: keys.responder, body: { vendor: 'nimbus-cloud', note: 'Their EU network failed.' } });
    expect(recorded.status).toBe(201);
    expect(recorded.body.obligations.map((o: any) => [o.obligationId, o.kind, o.to, o.withinHours])).toEqual([
      ['nimbus-cloud-dpa-acme', 'sub-processor-notice', ['ops@acme.example', 'cto@acme.example'], 72],
      ['nimbus-cloud-dpa-umbrella', 'sub-processor-notice', ['noc@umbrella.example'], 72],
      ['nimbus-cloud-to-vendor', 'notice-to-vendor', ['security@nimbus-cloud.example'], 48],
      ['nimbus-cloud-from-vendor', 'notice-from-vendor', ['security@nimbus-cloud.example'], 24],
    ]);
    expect((await h.request('POST', `/v1/incidents/${id}/vendors`, { key: keys.responder, body: { vendor: 'nimbus-cloud' } })).status).toBe(409);
    const state = await waitForState(h, id, (s) => s.vendors?.obligations.length === 4, 'the obligations on the incident');
    expect(state.vendors.contributing).toMatchObject([{ vendorId: 'nimbus-cloud', publicNaming: 'forbidden', note: 'Their EU network failed.' }]);
    expect(state.vendors.obligations.every((o: any) => o.state === 'open' && o.owner)).toBe(true);

    // Herald sends Acme's notice through the customer email path; the deliveries are the evidence.
    expect((await h.request('POST', `/v1/incidents/${id}/obligations/nimbus-cloud-dpa-acme/send`, { key: keys.responder, body: {} })).status).toBe(202);
    const mail = await h.mailpit.waitForIncident(id, (m) => m.filter((x) => x.Subject.startsWith('Sub-processor notice')).length === 2);
    const notices = mail.filter((x) => x.Subject.startsWith('Sub-processor notice'));
    expect(notices.flatMap((m) => m.To.map((t) => t.Address)).sort()).toEqual(['cto@acme.example', 'ops@acme.example']);
    expect(await h.mailpit.text(notices[0].ID)).toContain('Nimbus Cloud, a sub-processor it names, contributed to incident');
    const met = await waitForState(h, id, (s) => s.vendors.obligations[0].state === 'met', "Acme's notice met");
    expect(met.vendors.obligations[0].evidence.deliveries.map((d: any) => d.to).sort()).toEqual(['cto@acme.example', 'ops@acme.example']);
    expect(met.vendors.obligations[1].state).toBe('open');

    expect((await h.request('POST', `/v1/incidents/${id}/obligations/nimbus-cloud-to-vendor/send`, { key: keys.responder, body: {} })).status).toBe(400);
    expect((await h.request('POST', `/v1/incidents/${id}/obligations/no-such-obligation/done`, { key: keys.responder, body: { summary: 'x' } })).status).toBe(404);
    expect((await h.request('POST', `/v1/incidents/${id}/obligations/nimbus-cloud-to-vendor/done`, { key: keys.responder, body: {} })).status).toBe(400);
    const done = await h.request('POST', `/v1/incidents/${id}/obligations/nimbus-cloud-to-vendor/done`, { key: keys.responder, body: { summary: 'Opened a case with their desk', reference: 'NC-4411' } });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ state: 'met', late: false, evidence: { summary: 'Opened a case with their desk', reference: 'NC-4411' } });
    expect((await h.request('POST', `/v1/incidents/${id}/obligations/nimbus-cloud-to-vendor/done`, { key: keys.responder, body: { summary: 'again' } })).status).toBe(409);
    expect((await h.request('POST', `/v1/incidents/${id}/obligations/nimbus-cloud-dpa-umbrella/send`, { key: keys.viewer, body: {} })).status).toBe(403);

    // A public update naming the vendor: the gate refuses it before anything leaves.
    const edit = await h.request('POST', `/v1/incidents/${id}/drafts`, {
      key: keys.responder, body: { baseVersion: 1, subject: 'EU region degraded', text: 'Our cloud provider Nimbus had a network fault in the EU region. We are working with them.' },
    });
    expect(edit.status).toBe(201);
    expect((await h.request('POST', `/v1/incidents/${id}/publish`, { key: keys.responder, body: { version: 2 } })).status).toBe(202);
    const blocked = await waitForState(h, id, (s) => s.blockedBy?.version === 2, 'v2 blocked');
    expect(blocked.blockedBy.reasons.join(' ')).toContain('names the vendor "Nimbus" (nimbus-cloud), whose contract forbids naming it in public messages');
    expect(blocked.published.map((p: any) => p.version)).toEqual([1]);
    await waitForAudit(h, id, 'publication-blocked', { version: 2 });
    const mailAfter = await h.mailpit.forIncident(id);
    expect(mailAfter.filter((m) => m.MessageID.includes(`${id}.v2.`))).toEqual([]);

    const audit = await h.request('GET', `/v1/incidents/${id}/audit`, { key: keys.manager });
    const steps = (audit.body.records as any[]).map((r) => r.step);
    expect(steps).toEqual(expect.arrayContaining(['vendor-recorded', 'obligations-assessed', 'obligation-met']));
    expect((audit.body.records as any[]).filter((r) => r.step === 'obligation-met').map((r) => r.details.obligationId).sort()).toEqual(['nimbus-cloud-dpa-acme', 'nimbus-cloud-to-vendor']);
  }, 90_000);
});
