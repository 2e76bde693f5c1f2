import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseTreeHead } from '../../cli/herald-verify';
import { checkpointSinks } from '../../config/archive';
import { entryLeafHash, bytesToHex, type LogEntry } from '../../domain/archive/entries';
import { archiveRecords, appendPending, type LogLeafDoc } from '../../store/archive';
import { checkpointConfigured, LogRewrittenError } from '../../store/archive-log';
import { connectStore, type Store } from '../../store/connect';
import { testEnv, uniqueName } from '../support/env';

/**
 * The archive log in FerretDB (X5): sequencers racing each other append every record exactly
 * once and without gaps, and a checkpoint refuses to sign a log rewritten under a signed head,
 * even when the attacker also deletes the heads in the database (the checkpoint file remembers).
 */
let store: Store;
beforeAll(async () => {
  store = await connectStore(testEnv().mongoUri, `herald_${uniqueName('al').replace(/-/g, '_')}`);
});
afterAll(async () => {
  fs.rmSync(checkpointSinks(store.conn.name).file, { force: true });
  await store.conn.dropDatabase().catch(() => undefined);
  await store.close();
});

const records = (incidentId: string, n: number) => Array.from({ length: n }, (_, i) => ({
  key: `email:${incidentId}|v1|email|en|r${i}`, kind: 'email' as const, incidentId, version: 1, recordedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
  body: Buffer.from(`Subject: ${i}\r\n\r\nSome payments fail.\r\n`), contentType: 'message/rfc822',
}));

describe('the archive log in the store', () => {
  it('[X5] three sequencers at once append every record once, at contiguous indexes, each incident numbered 0, 1, …', async () => {
    const models = store.models;
    const a = uniqueName('INC-A');
    const b = uniqueName('INC-B');
    await archiveRecords(models, [...records(a, 30), ...records(b, 30)]);
    await Promise.all([appendPending(models, 7), appendPending(models, 11), appendPending(models)]);
    const leaves = await models.LogLeaf.find({}).sort({ _id: 1 }).lean<LogLeafDoc[]>();
    expect(leaves.map((l) => l._id)).toEqual([...Array(60).keys()]);
    expect(new Set(leaves.map((l) => l.key)).size).toBe(60);
    for (const id of [a, b]) expect(leaves.filter((l) => l.entry.incidentId === id).map((l) => l.entry.incidentSeq)).toEqual([...Array(30).keys()]);
    for (const l of leaves) expect(l.hash).toBe(bytesToHex(entryLeafHash(l.entry)));
    expect(await models.ArchiveRecord.countDocuments({ index: { $exists: false } })).toBe(0);
  });

  it('[X5] a backlog of 250 records (a sequencer killed before it marked them) is logged and marked in one pass, and the store answers after it', async () => {
    // FerretDB keeps each updateOne of a bulk write open until its command ends, with 100
    // connections per database: marks of 100 records or more in one command waited for ever and
    // blocked the database (store/mongo.ts, bulkWriteInCommands).
    const db = await connectStore(testEnv().mongoUri, `herald_${uniqueName('al').replace(/-/g, '_')}`);
    try {
      const id = uniqueName('INC-C');
      await archiveRecords(db.models, records(id, 250));
      expect(await appendPending(db.models)).toBe(250);
      expect(await db.models.ArchiveRecord.countDocuments({ index: { $exists: false } })).toBe(0);
      const marked = await db.models.ArchiveRecord.find({}, { _id: 1, index: 1 }).lean<{ _id: string; index: number }[]>();
      const leaves = await db.models.LogLeaf.find({}, { _id: 1, key: 1 }).lean<LogLeafDoc[]>();
      expect(new Map(marked.map((m) => [m._id, m.index]))).toEqual(new Map(leaves.map((l) => [l.key, l._id])));
      expect(await db.models.LogLeaf.countDocuments({})).toBe(250);
    } finally {
      await db.conn.dropDatabase().catch(() => undefined);
      await db.close();
    }
  });

  it('[X5] a checkpoint refuses to sign a log rewritten under a signed head, by the database\'s heads and by the checkpoint file\'s', async () => {
    const models = store.models;
    const first = await checkpointConfigured(models);
    expect(first.sth.treeSize).toBe(60);
    const fileLines = fs.readFileSync(checkpointSinks(store.conn.name).file, 'utf8').trim().split('\n');
    expect(JSON.parse(fileLines[fileLines.length - 1])).toEqual(first.sth);

    // An attacker with write access rewrites leaf 5 and its hash (every later hash is recomputed from the leaves).
    const leaf = (await models.LogLeaf.findById(5).lean<LogLeafDoc>())!;
    const forged: LogEntry = { ...leaf.entry, bodySha256: '00'.repeat(32) };
    await models.LogLeaf.updateOne({ _id: 5 }, { $set: { entry: forged, hash: bytesToHex(entryLeafHash(forged)) } });
    await archiveRecords(models, records(uniqueName('INC-C'), 1));
    await expect(checkpointConfigured(models)).rejects.toThrow(LogRewrittenError);
    await expect(checkpointConfigured(models)).rejects.toThrow(/no longer extends the tree head of size 60 in the database/);

    // He deletes the signed heads too: the checkpoint file outside the database still refuses.
    await models.TreeHead.deleteMany({});
    await expect(checkpointConfigured(models)).rejects.toThrow(/no longer extends the tree head of size 60 in .*\.jsonl/);
    expect(await models.TreeHead.countDocuments()).toBe(0);
  });

  it('[X5] each new signed head is POSTed to every witness URL, which herald-verify --against reads back; a witness that does not answer costs the checkpoint nothing', async () => {
    const bodies: string[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString());
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sth`;
    const own = await connectStore(testEnv().mongoUri, `herald_${uniqueName('aw').replace(/-/g, '_')}`);
    const saved = { urls: process.env.HERALD_ARCHIVE_WITNESS_URLS, old: process.env.HERALD_WITNESS_WEBHOOKS };
    // The older variable still adds its URLs; the closed port is a witness that is down.
    process.env.HERALD_ARCHIVE_WITNESS_URLS = `${url}?new, http://127.0.0.1:9/down`;
    process.env.HERALD_WITNESS_WEBHOOKS = `${url}?old`;
    try {
      await archiveRecords(own.models, records(uniqueName('INC-W'), 3));
      const { sth, fresh } = await checkpointConfigured(own.models);
      expect(fresh).toBe(true);
      expect(bodies).toHaveLength(2);
      for (const b of bodies) {
        expect(JSON.parse(b)).toEqual({ type: 'herald.tree-head', sth });
        expect(parseTreeHead(b)).toEqual(sth);
      }
      // The same head again is not new: nobody is told twice.
      expect((await checkpointConfigured(own.models)).fresh).toBe(false);
      expect(bodies).toHaveLength(2);
    } finally {
      process.env.HERALD_ARCHIVE_WITNESS_URLS = saved.urls ?? '';
      process.env.HERALD_WITNESS_WEBHOOKS = saved.old ?? '';
      fs.rmSync(checkpointSinks(own.conn.name).file, { force: true });
      await own.conn.dropDatabase().catch(() => undefined);
      await own.close();
      await new Promise((r) => server.close(r));
    }
  });
});
