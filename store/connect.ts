import mongoose from 'mongoose';
import { bindModels, type Models } from './models';

export interface Store {
  conn: mongoose.Connection;
  models: Models;
  close(): Promise<void>;
}

export async function connectStore(uri: string, dbName?: string): Promise<Store> {
  const conn = await mongoose
    .createConnection(uri, { dbName, serverSelectionTimeoutMS: 5000, autoIndex: false })
    .asPromise();
  const models = bindModels(conn);
  // Unique indexes carry the idempotency of every side effect, so they must exist before any write.
  await Promise.all(Object.values(models).map((m) => m.createIndexes()));
  return { conn, models, close: () => conn.close() };
}
