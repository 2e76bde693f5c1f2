import type { NearMissRecord } from '../domain/gate/near-miss-records';
import type { Models } from './models';
import { isDuplicateKey } from './mongo';

/**
 * Keeps a near miss for the post-incident review (M5.6), once per key: `recorded` is false when
 * the same report was kept before (a retried activity).
 */
export async function saveNearMiss(models: Pick<Models, 'NearMiss'>, nm: NearMissRecord): Promise<{ key: string; recorded: boolean }> {
  const { key } = nm;
  try {
    const res = await models.NearMiss.updateOne({ _id: key }, { $setOnInsert: nm }, { upsert: true });
    return { key, recorded: res.upsertedCount > 0 };
  } catch (err) {
    // Two upserts raced and the other inserted first: the near miss is recorded once.
    if (isDuplicateKey(err)) return { key, recorded: false };
    throw err;
  }
}
