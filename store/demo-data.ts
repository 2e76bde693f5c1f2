import { builtinTemplates } from '../domain/templates';
import type { Store } from './connect';
import type { ComponentDoc, CustomerDoc } from './models';

export const demoComponents: ComponentDoc[] = [
  { componentId: 'api', name: 'Public API', service: 'platform' },
  { componentId: 'dashboard', name: 'Web dashboard', service: 'platform' },
  { componentId: 'payments', name: 'Payments', service: 'billing' },
  { componentId: 'email-delivery', name: 'Email delivery', service: 'messaging' },
  { componentId: 'eu-region', name: 'EU region', service: 'infrastructure' },
  { componentId: 'us-region', name: 'US region', service: 'infrastructure' },
];

export const demoCustomers: CustomerDoc[] = [
  { customerId: 'acme', name: 'Acme Corp', tier: 'enterprise', locale: 'en', emails: ['ops@acme.example', 'cto@acme.example'], subscriptions: ['api', 'payments', 'us-region'] },
  { customerId: 'globex', name: 'Globex', tier: 'business', locale: 'de', emails: ['it@globex.example'], subscriptions: ['dashboard', 'eu-region'] },
  { customerId: 'initech', name: 'Initech', tier: 'standard', locale: 'en', emails: ['admin@initech.example'], subscriptions: ['api'] },
  { customerId: 'umbrella', name: 'Umbrella Health', tier: 'enterprise', locale: 'en', emails: ['noc@umbrella.example'], subscriptions: ['payments', 'email-delivery', 'eu-region'] },
  { customerId: 'hooli', name: 'Hooli', tier: 'business', locale: 'fr', emails: ['sre@hooli.example'], subscriptions: ['dashboard', 'email-delivery'] },
];

/** Fills an empty store with the demo set; a store that has components is left as it is. */
export async function seedDemoData(store: Store): Promise<boolean> {
  const { Component, Customer, Template } = store.models;
  if ((await Component.countDocuments()) > 0) return false;
  await Component.insertMany(demoComponents);
  await Customer.insertMany(demoCustomers);
  await Template.insertMany(builtinTemplates);
  return true;
}
