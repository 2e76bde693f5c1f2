/**
 * A Herald worker for tests that kill it: the real workflows and activities, with the fan-out's
 * SMTP provider able to look messages up in Mailpit by Message-ID (the ambiguous-claim check).
 * Run with `node --import tsx tests/support/worker-process.ts`; configured by the environment.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createFanoutActivities } from '../../activities/fanout';
import { failoverChain } from '../../activities/providers/failover';
import { mailpitMessageLog, smtpProvider } from '../../activities/providers/smtp';
import { connectStore } from '../../store/connect';
import { createMailer, workflowsPath } from '../../workers/worker';
import { workerConfig } from './harness';

async function main() {
  const need = (name: string) => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();
  const store = await connectStore(need('MONGODB_URI'), need('HERALD_DB_NAME'));
  const mailer = createMailer(need('SMTP_URL'));
  const deps = { store, mailer, config: workerConfig('http://status.herald.test') };
  const email = failoverChain([smtpProvider({ transport: mailer, lookupMessageId: mailpitMessageLog(need('MAILPIT_API_URL')) })]);
  const connection = await NativeConnection.connect({ address: need('TEMPORAL_ADDRESS') });
  const worker = await Worker.create({
    connection,
    taskQueue: need('HERALD_TASK_QUEUE'),
    workflowsPath,
    activities: { ...createActivities(deps), ...createFanoutActivities(deps, { email }) },
  });
  console.log('worker-process ready');
  await worker.run();
  mailer.close();
  await connection.close();
  await store.close();
}

main().catch((err) => {
  console.error('worker-process failed:', err);
  process.exit(1);
});
