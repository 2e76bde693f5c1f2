import { loadEnv } from '../config/env';
import { linkSecret } from '../config/tracking';
import { unsubscribeSecret } from '../config/unsubscribe';
import { describeTemplateCoverage, templateCoverage } from '../store/template-coverage';
import { Runtime } from '@temporalio/worker';
import { nameService, registerLogSecrets } from '../observability/log';
import { processSecrets } from '../observability/secrets';
import { TemporalPinoLogger } from '../observability/temporal-logger';
import { createHeraldWorker } from './worker';
import { workerTelemetry } from './telemetry';
import { metricsConfig } from '../config/metrics';
import { archiveClocksEnabled, checkpointIntervalMs } from '../config/archive';
import { startCheckpointClock, startRetentionClock } from '../activities/archive';

const log = nameService('herald-worker');

async function main() {
  const env = loadEnv();
  registerLogSecrets(processSecrets(env));
  // The SDK's own lines (worker lifecycle, task failures, workflow log calls, core warnings) as JSON lines too.
  Runtime.install({ logger: new TemporalPinoLogger(log), ...workerTelemetry(metricsConfig().HERALD_WORKER_METRICS_ADDR) });
  const hw = await createHeraldWorker({
    temporalAddress: env.TEMPORAL_ADDRESS,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.HERALD_TASK_QUEUE,
    mongoUri: env.MONGODB_URI,
    smtpUrl: env.SMTP_URL,
    ...(env.SMTP_FALLBACK_URL ? { smtpFallbackUrl: env.SMTP_FALLBACK_URL } : {}),
    smtpTimeoutMs: env.HERALD_SMTP_TIMEOUT_SECONDS * 1000,
    maxCachedWorkflows: env.HERALD_WORKFLOW_CACHE_SIZE,
    ...(env.HERALD_WORKFLOW_BUNDLE ? { workflowBundle: { codePath: env.HERALD_WORKFLOW_BUNDLE } } : {}),
    config: {
      fromAddress: env.HERALD_FROM_ADDRESS,
      publicUrl: env.HERALD_PUBLIC_URL,
      messageIdDomain: env.HERALD_MESSAGE_ID_DOMAIN,
      escalationEmails: env.HERALD_ESCALATION_EMAILS.split(',').map((s) => s.trim()).filter(Boolean),
      linkSecret: linkSecret(),
      unsubscribeSecret: unsubscribeSecret(),
    },
  });
  // A playbook that names a missing or unreviewed template is reported loudly, not refused (store/template-coverage.ts).
  const gaps = describeTemplateCoverage(await templateCoverage(hw.store));
  if (gaps.length) log.warn({ problems: gaps }, `herald worker: ${gaps.length} template problem(s) in the playbooks`);
  // The archive's durable clocks, one workflow each per task queue, started once: checkpoints (X5) and retention (M5.1).
  // A failure to start them is loud but leaves incidents running: the next worker start tries again.
  if (archiveClocksEnabled()) await Promise.all([
    startCheckpointClock(hw.worker.client!, env.HERALD_TASK_QUEUE, checkpointIntervalMs()),
    startRetentionClock(hw.worker.client!, env.HERALD_TASK_QUEUE),
  ]).catch((err: unknown) => log.error({ err }, 'herald worker: the archive checkpoint and retention workflows did not start'));
  log.info({ taskQueue: env.HERALD_TASK_QUEUE, temporalAddress: env.TEMPORAL_ADDRESS }, `herald worker polling task queue "${env.HERALD_TASK_QUEUE}" on ${env.TEMPORAL_ADDRESS}`);
  await hw.run();
  await hw.shutdown();
}

main().catch((err) => {
  log.fatal({ err }, 'herald worker failed');
  process.exit(1);
});
