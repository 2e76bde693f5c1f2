import { builtinTemplates } from '../domain/messages/templates';
import type { Store } from './connect';
import type { ComponentDoc, CustomerDoc } from './models';
import { seedReviewedTemplates, type SeedReview } from './templates';
import { createVendor } from './vendors';
import type { Vendor } from '../domain/vendors';

/**
 * The service model `npm start` begins with: regions under a database, identity and the public
 * API above it, and the products customers see on top, so an incident low in the graph reaches
 * customers who never subscribed to the broken part directly.
 */
export const demoComponents: ComponentDoc[] = [
  { componentId: 'us-region', name: 'US region', service: 'infrastructure', description: 'Compute and network in us-east', dependsOn: [] },
  { componentId: 'eu-region', name: 'EU region', service: 'infrastructure', description: 'Compute and network in eu-west', dependsOn: [] },
  { componentId: 'database', name: 'Primary database', service: 'infrastructure', description: 'Replicated across both regions', dependsOn: ['us-region', 'eu-region'] },
  { componentId: 'auth', name: 'Sign-in and SSO', service: 'identity', dependsOn: ['database'] },
  { componentId: 'api', name: 'Public API', service: 'platform', dependsOn: ['auth', 'database'] },
  { componentId: 'dashboard', name: 'Web dashboard', service: 'platform', dependsOn: ['auth'] },
  { componentId: 'payments', name: 'Payments', service: 'billing', dependsOn: ['api', 'database'] },
  { componentId: 'email-delivery', name: 'Email delivery', service: 'messaging', dependsOn: ['database'] },
  { componentId: 'webhook-delivery', name: 'Webhook delivery', service: 'messaging', dependsOn: ['api'] },
];

// Fixed demo secrets, so a developer can verify what the demo sends; real ones come from the import.
export const demoWebhookSecret = (customerId: string) => `whsec_${Buffer.from(`herald-demo-${customerId}`.padEnd(32, '.')).toString('base64')}`;
/** Where `npm start`'s demo webhook receiver (stack/demo-receiver.ts) listens when its port is free. */
const demoWebhookBaseUrl = 'http://127.0.0.1:8090';
const hook = (customerId: string) => ({ url: `${demoWebhookBaseUrl}/hooks/${customerId}`, secret: demoWebhookSecret(customerId) });
const manager = (name: string) => ({ name, email: `${name.split(' ')[0].toLowerCase()}@herald.example` });

export const demoCustomers: CustomerDoc[] = [
  {
    customerId: 'acme', name: 'Acme Corp', tier: 'enterprise', locale: 'en',
    emails: ['ops@acme.example', 'cto@acme.example'], webhooks: [hook('acme')],
    phone: '+14155550100', accountManager: manager('Dana Whitfield'),
    contract: { notifyWithinMinutes: { SEV1: 15, SEV2: 30, SEV3: 120 } },
    dpa: { subProcessors: ['nimbus-cloud'] },
    subscriptions: ['api', 'payments', 'us-region'],
  },
  {
    customerId: 'umbrella', name: 'Umbrella Health', tier: 'enterprise', locale: 'en',
    emails: ['noc@umbrella.example'], webhooks: [hook('umbrella')],
    phone: '+442079460958', accountManager: manager('Priya Raman'),
    contract: { notifyWithinMinutes: { SEV1: 15, SEV2: 30, SEV3: 60, SEV4: 240 } },
    dpa: { subProcessors: ['nimbus-cloud'] },
    subscriptions: ['payments', 'email-delivery', 'eu-region'],
  },
  {
    customerId: 'stark', name: 'Stark Logistics', tier: 'enterprise', locale: 'de',
    emails: ['leitstelle@stark.example'], webhooks: [hook('stark')],
    phone: '+493055550123', accountManager: manager('Jonas Becker'),
    contract: { notifyWithinMinutes: { SEV1: 30, SEV2: 60, SEV3: 240 } },
    subscriptions: ['api', 'webhook-delivery', 'eu-region'],
  },
  {
    customerId: 'kaiju', name: 'Kaiju Games', tier: 'enterprise', locale: 'ja',
    emails: ['sre@kaiju.example'],
    phone: '+81355550199', accountManager: manager('Emi Tanaka'),
    subscriptions: ['auth', 'api', 'dashboard'],
  },
  {
    customerId: 'globex', name: 'Globex', tier: 'business', locale: 'de',
    emails: ['it@globex.example'],
    contract: { notifyWithinMinutes: { SEV1: 60, SEV2: 120 } },
    subscriptions: ['dashboard', 'eu-region'],
  },
  {
    customerId: 'hooli', name: 'Hooli', tier: 'business', locale: 'fr',
    emails: ['sre@hooli.example'], webhooks: [hook('hooli')],
    subscriptions: ['dashboard', 'email-delivery'],
  },
  {
    customerId: 'soylent', name: 'Soylent Foods', tier: 'business', locale: 'en',
    emails: ['ops@soylent.example', 'finance@soylent.example'],
    contract: { notifyWithinMinutes: { SEV1: 60, SEV2: 120, SEV3: 480 } },
    subscriptions: ['payments'],
  },
  {
    customerId: 'tyrell', name: 'Tyrell Analytics', tier: 'business', locale: 'en',
    emails: ['platform@tyrell.example'], webhooks: [hook('tyrell')],
    subscriptions: ['api', 'webhook-delivery'],
  },
  { customerId: 'pampa', name: 'Pampa Pagos', tier: 'business', locale: 'es', emails: ['soporte@pampa.example'], subscriptions: ['payments', 'us-region'] },
  {
    customerId: 'lumen', name: 'Lumen Educação', tier: 'business', locale: 'pt-BR',
    emails: ['ti@lumen.example'],
    preferences: { channels: ['email', 'in-app'], minimumSeverity: 'SEV3' },
    subscriptions: ['dashboard', 'auth'],
  },
  { customerId: 'initech', name: 'Initech', tier: 'standard', locale: 'en', emails: ['admin@initech.example'], subscriptions: ['api'] },
  {
    customerId: 'vandelay', name: 'Vandelay Industries', tier: 'standard', locale: 'en',
    emails: ['art@vandelay.example'],
    preferences: { channels: ['in-app'], minimumSeverity: 'SEV2' },
    subscriptions: ['dashboard'],
  },
  { customerId: 'bluth', name: 'Bluth Homes', tier: 'standard', locale: 'en', emails: ['it@bluth.example'], subscriptions: ['email-delivery'] },
  { customerId: 'zorg', name: 'Zorg Industries', tier: 'standard', locale: 'fr', emails: ['dsi@zorg.example'], subscriptions: ['api', 'eu-region'] },
  {
    customerId: 'gringotts', name: 'Gringotts Ledger', tier: 'standard', locale: 'nl',
    emails: ['beheer@gringotts.example'],
    preferences: { channels: ['email', 'in-app'], minimumSeverity: 'SEV4' },
    subscriptions: ['payments', 'api'],
  },
];

