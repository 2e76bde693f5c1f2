import { Client, Connection } from '@temporalio/client';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { startFerretDB, startTemporal } from '../../stack/servers';
import { ensureTools } from '../../stack/tools';

async function withTemporal<T>(address: string, use: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address });
  try {
    return await use(new Client({ connection }));
  } finally {
    await connection.close();
  }
}

async function withMongo<T>(uri: string, use: (db: mongoose.mongo.Db) => Promise<T>): Promise<T> {
  const connection = await mongoose.createConnection(uri).asPromise();
  try {
    return await use(connection.db!);
  } finally {
    await connection.close();
  }
}

it('[X1] npm start keeps Temporal and FerretDB data across a restart', async () => {
  const tools = await ensureTools();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-persist-'));
  const dbFile = path.join(dir, 'temporal.db');
  const ferretDir = path.join(dir, 'ferretdb');
  const start = () => Promise.all([
    startTemporal({ binary: tools.temporal, dbFile, ui: false, logDir: dir }),
    startFerretDB({ binary: tools.ferretdb, dir: ferretDir, logDir: dir }),
  ]);

  try {
    const [temporal, ferret] = await start();
    try {
      // No worker polls 'none', so the workflow simply stays Running.
      await withTemporal(temporal.address, (client) =>
        client.workflow.start('anything', { taskQueue: 'none', workflowId: 'persist-1', args: [] }));
      await withMongo(ferret.uri, (db) => db.collection('persistence').insertOne({ key: 'kept', note: 'survives' }));
    } finally {
      await Promise.all([temporal.stop(), ferret.stop()]);
    }

    // The same files, new processes on new ports.
    const [temporal2, ferret2] = await start();
    try {
      const status = await withTemporal(temporal2.address, async (client) =>
        (await client.workflow.getHandle('persist-1').describe()).status.name);
      expect(status).toBe('RUNNING');
      const doc = await withMongo(ferret2.uri, (db) => db.collection('persistence').findOne({ key: 'kept' }));
      expect(doc).toMatchObject({ note: 'survives' });
    } finally {
      await Promise.all([temporal2.stop(), ferret2.stop()]);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
