import { workflowIdFor } from '../../domain/incident';
import { uniqueName } from '../support/env';
import { keys, startHarness, type Harness } from '../support/harness';
import { emailBroadcastDone, waitForState } from '../support/incidents';
import { workflowIdle } from '../support/wait';
import { startWorkerChild, type WorkerChild } from '../support/worker-child';

let h: Harness;
const children: WorkerChild[] = [];

beforeAll(async () => {
  h = await startHarness({ worker: false });
});
afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await h?.close();
});

describe('durability of an incident across a worker crash', () => {
  it('[X1, X2] delivers a SEV1 approved after its worker was killed exactly once to each subscriber', async () => {
    // No sticky queue for the worker that dies: the server would hold the incident's next task
    // there for its 10 s schedule-to-start timeout before handing it to the new worker.
    const first = await startWorkerChild({ taskQueue: h.taskQueue, dbName: h.dbName, env: { HERALD_WORKFLOW_CACHE_SIZE: '0' } });
    children.push(first);
    const id = uniqueName('INC');
    const declared = await h.request('POST', '/v1/incidents', {
      key: keys.responder,
      body: { id, title: 'Payments failing', category: 'outage', severity: 'SEV1', components: ['api'], summary: 'Card payments fail.' },
    });
    expect(declared.status).toBe(201);
    const s = await waitForState(h, id, (x) => x.status === 'awaiting-approval');
    expect(s.status).toBe('awaiting-approval');
    // The crash comes while the incident waits for its approvers with nothing in flight (the approvers'
    // notice sent), so the new worker does not first wait out a dead attempt's 60 s heartbeat timeout.
    await workflowIdle(h.client.workflow.getHandle(workflowIdFor(id)));

    await first.kill();
    expect(first.process.signalCode).toBe('SIGKILL');
    const second = await startWorkerChild({ taskQueue: h.taskQueue, dbName: h.dbName });
    children.push(second);

    // The playbook asks PR and an executive to sign a SEV1; the new worker takes both sign-offs.
    for (const as of ['pr', 'executive']) {
      const approved = await h.request('POST', `/v1/incidents/${id}/approvals`, {
        key: keys.approver, body: { version: 1, hash: s.currentDraft.hash, as },
      });
      expect(approved.status).toBe(200);
    }

    const mails = await h.mailpit.waitFor(h.domain, (m) => m.length >= 3, 60_000);
    await emailBroadcastDone(h, id, 1);
    const final = await h.mailpit.toDomain(h.domain);
    expect(final.map((m) => m.To[0].Address).sort()).toEqual(h.fixtures.apiSubscribers);
    expect(mails.every((m) => m.Subject.includes('Payments failing'))).toBe(true);
    const receipts = await h.store.models.DeliveryReceipt.find({ incidentId: id, channel: 'email' }).lean();
    expect(receipts.map((d) => [d.recipient, d.outcome]).sort()).toEqual(h.fixtures.apiSubscribers.map((r) => [r, 'sent']));
    const desc = await h.client.workflow.getHandle(workflowIdFor(id)).describe();
    expect(desc.status.name).toBe('RUNNING');
  }, 180_000);
});
