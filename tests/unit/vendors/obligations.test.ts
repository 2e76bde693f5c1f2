import { assessObligations, forbiddenVendorMentions, VendorSchema, type DpaCustomer } from '../../../domain/vendors';

const mailer = VendorSchema.parse({
  vendorId: 'postwerk', name: 'Postwerk Mail', aliases: ['Postwerk'], services: ['transactional email'], components: ['email-delivery'],
  subProcessor: true,
  contract: { vendorNotifiesUsWithinHours: 24, weNotifyVendorWithinHours: 48, customerNoticeWithinHours: 72, publicNaming: 'forbidden', clause: 'Postwerk MSA §9.2' },
  contacts: [{ name: 'Postwerk security', email: 'security@postwerk.example' }],
});

const customers: DpaCustomer[] = [
  { customerId: 'umbrella', name: 'Umbrella', emails: ['noc@umbrella.example'], subProcessors: ['postwerk'] },
  { customerId: 'acme', name: 'Acme', emails: ['ops@acme.example', 'cto@acme.example'], subProcessors: ['postwerk', 'cloudvault'] },
  { customerId: 'soylent', name: 'Soylent', emails: ['ops@soylent.example'], subProcessors: ['cloudvault'] },
];

describe('vendor obligations from the registry', () => {
  it('[M5.4] a sub-processor owes a notice to each customer whose DPA names it, ours to the vendor and theirs to us', () => {
    const specs = assessObligations(mailer, customers);
    expect(specs.map((o) => [o.kind, o.customerId ?? null, o.withinHours, o.to])).toEqual([
      ['sub-processor-notice', 'acme', 72, ['ops@acme.example', 'cto@acme.example']],
      ['sub-processor-notice', 'umbrella', 72, ['noc@umbrella.example']],
      ['notice-to-vendor', null, 48, ['security@postwerk.example']],
      ['notice-from-vendor', null, 24, ['security@postwerk.example']],
    ]);
    expect(specs[2].clause).toBe('Postwerk MSA §9.2');
  });

  it('[M5.4] a vendor that processes no personal data owes no customer notices, and terms it lacks owe nothing', () => {
    const cdn = VendorSchema.parse({ ...mailer, vendorId: 'edgecache', subProcessor: false, contract: { publicNaming: 'allowed' } });
    expect(assessObligations(cdn, customers)).toEqual([]);
  });

  it('[M5.4] refuses a sub-processor without the notice period our DPAs promise', () => {
    const res = VendorSchema.safeParse({ ...mailer, contract: { publicNaming: 'allowed' } });
    expect(res.success).toBe(false);
    expect(res.error!.issues[0].path).toEqual(['contract', 'customerNoticeWithinHours']);
  });

  it('[M5.4] finds a forbidden vendor named in a message by any of its names, as a whole word and in any case', () => {
    const forbidden = [{ vendorId: 'postwerk', names: ['Postwerk Mail', 'Postwerk'] }];
    expect(forbiddenVendorMentions(['Our email provider POSTWERK had an outage.'], forbidden)).toEqual([{ vendorId: 'postwerk', name: 'Postwerk' }]);
    expect(forbiddenVendorMentions(['Email was delayed by a third-party provider.'], forbidden)).toEqual([]);
    expect(forbiddenVendorMentions(['See postwerkstatt.example'], forbidden)).toEqual([]);
  });
});
