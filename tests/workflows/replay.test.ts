import '../support/temporal-runtime';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historiesDir } from '../support/history-fixtures';
import { workflowBundle } from '../support/harness';

const fixtures = readdirSync(historiesDir).filter((f) => f.endsWith('.json')).sort();

/** The baseline's scenarios (README, "Workflow changes and replay"); a patch adds the fixtures of its old path. */
const baseline = [
  'sev3-auto-publish', 'sev2-approval-and-resolution', 'sev1-deadlines-holding-statement',
  'disclosure-checks-block-notice', 'locales-channels-outreach', 'lag-notice',
];

describe('replaying recorded incident histories with the current workflow code', () => {
  it('[X1] has a recorded history of every baseline scenario', () => {
    expect(baseline.filter((name) => !fixtures.includes(`${name}.json`))).toEqual([]);
  });

  it.each(fixtures)('[X1] replays %s without a determinism error', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(historiesDir, file), 'utf8')));
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `replay-${file}`),
    ).resolves.toBeUndefined();
  });
});
