import { connectStore, type Store } from '../../store/connect';
import { insertAuditRecord } from '../../store/audit';
import { collectionOf, requireMajority } from '../../store/mongo';
import { testEnv, uniqueName } from '../support/env';

/**
 * Majority write concern is set in one place, at connect, for the records that must not be lost,
 * and only where the server has a majority to ask. The suite's server is FerretDB: it reports
 * itself, so nothing is asked of it; a model made to ask anyway still writes (FerretDB ignores it).
 */

let store: Store;
beforeAll(async () => {
  store = await connectStore(testEnv().mongoUri, `herald_${uniqueName('wc').replace(/-/g, '_')}`);
});
afterAll(async () => {
  await store?.conn.dropDatabase().catch(() => undefined);
  await store?.close();
});

describe('write concern', () => {
  it('[M5.1] detects the server at connect; audit records ask for w: majority through collectionOf once required', async () => {
    const { capabilities } = store;
    expect(capabilities.majorityWrites).toBe(capabilities.server === 'replica-set' || capabilities.server === 'sharded');
    expect(capabilities.transactions).toBe(capabilities.majorityWrites);
    const { AuditRecord } = store.models;
    if (!capabilities.majorityWrites) expect(collectionOf(AuditRecord).writeConcern?.w).not.toBe('majority');
    requireMajority(AuditRecord);
    expect(collectionOf(AuditRecord).writeConcern?.w).toBe('majority');
    expect(collectionOf(store.models.Customer).writeConcern?.w).not.toBe('majority');
    const record = { incidentId: 'WC-1', seq: 1, step: 'declared', at: '2024-05-01T12:00:00.000Z', actor: 'riley@herald.example', details: {}, prevHash: '0'.repeat(64), hash: 'a'.repeat(64) };
    expect(await insertAuditRecord(store.models, record as never)).toBe(true);
    expect(await AuditRecord.countDocuments({ incidentId: 'WC-1' })).toBe(1);
  });
});
