import type { Connection, Model, Schema } from 'mongoose';

/**
 * The small vocabulary every collection of the store is declared with: the fields a document
 * must carry, and the collection a schema is stored in, bound to one connection in one place
 * (store/models.ts).
 */

/** Fields a document must carry: `required({ version: Number })` is `{ version: { type: Number, required: true } }`. */
export function required<F extends Record<string, unknown>>(fields: F): { [K in keyof F]: { type: F[K]; required: true } } {
  return Object.fromEntries(Object.entries(fields).map(([name, type]) => [name, { type, required: true }])) as {
    [K in keyof F]: { type: F[K]; required: true };
  };
}

/** A schema and the name of the collection its documents (of type T) are stored in. */
export interface StoredCollection<T> {
  schema: Schema;
  collection: string;
  /** Never set: carries T to the bound model's type. */
  readonly doc?: T;
}

export function storedIn<T>(collection: string, schema: Schema<T>): StoredCollection<T> {
  return { schema: schema as unknown as Schema, collection };
}

/** The models of a set of collections, each named by its key. */
export type BoundModels<C> = { [K in keyof C]: C[K] extends StoredCollection<infer T> ? Model<T> : never };

/** Binds each collection to the connection under its key's name (tests give each file its own database). */
export function bindCollections<C extends Record<string, StoredCollection<unknown>>>(conn: Connection, collections: C): BoundModels<C> {
  return Object.fromEntries(Object.entries(collections).map(([name, c]) => [name, conn.model(name, c.schema, c.collection)])) as unknown as BoundModels<C>;
}
