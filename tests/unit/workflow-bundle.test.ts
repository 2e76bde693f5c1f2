import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../../workers/worker';

/**
 * Every module of the workflow bundle is evaluated again for each workflow the worker holds, so
 * what the bundle carries is paid per open incident. Schema and templating libraries stay out:
 * workflow code uses the plain lists in domain/incident/core.ts and domain/playbooks/constants.ts.
 */
describe('the workflow bundle', () => {
  it('[X1, M7.3] holds the workflow code and the pure rules, and no schema, templating or I/O library', async () => {
    const quiet = { log() {}, info() {}, warn() {}, error() {}, debug() {}, trace() {} };
    const { code } = await bundleWorkflowCode({ workflowsPath, logger: quiet as never });
    const packages = new Set([...code.matchAll(/"\.\/node_modules\/((?:@[^/"]+\/)?[^/"]+)\//g)].map((m) => m[1]));
    for (const heavy of ['zod', 'handlebars', 'mongoose', 'mongodb', 'nodemailer', 'express']) expect(packages).not.toContain(heavy);
    expect(code).toContain('./workflows/incident.ts');
    expect(code).toContain('./domain/rules/deadlines.ts');
    expect(code).not.toContain('./domain/playbooks/schema.ts');
    expect(code).not.toContain('"./domain/incident/index.ts"');
  }, 60_000);
});
