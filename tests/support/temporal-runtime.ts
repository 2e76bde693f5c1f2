import { DefaultLogger, Runtime } from '@temporalio/worker';

/**
 * Imported for its effect by the test support that creates Temporal workers (harness,
 * time-skipping suite, fan-out helpers) and by test files that create their own: worker
 * lifecycle chatter would drown test output, so the SDK's runtime logs warnings and errors only.
 * Not a setup file of every test: loading the worker SDK costs most unit test files more CPU than
 * their tests do.
 */
try {
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, console: {} } },
  });
} catch {
  // Already installed in this process by an earlier test file.
}
