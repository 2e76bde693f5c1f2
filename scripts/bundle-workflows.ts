// Writes the workflow bundle a worker reads through HERALD_WORKFLOW_BUNDLE, so it starts without
// bundling: `node --import tsx scripts/bundle-workflows.ts <file>` (the Dockerfile runs it at build time).
import { bundleWorkflowCode } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';
import { workflowsPath } from '../workers/worker';

async function main() {
  const file = process.argv[2];
  if (!file) throw new Error('usage: bundle-workflows.ts <output file>');
  const { code } = await bundleWorkflowCode({ workflowsPath });
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, code);
  console.log(`wrote the workflow bundle to ${file} (${Math.round(code.length / 1024)} KiB)`);
}

main().catch((err) => {
  console.error('bundling failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
