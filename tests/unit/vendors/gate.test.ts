import { defaultGatePolicy } from '../../../config/gate';
import { passExternalGate } from '../../../domain/gate';
import { forbiddenVendorNames, VendorSchema } from '../../../domain/vendors';

const registry = [
  VendorSchema.parse({
    vendorId: 'nimbus-cloud', name: 'Nimbus Cloud', aliases: ['Nimbus'], subProcessor: true,
    contract: { customerNoticeWithinHours: 72, publicNaming: 'forbidden' }, contacts: [{ name: 'Desk', email: 'desk@nimbus.example' }],
  }),
  VendorSchema.parse({ vendorId: 'swiftedge-cdn', name: 'SwiftEdge CDN', subProcessor: false, contract: { publicNaming: 'allowed' }, contacts: [{ name: 'Support', email: 'support@swiftedge.example' }] }),
];
const policy = { ...defaultGatePolicy, forbiddenVendors: forbiddenVendorNames(registry) };

describe('the gate and the vendor registry', () => {
  it('[M5.4] blocks a public message naming a vendor whose contract forbids it, field by field, with the reason', () => {
    const verdict = passExternalGate({ subject: 'EU region slow', text: 'Our provider nimbus had a network fault.', html: '<p>Our provider nimbus had a network fault.</p>' }, policy);
    expect(verdict.allowed).toBe(false);
    expect(verdict.blockReasons).toEqual([
      'text: names the vendor "Nimbus" (nimbus-cloud), whose contract forbids naming it in public messages',
      'html: names the vendor "Nimbus" (nimbus-cloud), whose contract forbids naming it in public messages',
    ]);
    expect(verdict.nearMisses).toMatchObject([{ kind: 'blocked-publication' }]);
  });

  it('[M5.4] lets a vendor that may be named, or none at all, through', () => {
    expect(forbiddenVendorNames(registry)).toEqual([{ vendorId: 'nimbus-cloud', names: ['Nimbus Cloud', 'Nimbus'] }]);
    expect(passExternalGate({ subject: 'Dashboard slow', text: 'Our CDN SwiftEdge CDN is degraded.', html: '' }, policy).allowed).toBe(true);
    expect(passExternalGate({ subject: 'EU region slow', text: 'A third-party provider had a network fault.', html: '' }, policy).allowed).toBe(true);
  });
});
