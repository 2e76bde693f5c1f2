import type { Store } from '../../store/connect';
import { builtinTemplates } from '../../domain/messages/templates';
import { demoComponents } from '../../store/demo-data';

/**
 * A small service model whose email addresses all live under one domain of the test's own, so
 * that what Mailpit received can be attributed to this test alone.
 */
export async function seedFixtures(store: Store, domain: string) {
  const { Component, Customer, Template } = store.models;
  await Component.insertMany(demoComponents);
  await Template.insertMany(builtinTemplates);
  const customers = [
    { customerId: 'acme', name: 'Acme', tier: 'enterprise' as const, locale: 'en', emails: [`ops@${domain}`, `cto@${domain}`], subscriptions: ['api', 'payments'] },
    { customerId: 'initech', name: 'Initech', tier: 'standard' as const, locale: 'en', emails: [`admin@${domain}`], subscriptions: ['api'] },
    { customerId: 'globex', name: 'Globex', tier: 'business' as const, locale: 'en', emails: [`it@${domain}`], subscriptions: ['dashboard'] },
    { customerId: 'hooli', name: 'Hooli', tier: 'business' as const, locale: 'en', emails: [`sre@${domain}`], subscriptions: ['email-delivery', 'dashboard'] },
  ];
  await Customer.insertMany(customers);
  return {
    /** Subscribers of the API component: the ones an incident on `api` must reach. */
    apiSubscribers: [`cto@${domain}`, `ops@${domain}`, `admin@${domain}`].sort(),
    others: [`it@${domain}`, `sre@${domain}`],
  };
}
