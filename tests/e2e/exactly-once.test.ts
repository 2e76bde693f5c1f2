import { uniqueName } from '../support/env';
import {
  exactlyOnceReport,
  incidentFixture,
  messageFixture,
  receivedPerRecipient,
  seedAudience,
  spawnWorkerProcess,
  startFanoutHarness,
} from '../support/fanout';
import { Mailpit } from '../support/mailpit';

let h: Awaited<ReturnType<typeof startFanoutHarness>>;
beforeAll(async () => {
  h = await startFanoutHarness();
});
afterAll(async () => {
  await h?.close();
});

const recipients = 3000;

async function countAt(mailpit: Mailpit, apiUrl: string, domain: string): Promise<number> {
  const res = await fetch(`${apiUrl}/api/v1/search?query=${encodeURIComponent(`to:"${domain}"`)}&limit=1`);
  return ((await res.json()) as { messages_count: number }).messages_count;
}

describe('a broadcast survives its worker being killed', () => {
  it('[X2, M7.3] SIGKILLs the worker three times at random moments mid-broadcast; every recipient gets the message exactly once', async () => {
    const mailpit = new Mailpit(h.env.mailpitApiUrl);
    const emails = await seedAudience(h.store, h.domain, recipients, 'api');
    const incident = incidentFixture(['api']);
    const taskQueue = `tq-${uniqueName('x2')}`;

    let worker = await spawnWorkerProcess({ taskQueue, dbName: h.dbName });
    const handle = await h.client.workflow.start('broadcastWorkflow', {
      taskQueue, workflowId: `broadcast-${incident.id}`,
      args: [{ incident, message: messageFixture(1), batchSize: 250, maxInFlight: 4, batchHeartbeatTimeout: '2 seconds' }],
    });

    // Each kill lands after a random number of further messages has arrived, so it always hits
    // a broadcast in full flight (claims, sends and receipts in progress on every lane).
    const kills: { after: number; at: number }[] = [];
    for (let k = 0; k < 3; k++) {
      const after = (kills.at(-1)?.at ?? 0) + 100 + Math.floor(Math.random() * 500);
      for (let tries = 0; (await countAt(mailpit, h.env.mailpitApiUrl, h.domain)) < after; tries++) {
        if (tries > 600) throw new Error(`broadcast stalled before ${after} messages`);
        await new Promise((r) => setTimeout(r, 25 + Math.random() * 50));
      }
      await worker.kill();
      kills.push({ after, at: await countAt(mailpit, h.env.mailpitApiUrl, h.domain) });
      worker = await spawnWorkerProcess({ taskQueue, dbName: h.dbName });
    }
    expect(kills.every((k) => k.at > 0 && k.at < recipients)).toBe(true);

    const outcome = await handle.result();
    await worker.kill();
    expect(outcome.recipients).toBe(recipients);
    expect(outcome.sent + outcome.alreadySent + outcome.verified + outcome.settledByEarlierAttempts).toBe(recipients);
    expect(outcome.failed).toBe(0);

    await mailpit.waitFor(h.domain, (m) => m.length >= recipients, 60_000);
    await new Promise((r) => setTimeout(r, 500));
    const report = exactlyOnceReport(emails, await receivedPerRecipient(mailpit, h.domain));
    if (report.duplicated.length || report.missing.length) console.error('kills', kills, 'outcome', outcome);
    expect(report).toEqual({ missing: [], duplicated: [], unexpected: [] });
  }, 300_000);
});
