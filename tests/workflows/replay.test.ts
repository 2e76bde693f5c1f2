import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historiesDir } from '../support/history-fixtures';
import { workflowBundle } from '../support/harness';

const fixtures = readdirSync(historiesDir).filter((f) => f.endsWith('.json')).sort();

describe('replaying recorded incident histories with the current workflow code', () => {
  it('[X1] has recorded histories to replay', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(3);
  });

  it.each(fixtures)('[X1] replays %s without a determinism error', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(historiesDir, file), 'utf8')));
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `replay-${file}`),
    ).resolves.toBeUndefined();
  });
});
