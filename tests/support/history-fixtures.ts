import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const historiesDir = path.resolve(__dirname, '../fixtures/histories');

/**
 * With HERALD_RECORD_HISTORIES=1, a scenario's workflow history is written as a replay fixture;
 * tests/workflows/replay.test.ts replays every fixture against the current workflow code.
 */
export async function saveHistoryFixture(name: string, handle: WorkflowHandle): Promise<void> {
  if (process.env.HERALD_RECORD_HISTORIES !== '1') return;
  const history = await handle.fetchHistory();
  mkdirSync(historiesDir, { recursive: true });
  writeFileSync(path.join(historiesDir, `${name}.json`), historyToJSON(history));
}