/**
 * The demo's vendor registry (M5.4): the cloud provider the regions run on, a sub-processor whose
 * contract forbids naming it in public (Acme's and Umbrella's DPAs name it), and the CDN in front
 * of the dashboard, which may be named.
 */
export const demoVendors: Vendor[] = [
  {
    vendorId: 'nimbus-cloud', name: 'Nimbus Cloud', aliases: ['Nimbus'], services: ['compute', 'network', 'managed database'],
    components: ['us-region', 'eu-region', 'database'], subProcessor: true,
    contract: { vendorNotifiesUsWithinHours: 24, weNotifyVendorWithinHours: 48, customerNoticeWithinHours: 72, publicNaming: 'forbidden', clause: 'Nimbus Cloud MSA §12.3 (confidentiality of the relationship), DPA §8' },
    contacts: [{ name: 'Nimbus security desk', email: 'security@nimbus-cloud.example', role: 'incident notices' }],
  },
  {
    vendorId: 'swiftedge-cdn', name: 'SwiftEdge CDN', aliases: ['SwiftEdge'], services: ['content delivery'],
    components: ['dashboard'], subProcessor: false,
    contract: { weNotifyVendorWithinHours: 24, publicNaming: 'allowed', clause: 'SwiftEdge terms §5' },
    contacts: [{ name: 'SwiftEdge support', email: 'support@swiftedge.example' }],
  },
];

/**
 * The demo's template reviews: every shipped template carries a legal approval and a one-year
 * data-protection review of its exact wording, dated when the store is seeded (not a fixed date
 * that would have expired by the time someone runs the demo).
 */
function demoTemplateReview(at: Date): SeedReview {
  return { legalApprover: 'legal-oncall@herald.internal', dataProtectionReviewer: 'dpo@herald.internal', regimes: ['GDPR', 'CCPA'], at, validDays: 365 };
}

/** Fills an empty store with the demo set; a store that has components is left as it is. */
export async function seedDemoData(store: Store, at = new Date()): Promise<boolean> {
  const { Component, Customer } = store.models;
  if ((await Component.countDocuments()) > 0) return false;
  await Component.insertMany(demoComponents);
  await Customer.insertMany(demoCustomers);
  for (const v of demoVendors) await createVendor(store.models, v, 'herald', at);
  await seedReviewedTemplates(store.models, builtinTemplates, demoTemplateReview(at));
  return true;
}

/**
 * Points the demo customers' endpoints at the demo receiver that runs now (its port may differ
 * from the one seeded earlier); an endpoint that is not the demo receiver's is left alone.
 */
export async function pointDemoWebhooks(store: Store, baseUrl: string): Promise<number> {
  const { Customer } = store.models;
  let changed = 0;
  for (const demo of demoCustomers.filter((c) => c.webhooks?.length)) {
    const current = await Customer.findOne({ customerId: demo.customerId }, { webhooks: 1 }).lean();
    const receiver = new RegExp(`^http://127\\.0\\.0\\.1:\\d+/hooks/${demo.customerId}$`);
    const webhooks = current?.webhooks?.map((w) => (receiver.test(w.url) ? { ...w, url: `${baseUrl}/hooks/${demo.customerId}` } : w));
    if (!webhooks || webhooks.every((w, i) => w.url === current!.webhooks![i].url)) continue;
    await Customer.updateOne({ customerId: demo.customerId }, { $set: { webhooks } });
    changed++;
  }
  return changed;
}
