import { receiptLog } from '../../activities/delivery-log';
import { connectStore, type Store } from '../../store/connect';
import type { DeliveryReceiptDoc } from '../../store/models';
import { testEnv, uniqueName } from '../support/env';

/**
 * Two attempts of one email batch can overlap, when Temporal retries an attempt that is still
 * running (its heartbeats were late): both send the address, the later one as an in-doubt resend
 * under the same Message-ID. Whichever receipt reaches FerretDB first, the log says the address
 * got a second copy, as the exactly-once rule requires of every duplicate.
 */
let store: Store;
beforeAll(async () => {
  store = await connectStore(testEnv().mongoUri, `herald_${uniqueName('dr').replace(/-/g, '_')}`);
});
afterAll(async () => {
  await store.conn.dropDatabase().catch(() => undefined);
  await store.close();
});

const receipt = (key: string, outcome: DeliveryReceiptDoc['outcome']): DeliveryReceiptDoc => ({
  _id: key, incidentId: 'INC-receipts', version: 1, channel: 'email', recipient: `${key}@example.com`, outcome, messageId: `<${key}@herald.test>`, at: new Date(),
});

describe('delivery receipts of overlapping attempts', () => {
  it('[X2] an in-doubt resend is on record whether the plain receipt of the other attempt came before or after it; two plain receipts keep the first', async () => {
    const first = receiptLog(store.models);
    const second = receiptLog(store.models);
    const key = (n: string) => `${uniqueName('k')}-${n}`;
    const [sentThenResent, resentThenSent, sentTwice] = ['a', 'b', 'c'].map(key);

    await first(receipt(sentThenResent, 'sent'));
    await second(receipt(sentThenResent, 'in-doubt-resent'));
    await first(receipt(resentThenSent, 'in-doubt-resent'));
    await second(receipt(resentThenSent, 'sent'));
    await first(receipt(sentTwice, 'sent'));
    await second(receipt(sentTwice, 'sent'));

    const outcomes = new Map((await store.models.DeliveryReceipt.find({}, { outcome: 1 }).lean()).map((r) => [r._id, r.outcome]));
    expect(Object.fromEntries(outcomes)).toEqual({
      [sentThenResent]: 'in-doubt-resent',
      [resentThenSent]: 'in-doubt-resent',
      [sentTwice]: 'sent',
    });
  });
});
