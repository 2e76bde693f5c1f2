import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ManagedProcess } from './processes';
import { startFerretDB, startMailpit, startTemporal, type Server } from './servers';
import { ensureTools } from './tools';

export interface StackOptions {
  /** dev: persistent data and the Web UI (npm start); test: throwaway, headless, in memory. */
  mode: 'dev' | 'test';
  /** dev only; defaults to ./data. */
  dataDir?: string;
}

export interface Stack {
  env: Record<string, string>;
  urls: { temporal: string; temporalUi?: string; mongodb: string; smtp: string; mailpit?: string };
  /** Servers this stack started (not the external ones). */
  processes: ManagedProcess[];
  stop(): Promise<void>;
}

/**
 * Starts Temporal, FerretDB and Mailpit on free loopback ports, except where TEMPORAL_ADDRESS,
 * MONGODB_URI or SMTP_URL (with MAILPIT_API_URL) point at running ones.
 */
export async function startStack(options: StackOptions, outside: NodeJS.ProcessEnv = process.env): Promise<Stack> {
  const tools = await ensureTools();
  const dev = options.mode === 'dev';
  const dataDir = dev ? path.resolve(options.dataDir ?? 'data') : fs.mkdtempSync(path.join(os.tmpdir(), 'herald-test-'));
  const logDir = path.join(dataDir, 'logs');
  fs.mkdirSync(logDir, { recursive: true });

  if (outside.SMTP_URL && !outside.MAILPIT_API_URL) {
    console.error('SMTP_URL is set without MAILPIT_API_URL: tests that read delivered mail cannot run.');
  }

  const started: Server[] = [];
  const keep = <T extends Server>(s: T): T => (started.push(s), s);
  const stopServers = () => Promise.all(started.map((s) => s.stop()));
  const stop = async () => {
    await stopServers();
    if (!dev) fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const starting = [
    outside.TEMPORAL_ADDRESS
      ? { address: outside.TEMPORAL_ADDRESS, uiUrl: undefined }
      : startTemporal({ binary: tools.temporal, ui: dev, dbFile: dev ? path.join(dataDir, 'temporal.db') : undefined, logDir }).then(keep),
    outside.MONGODB_URI
      ? { uri: outside.MONGODB_URI }
      : startFerretDB({ binary: tools.ferretdb, dir: path.join(dataDir, 'ferretdb'), logDir }).then(keep),
    outside.SMTP_URL
      ? { smtpUrl: outside.SMTP_URL, apiUrl: outside.MAILPIT_API_URL }
      : startMailpit({ binary: tools.mailpit, dbFile: dev ? path.join(dataDir, 'mailpit.db') : undefined, logDir }).then(keep),
  ] as const;
  try {
    const [temporal, mongodb, mail] = await Promise.all(starting);

    const env: Record<string, string> = {
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: outside.TEMPORAL_NAMESPACE ?? 'default',
      MONGODB_URI: mongodb.uri,
      SMTP_URL: mail.smtpUrl,
      ...(mail.apiUrl ? { MAILPIT_API_URL: mail.apiUrl } : {}),
      TEMPORAL_TEST_SERVER_PATH: tools.testServer,
      SCHEMATHESIS_PATH: tools.schemathesis,
      CHROMIUM_PATH: tools.chromium,
      ...(tools.promtool ? { PROMTOOL_PATH: tools.promtool } : {}),
      TEMPORAL_CLI_PATH: tools.temporal,
      FERRETDB_PATH: tools.ferretdb,
      MAILPIT_PATH: tools.mailpit,
    };
    return {
      env,
      urls: { temporal: temporal.address, temporalUi: temporal.uiUrl, mongodb: mongodb.uri, smtp: mail.smtpUrl, mailpit: mail.apiUrl },
      processes: started.map((s) => s.process),
      stop,
    };
  } catch (error) {
    // Let the other servers finish starting, so that stop() reaches them too.
    await Promise.allSettled(starting);
    await stopServers(); // and keep the logs the error points at
    throw error;
  }
}
