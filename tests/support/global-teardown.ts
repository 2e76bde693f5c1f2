import fs from 'node:fs';
import path from 'node:path';

/** Removes what tests/support/global-setup.ts wrote. */
export default function globalTeardown() {
  const file = process.env.HERALD_TEST_WORKFLOW_BUNDLE;
  if (file) fs.rmSync(path.dirname(file), { recursive: true, force: true });
}
