import type { Connection } from 'mongoose';

/**
 * What the MongoDB server behind a connection can do, from its `hello` and `buildInfo`
 * answers: a replica set (or a sharded cluster) has multi-document transactions and majority
 * write concern; a standalone mongod has neither; FerretDB speaks the wire protocol, answers
 * `hello` like a standalone, names itself in `buildInfo.ferretdbVersion`, and has neither.
 */
export interface StoreCapabilities {
  server: 'replica-set' | 'sharded' | 'standalone' | 'ferretdb';
  /** Multi-document transactions (customer import runs in one). */
  transactions: boolean;
  /** `w: 'majority'` means something: the writes that must not be lost ask for it. */
  majorityWrites: boolean;
}

export function capabilitiesOf(hello: Record<string, unknown>, buildInfo: Record<string, unknown>): StoreCapabilities {
  if (typeof buildInfo.ferretdbVersion === 'string' || typeof hello.ferretdbVersion === 'string') return { server: 'ferretdb', transactions: false, majorityWrites: false };
  if (typeof hello.setName === 'string' && hello.setName) return { server: 'replica-set', transactions: true, majorityWrites: true };
  if (hello.msg === 'isdbgrid') return { server: 'sharded', transactions: true, majorityWrites: true };
  return { server: 'standalone', transactions: false, majorityWrites: false };
}

/** Asks the server once, when the store connects. */
export async function detectCapabilities(conn: Connection): Promise<StoreCapabilities> {
  const admin = conn.db!.admin();
  const [hello, buildInfo] = await Promise.all([admin.command({ hello: 1 }), admin.command({ buildInfo: 1 })]);
  return capabilitiesOf(hello, buildInfo);
}
