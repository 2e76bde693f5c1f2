import { Schema, type Model } from 'mongoose';
import { subscriberCustomerId } from '../domain/status-page/subscription';
import type { ComponentDoc, CustomerDoc } from './models';
import { required, storedIn, type BoundModels } from './schema';

/**
 * Status-page email subscriptions (M3.3): pending until the mailed link confirms them; on
 * confirmation the address becomes (or updates) a customer of tier `standard` that wants email
 * only, subscribed to the chosen components, so the audience reaches it like any customer.
 */
export interface StatusSubscriptionDoc {
  _id: string;
  address: string;
  /** The components chosen; empty means every component there is at confirmation. */
  components: string[];
  locale: string;
  requestedAt: Date;
  confirmedAt?: Date;
  customerId?: string;
}

const statusSubscription = new Schema<StatusSubscriptionDoc>({
  ...required({ _id: String, address: String, locale: String, requestedAt: Date }),
  components: { type: [String], default: [] },
  confirmedAt: Date,
  customerId: String,
});

export const statusSubscriptionCollections = {
  StatusSubscription: storedIn('status_subscriptions', statusSubscription),
};

type Models = BoundModels<typeof statusSubscriptionCollections> & { Customer: Model<CustomerDoc>; Component: Model<ComponentDoc> };

export async function requestSubscription(models: Pick<Models, 'StatusSubscription'>, doc: Omit<StatusSubscriptionDoc, 'confirmedAt' | 'customerId'>): Promise<void> {
  await models.StatusSubscription.create(doc);
}

/**
 * Confirms a pending subscription: upserts the subscriber's customer record (a second
 * confirmation of the same link changes nothing). Undefined when no such pending subscription
 * exists for that address.
 */
export async function confirmSubscription(
  models: Models,
  claim: { subscriptionId: string; address: string },
  at: Date,
): Promise<{ customerId: string; components: string[] } | undefined> {
  const sub = await models.StatusSubscription.findOne({ _id: claim.subscriptionId, address: claim.address }).lean<StatusSubscriptionDoc>();
  if (!sub) return undefined;
  const customerId = subscriberCustomerId(sub.address);
  const components = sub.components.length ? sub.components : (await models.Component.find({}, { componentId: 1 }).lean()).map((c) => c.componentId);
  if (!sub.confirmedAt) {
    await models.Customer.updateOne(
      { customerId },
      {
        $set: { name: sub.address, locale: sub.locale, preferences: { channels: ['email'], minimumSeverity: 'SEV4' } },
        $addToSet: { emails: sub.address, subscriptions: { $each: components } },
        $setOnInsert: { customerId, tier: 'standard', createdAt: at },
      },
      { upsert: true },
    );
    await models.StatusSubscription.updateOne({ _id: sub._id }, { $set: { confirmedAt: at, customerId } });
  }
  return { customerId, components };
}

/** The customers who receive email at this address (to mail them an unsubscribe link). */
export async function customersWithAddress(models: Pick<Models, 'Customer'>, address: string): Promise<string[]> {
  const docs = await models.Customer.find({ emails: address }, { customerId: 1 }).lean();
  return docs.map((d) => d.customerId);
}
