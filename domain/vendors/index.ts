import { z } from 'zod';
import type { ForbiddenVendorName } from './mentions';

/**
 * The vendor registry (M5.4): who provides what, what their contract says about incident notice
 * (theirs to us, ours to customers about them, ours to them), whether they process personal data
 * for us, whether public messages may name them, and whom to call.
 */

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes');
/** A vendor's ID, as the registry and customers' DPAs name it. */
export const VendorIdSchema = id;
const hours = z.number().int().positive().max(24 * 90);

export const VendorSchema = z.object({
  vendorId: id,
  name: z.string().trim().min(2).max(200),
  /** Other names a message might use for them (a product name, a short form). */
  aliases: z.array(z.string().trim().min(2).max(200)).max(10).default([]),
  services: z.array(z.string().trim().min(1).max(200)).max(50).default([]).describe('What they provide'),
  components: z.array(id).max(200).default([]).describe('Herald components that depend on them'),
  subProcessor: z.boolean().describe('They process personal data on our behalf (a GDPR sub-processor)'),
  contract: z.object({
    vendorNotifiesUsWithinHours: hours.optional().describe('Their incident notice to us is due this long after they caused or learned of it'),
    weNotifyVendorWithinHours: hours.optional().describe('Our notice to them of an incident involving their service'),
    customerNoticeWithinHours: hours.optional().describe('Our notice to customers whose DPAs name them, as our DPAs promise'),
    publicNaming: z.enum(['allowed', 'forbidden']).describe('Whether public messages may name them'),
    clause: z.string().trim().max(500).optional().describe('The contract clause these terms come from'),
  }).strict(),
  contacts: z.array(z.object({ name: z.string().trim().min(1).max(200), email: z.email(), role: z.string().max(100).optional() }).strict()).min(1).max(20),
}).strict().superRefine((v, ctx) => {
  if (v.subProcessor && v.contract.customerNoticeWithinHours === undefined) {
    ctx.addIssue({ code: 'custom', path: ['contract', 'customerNoticeWithinHours'], message: 'a sub-processor needs the notice period our DPAs promise customers' });
  }
});
export type VendorInput = z.input<typeof VendorSchema>;
export type Vendor = z.infer<typeof VendorSchema>;

export const obligationKinds = ['sub-processor-notice', 'notice-to-vendor', 'notice-from-vendor'] as const;
export type ObligationKind = (typeof obligationKinds)[number];

/** An obligation the registry implies, before the incident gives it a clock. */
export interface ObligationSpec {
  kind: ObligationKind;
  description: string;
  /** Who is notified (or, for a notice from the vendor, whom we ask). */
  to: string[];
  withinHours: number;
  clause: string;
  customerId?: string;
}

/** A customer as the assessment reads it: whose DPA names which sub-processors. */
export interface DpaCustomer {
  customerId: string;
  name: string;
  emails: string[];
  subProcessors: string[];
}

/**
 * What a contributing vendor obliges us to do, from the registry: a notice to each customer whose
 * DPA names it as a sub-processor, our notice to the vendor, and the notice we are owed by the
 * vendor (requested from their contacts). Whether public messages may name the vendor is not a
 * task: the publication check enforces it.
 */
export function assessObligations(vendor: Vendor, customers: readonly DpaCustomer[]): ObligationSpec[] {
  const c = vendor.contract;
  const clause = c.clause ?? `${vendor.name} contract`;
  const contacts = vendor.contacts.map((x) => x.email);
  const out: ObligationSpec[] = [];
  if (vendor.subProcessor) {
    for (const customer of [...customers].filter((x) => x.subProcessors.includes(vendor.vendorId)).sort((a, b) => a.customerId.localeCompare(b.customerId))) {
      out.push({
        kind: 'sub-processor-notice', customerId: customer.customerId, to: customer.emails, withinHours: c.customerNoticeWithinHours!, clause: `${customer.name} DPA (sub-processor ${vendor.name})`,
        description: `Tell ${customer.name} that its sub-processor ${vendor.name} contributed to the incident`,
      });
    }
  }
  if (c.weNotifyVendorWithinHours !== undefined) {
    out.push({ kind: 'notice-to-vendor', to: contacts, withinHours: c.weNotifyVendorWithinHours, clause, description: `Notify ${vendor.name} of the incident involving their service` });
  }
  if (c.vendorNotifiesUsWithinHours !== undefined) {
    out.push({ kind: 'notice-from-vendor', to: contacts, withinHours: c.vendorNotifiesUsWithinHours, clause, description: `Obtain ${vendor.name}'s incident notice (request it from their contacts)` });
  }
  return out;
}

export { forbiddenVendorMentions, type ForbiddenVendorName } from './mentions';

/** The vendors of the registry whose contracts forbid naming them publicly, by every name they go by. */
export function forbiddenVendorNames(vendors: readonly Pick<Vendor, 'vendorId' | 'name' | 'aliases' | 'contract'>[]): ForbiddenVendorName[] {
  return vendors.filter((v) => v.contract.publicNaming === 'forbidden').map((v) => ({ vendorId: v.vendorId, names: [v.name, ...v.aliases] }));
}
