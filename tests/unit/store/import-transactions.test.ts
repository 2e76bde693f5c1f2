import type { Model } from 'mongoose';
import { capabilitiesOf } from '../../../store/capabilities';
import { writeImport } from '../../../store/customer-import';
import type { CustomerDoc } from '../../../store/models';

/**
 * No replica set runs on these machines (and FerretDB has no transactions), so the transaction
 * path of the import is checked against a recording stand-in for the model: which calls it makes,
 * with which session and write concern. The compensating path runs against FerretDB in
 * tests/e2e/customers.test.ts.
 */

// FerretDB v1.24.2's own answers, as the stack's server gave them.
const ferretHello = { isWritablePrimary: true, maxBsonObjectSize: 16777216, maxWireVersion: 21, readOnly: false, ok: 1 };
const ferretBuildInfo = { version: '7.0.42', gitVersion: 'unknown', ferretdbVersion: 'v1.24.2', ferretdbFeatures: { aggregationStages: ['$match'] }, ok: 1 };

describe('store capabilities', () => {
  it('[M1.4] tells a replica set (transactions, majority) from FerretDB, a standalone mongod and mongos', () => {
    expect(capabilitiesOf(ferretHello, ferretBuildInfo)).toEqual({ server: 'ferretdb', transactions: false, majorityWrites: false });
    // FerretDB stays FerretDB even if a future version reported a set name.
    expect(capabilitiesOf({ ...ferretHello, setName: 'rs0' }, ferretBuildInfo).server).toBe('ferretdb');
    expect(capabilitiesOf({ isWritablePrimary: true, setName: 'rs0', hosts: ['mongo:27017'], ok: 1 }, { version: '7.0.14', ok: 1 }))
      .toEqual({ server: 'replica-set', transactions: true, majorityWrites: true });
    expect(capabilitiesOf({ isWritablePrimary: true, msg: 'isdbgrid', ok: 1 }, { version: '7.0.14', ok: 1 }))
      .toEqual({ server: 'sharded', transactions: true, majorityWrites: true });
    expect(capabilitiesOf({ isWritablePrimary: true, ok: 1 }, { version: '7.0.14', ok: 1 }))
      .toEqual({ server: 'standalone', transactions: false, majorityWrites: false });
  });
});

function recordingModel(failOnChunk?: number) {
  const calls: { op: string; options?: any; count?: number }[] = [];
  let inserts = 0;
  const session = {
    async withTransaction(fn: () => Promise<void>, options: unknown) {
      calls.push({ op: 'withTransaction', options });
      await fn();
    },
    async endSession() {
      calls.push({ op: 'endSession' });
    },
  };
  const model = {
    db: { startSession: async () => (calls.push({ op: 'startSession' }), session) },
    async insertMany(docs: unknown[], options: any) {
      inserts += 1;
      calls.push({ op: 'insertMany', options, count: docs.length });
      if (inserts === failOnChunk) throw Object.assign(new Error('E11000 duplicate key'), { code: 11000 });
      return docs;
    },
    async deleteMany(filter: unknown) {
      calls.push({ op: 'deleteMany', options: filter });
    },
  };
  return { model: model as unknown as Model<CustomerDoc>, calls, session };
}

const docs = Array.from({ length: 5 }, (_, i) => ({ customerId: `c-${i}`, name: `C ${i}`, tier: 'standard', locale: 'en', emails: [], subscriptions: [] }) as CustomerDoc);

describe('customer import write path', () => {
  it('[M1.4] on a server with transactions, writes every chunk in one session under majority write concern and deletes nothing', async () => {
    const { model, calls, session } = recordingModel();
    await expect(writeImport(model, docs, 'imp-tx', 2, { transactions: true })).resolves.toBe(5);
    expect(calls.map((c) => c.op)).toEqual(['startSession', 'withTransaction', 'insertMany', 'insertMany', 'insertMany', 'endSession']);
    expect(calls[1]!.options).toEqual({ writeConcern: { w: 'majority' } });
    for (const c of calls.filter((x) => x.op === 'insertMany')) expect(c.options).toMatchObject({ session, ordered: true });
    expect(calls.filter((c) => c.op === 'insertMany').map((c) => c.count)).toEqual([2, 2, 1]);
  });

  it('[M1.4] a failed chunk inside the transaction aborts it (no compensating delete) and ends the session', async () => {
    const { model, calls } = recordingModel(2);
    await expect(writeImport(model, docs, 'imp-tx', 2, { transactions: true })).rejects.toMatchObject({ code: 11000 });
    expect(calls.map((c) => c.op)).toEqual(['startSession', 'withTransaction', 'insertMany', 'insertMany', 'endSession']);
  });

  it('[M1.4] without transactions (FerretDB), a failed chunk removes what this import wrote', async () => {
    const { model, calls } = recordingModel(2);
    await expect(writeImport(model, docs, 'imp-comp', 2)).rejects.toMatchObject({ code: 11000 });
    expect(calls.map((c) => c.op)).toEqual(['insertMany', 'insertMany', 'deleteMany']);
    expect(calls[2]!.options).toEqual({ importId: 'imp-comp' });
    for (const c of calls.filter((x) => x.op === 'insertMany')) expect(c.options.session).toBeUndefined();
  });
});
