import type { Model, mongo } from 'mongoose';

/**
 * The few driver-level pieces every store module shares. Idempotent effects are inserts under a
 * deterministic key (mostly the `_id`); a second insert of the same key fails with MongoDB's
 * duplicate-key error, which FerretDB reports the same way.
 */

/** MongoDB's duplicate-key error (E11000): the unique key, often the `_id`, exists already. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

/**
 * The driver collection behind a model, typed with its documents. Store code writes through the
 * driver where mongoose would add a generated `_id` or a version key, and reads through it where
 * a `_id` lookup must stay a plain primary-key query (FerretDB scans for anything else).
 */
export function collectionOf<T extends mongo.Document>(model: Model<T>): mongo.Collection<T> {
  return (majorityCollections.get(model) ?? model.collection) as unknown as mongo.Collection<T>;
}

/** The driver collections of models whose writes ask for `w: 'majority'` (see requireMajority). */
const majorityCollections = new WeakMap<object, mongo.Collection>();

/**
 * Writes to this model's collection through collectionOf acknowledge only once a majority of the
 * replica set has them, so a failover cannot roll them back. Set at connect (store/connect.ts),
 * only where the server has a majority to ask (FerretDB ignores write concern).
 */
export function requireMajority(model: Pick<Model<unknown>, 'db' | 'collection'>): void {
  const db = model.db.db;
  if (!db) throw new Error('requireMajority needs a connected store');
  majorityCollections.set(model, db.collection(model.collection.collectionName, { writeConcern: { w: 'majority' } }));
}

/**
 * Statements per write command of bulkWrite. FerretDB (1.24, SQLite) keeps each update statement's
 * query open until the whole command has run, and gives a database 100 connections: one command of
 * 100 updateOne statements that match a document waits for a connection for ever, and with it every
 * later request to that database (the archive marking a backlog of records, after a worker was killed).
 */
export const statementsPerCommand = 50;

/** A bulk write sent as commands of at most statementsPerCommand statements each (MongoDB would take them in one). */
export async function bulkWriteInCommands<T extends mongo.Document>(model: Model<T>, ops: mongo.AnyBulkWriteOperation<T>[], options: mongo.BulkWriteOptions = {}): Promise<void> {
  for (let i = 0; i < ops.length; i += statementsPerCommand) {
    await collectionOf(model).bulkWrite(ops.slice(i, i + statementsPerCommand), options);
  }
}

/** Inserts a document once: false when one with its unique key exists already. */
export async function insertOnce<T extends mongo.Document>(model: Model<T>, doc: mongo.OptionalUnlessRequiredId<T>): Promise<boolean> {
  try {
    await collectionOf(model).insertOne(doc);
    return true;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return false;
  }
}

function writeErrorsOf(err: unknown): { index: number; code?: number }[] | undefined {
  const e = err as { writeErrors?: { index: number; code?: number } | { index: number; code?: number }[] };
  if (e?.writeErrors === undefined) return undefined;
  return ([] as { index: number; code?: number }[]).concat(e.writeErrors);
}

/** Inserts what is new, and answers which positions already existed under the unique key. */
export async function insertNew<T extends mongo.Document>(model: Model<T>, docs: mongo.OptionalUnlessRequiredId<T>[]): Promise<Set<number>> {
  if (docs.length === 0) return new Set();
  try {
    await collectionOf(model).insertMany(docs, { ordered: false });
    return new Set();
  } catch (err) {
    const writeErrors = writeErrorsOf(err);
    if (!writeErrors || writeErrors.some((w) => !isDuplicateKey(w))) throw err;
    return new Set(writeErrors.map((w) => w.index));
  }
}
