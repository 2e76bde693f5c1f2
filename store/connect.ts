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

/** How long a command waits for an unreachable store before it fails. */
export const storeWaitMs = 5000;

export async function connectStore(uri: string, dbName?: string): Promise<Store> {
  // While the store is down a command fails after 5 s (no server to select: mongoose hands commands
  // to the driver once connected, it buffers only before), well inside the API's request timeout:
  // the API answers 503 with Retry-After, an activity retries.
  const conn = await mongoose
    .createConnection(uri, { dbName, serverSelectionTimeoutMS: storeWaitMs, autoIndex: false })
    .asPromise();
  const models = bindModels(conn);
  // Unique indexes carry the idempotency of every side effect, so they must exist before any write.
  await Promise.all(Object.values(models).map((m) => m.createIndexes()));
  const capabilities = await detectCapabilities(conn);
  if (capabilities.majorityWrites) for (const name of durableCollections) requireMajority(models[name]);
  return { conn, models, capabilities, close: () => conn.close() };
}
