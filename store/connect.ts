import mongoose from 'mongoose';
import { detectCapabilities, type StoreCapabilities } from './capabilities';
import { bindModels, type Models } from './models';
import { requireMajority } from './mongo';

export interface Store {
  conn: mongoose.Connection;
  models: Models;
  /** What the server can do: transactions, majority write concern (store/capabilities.ts). */
  capabilities: StoreCapabilities;
  close(): Promise<void>;
}

/**
 * The records that must survive a failover: the audit archive, delivery claims and receipts (what
 * was sent, so a retry does not send it again) and channel deliveries.
 */
const durableCollections = ['AuditRecord', 'Delivery', 'DeliveryReceipt', 'ChannelDelivery'] as const satisfies readonly (keyof Models)[];

export async function connectStore(uri: string, dbName?: string): Promise<Store> {
  const conn = await mongoose
    .createConnection(uri, { dbName, serverSelectionTimeoutMS: 5000, autoIndex: false })
    .asPromise();
  const models = bindModels(conn);
  // Unique indexes carry the idempotency of every side effect, so they must exist before any write.
  await Promise.all(Object.values(models).map((m) => m.createIndexes()));
  const capabilities = await detectCapabilities(conn);
  if (capabilities.majorityWrites) for (const name of durableCollections) requireMajority(models[name]);
  return { conn, models, capabilities, close: () => conn.close() };
}
