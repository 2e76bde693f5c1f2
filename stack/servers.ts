import { Connection } from '@temporalio/client';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import mongoose from 'mongoose';
import { searchAttributeKeys } from '../workflows/search-attributes';
import { freePort } from './ports';
import { spawnManaged, waitUntilReady, type ManagedProcess } from './processes';

export interface Server {
  process: ManagedProcess;
  stop(): Promise<void>;
}

export interface TemporalServer extends Server {
  /** host:port of the gRPC frontend. */
  address: string;
  uiUrl?: string;
}

export interface FerretDBServer extends Server {
  uri: string;
}

export interface MailpitServer extends Server {
  smtpUrl: string;
  apiUrl: string;
}

/** Where a server writes its output: the given directory, or a fresh temp one. */
function logFileFor(name: string, logDir?: string): string {
  const dir = logDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `herald-${name}-`));
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.log`);
}

/** The CLI's names of the SDK's search attribute types. */
const cliTypes = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList', BOOL: 'Bool' } as const;

/** Herald's search attributes, registered when the dev server starts (`--search-attribute Name=Type`). */
const searchAttributeArgs = Object.values(searchAttributeKeys).flatMap((k) => ['--search-attribute', `${k.name}=${cliTypes[k.type]}`]);

const server = <T extends object>(proc: ManagedProcess, fields: T): T & Server => ({ ...fields, process: proc, stop: () => proc.stop() });

/** `port` starts it again where it listened before (over the same `dbFile`), as a restarted server would come back. */
export async function startTemporal(options: { binary: string; dbFile?: string; ui: boolean; logDir?: string; port?: number }): Promise<TemporalServer> {
  const [port, httpPort, metricsPort, uiPort] = [options.port ?? (await freePort()), await freePort(), await freePort(), await freePort()];
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--http-port', String(httpPort),
    '--metrics-port', String(metricsPort),
    '--log-level', 'warn',
    '--dynamic-config-value', 'frontend.enableServerVersionCheck=false',
    ...searchAttributeArgs,
    ...(options.ui ? ['--ui-port', String(uiPort)] : ['--headless']),
    ...(options.dbFile ? ['--db-filename', options.dbFile] : []),
  ];
  if (options.dbFile) fs.mkdirSync(path.dirname(options.dbFile), { recursive: true });
  const proc = spawnManaged('temporal', options.binary, args, { logFile: logFileFor('temporal', options.logDir) });
  const address = `127.0.0.1:${port}`;
  // Ready means the default namespace answers, not merely that the port is open.
  await waitUntilReady(proc, async () => {
    const connection = await Connection.connect({ address, connectTimeout: 1000 });
    try {
      await connection.workflowService.describeNamespace({ namespace: 'default' });
    } finally {
      await connection.close();
    }
  });
  return server(proc, { address, uiUrl: options.ui ? `http://127.0.0.1:${uiPort}` : undefined });
}

/** `port` starts it again where it listened before (over the same `dir`), as a restarted store would come back. */
export async function startFerretDB(options: { binary: string; dir: string; logDir?: string; port?: number }): Promise<FerretDBServer> {
  const [port, debugPort] = [options.port ?? (await freePort()), await freePort()];
  const dir = path.resolve(options.dir);
  fs.mkdirSync(dir, { recursive: true });
  const args = [
    '--handler=sqlite',
    `--sqlite-url=${pathToFileURL(dir).href}/`,
    `--state-dir=${dir}`, // defaults to the working directory
    `--listen-addr=127.0.0.1:${port}`,
    `--debug-addr=127.0.0.1:${debugPort}`,
    '--telemetry=disable',
    '--log-level=warn',
  ];
  const proc = spawnManaged('ferretdb', options.binary, args, { logFile: logFileFor('ferretdb', options.logDir) });
  const uri = `mongodb://127.0.0.1:${port}/herald`;
  await waitUntilReady(proc, async () => {
    const connection = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 1000 }).asPromise();
    try {
      await connection.db!.admin().ping();
    } finally {
      await connection.close();
    }
  });
  return server(proc, { uri });
}

export async function startMailpit(options: { binary: string; dbFile?: string; logDir?: string }): Promise<MailpitServer> {
  const [smtpPort, httpPort] = [await freePort(), await freePort()];
  const args = [
    '--smtp', `127.0.0.1:${smtpPort}`,
    '--listen', `127.0.0.1:${httpPort}`,
    '--smtp-auth-accept-any',
    '--smtp-auth-allow-insecure',
    '--smtp-disable-rdns', // a reverse DNS lookup per connection is slow where DNS is unreachable
    '--smtp-max-recipients', '10000',
    '--max', '0', // keep every message: tests count thousands
    '--disable-version-check',
    ...(options.dbFile ? ['--database', options.dbFile] : []),
  ];
  if (options.dbFile) fs.mkdirSync(path.dirname(options.dbFile), { recursive: true });
  const proc = spawnManaged('mailpit', options.binary, args, { logFile: logFileFor('mailpit', options.logDir) });
  const apiUrl = `http://127.0.0.1:${httpPort}`;
  await waitUntilReady(proc, async () => {
    const response = await fetch(`${apiUrl}/api/v1/info`, { signal: AbortSignal.timeout(1000) });
    if (!response.ok) throw new Error(`GET /api/v1/info answered ${response.status}`);
  });
  return server(proc, { smtpUrl: `smtp://127.0.0.1:${smtpPort}`, apiUrl });
}
