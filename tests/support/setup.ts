import { DefaultLogger, Runtime } from '@temporalio/worker';

// Worker lifecycle chatter drowns test output; warnings and errors still show.
try {
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, console: {} } },
  });
} catch {
  // Already installed in this process by an earlier test file.
}
