import { Client } from '@temporalio/client';
import { loadApiKeys } from '../config/api-keys';
import { loadEnv } from '../config/env';
import { connectStore } from '../store/connect';
import { createMailer } from '../workers/worker';
import { createApp } from './app';
import { connectWorkflowService } from './temporal-connection';
import { nameService, registerLogSecrets } from '../observability/log';
import { processSecrets } from '../observability/secrets';
import { linkSecret } from '../config/tracking';
import { unsubscribeSecret } from '../config/unsubscribe';

const log = nameService('herald-api');

async function main() {
  const env = loadEnv();
  const apiKeys = loadApiKeys();
  registerLogSecrets([...processSecrets(env), linkSecret(), unsubscribeSecret()]);
  const connection = await connectWorkflowService(env.TEMPORAL_ADDRESS);
  const temporal = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  const store = await connectStore(env.MONGODB_URI);
  const mailer = createMailer(env.SMTP_URL);
  const app = createApp({
    temporal, store, mailer, taskQueue: env.HERALD_TASK_QUEUE, apiKeys, publicUrl: env.HERALD_PUBLIC_URL,
    requestTimeoutMs: env.HERALD_REQUEST_TIMEOUT_SECONDS && env.HERALD_REQUEST_TIMEOUT_SECONDS * 1000,
  });
  const server = app.listen(env.HERALD_PORT, env.HERALD_HOST, () => {
    log.info({ publicUrl: env.HERALD_PUBLIC_URL, port: env.HERALD_PORT }, `herald api listening on ${env.HERALD_PUBLIC_URL}`);
  });
  const stop = () => {
    server.close();
    mailer.close();
    void Promise.all([connection.close(), store.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  log.fatal({ err }, 'herald api failed');
  process.exit(1);
});
