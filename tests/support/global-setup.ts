import { bundleWorkflowCode } from '@temporalio/worker';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workflowsPath } from '../../workers/worker';

/**
 * Bundles the workflow code once per jest run, where every test file's workers read it
 * (HERALD_TEST_WORKFLOW_BUNDLE; worker processes get it as HERALD_WORKFLOW_BUNDLE, as a deployment
 * hands it over). Bundling in each of some fifty files cost seconds of CPU each.
 */
export default async function globalSetup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-bundle-'));
  const file = path.join(dir, 'workflows.js');
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: { log() {}, info() {}, warn() {}, error: console.error, debug() {}, trace() {} } as never });
  fs.writeFileSync(file, code);
  process.env.HERALD_TEST_WORKFLOW_BUNDLE = file;
  // The archive's checkpoint files (config/archive.ts) go with it, not into data/.
  process.env.HERALD_CHECKPOINT_FILE ??= path.join(dir, 'checkpoints', '{db}.jsonl');
  // Worker processes the tests start do not start the archive's clocks on the shared Temporal server.
  process.env.HERALD_ARCHIVE_CLOCKS ??= '0';
}
