import { condition, continueAsNew, defineSignal, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { HeraldActivities } from '../activities';
import type { RetentionRun } from '../activities/archive';

/**
 * The archive's durable clocks (M5.1, X5): the checkpoint workflow signs a tree head every
 * interval and whenever a publication asks (`checkpointNow`); the retention workflow applies the
 * retention policies once a day. One of each runs per namespace, under fixed IDs.
 */

export const checkpointNowSignal = defineSignal('checkpointNow');

const { checkpointArchive } = proxyActivities<HeraldActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
const { applyRetention } = proxyActivities<HeraldActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes' },
});

export interface CheckpointOptions {
  /** Between checkpoints when none is asked for; 10 minutes by default. */
  intervalMs?: number;
}

export async function archiveCheckpointWorkflow({ intervalMs = 10 * 60_000 }: CheckpointOptions): Promise<void> {
  let asked = false;
  setHandler(checkpointNowSignal, () => {
    asked = true;
  });
  for (let rounds = 0; rounds < 200 && !workflowInfo().continueAsNewSuggested; rounds++) {
    asked = false;
    await checkpointArchive();
    await condition(() => asked, intervalMs);
  }
  await continueAsNew<typeof archiveCheckpointWorkflow>({ intervalMs });
}

export interface RetentionOptions {
  /** Between retention runs; a day by default. */
  intervalMs?: number;
  /** Runs before this execution ends (a test asks for a few; production runs on, continuing as new). */
  runs?: number;
}

export async function archiveRetentionWorkflow({ intervalMs = 24 * 60 * 60_000, runs }: RetentionOptions): Promise<RetentionRun[]> {
  const results: RetentionRun[] = [];
  for (let i = 0; runs === undefined || i < runs; i++) {
    await sleep(intervalMs);
    // The workflow's clock decides what has expired, so skipped time ages the archive too.
    const run = await applyRetention({ at: new Date().toISOString() });
    results.push(run);
    if (runs === undefined && (i >= 100 || workflowInfo().continueAsNewSuggested)) await continueAsNew<typeof archiveRetentionWorkflow>({ intervalMs });
  }
  return results;
}
