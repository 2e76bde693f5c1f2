import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historiesDir } from '../../tests/support/history-fixtures';
import { workflowBundle } from '../../tests/support/harness';
import type { FaultResult } from '../support/result';

/**
 * Replay: every stored history (tests/fixtures/histories) replayed against the current workflow
 * code. Each history is a run recorded under older code (the fault: a deployment under running
 * incidents); a determinism error would strand those incidents, and counts as a loss.
 */
export async function replayScenario(): Promise<FaultResult & { failures: string[] }> {
  const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json')).sort();
  const failures: string[] = [];
  let events = 0;
  const started = Date.now();
  for (const file of files) {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(historiesDir, file), 'utf8')));
    events += history.events?.length ?? 0;
    try {
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `replay-${file}`);
    } catch (err) {
      failures.push(`${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return {
    scenario: 'replay', faultsInjected: files.length, inFlight: events, lost: failures.length, duplicated: 0, clientErrors: 0,
    recoverySeconds: (Date.now() - started) / 1000 / Math.max(1, files.length),
    details: { histories: files, events, note: 'recoverySeconds: mean replay time per history' },
    failures,
  };
}
