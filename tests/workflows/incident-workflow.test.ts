import { WorkflowUpdateFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createActivities } from '../../activities';
import { workflowIdFor, type IncidentInput, type Severity } from '../../domain/incident';
import { connectStore, type Store } from '../../store/connect';
import type { incidentWorkflow } from '../../workflows/incident';
import { approveUpdate, incidentStateQuery, resolveUpdate } from '../../workflows/messages';
import { testEnv, uniqueName } from '../support/env';
import { seedFixtures } from '../support/fixtures';
import { workerConfig, workflowBundle } from '../support/harness';
import { Mailpit } from '../support/mailpit';

let env: TestWorkflowEnvironment;
let store: Store;
let domain: string;
let fixtures: Awaited<ReturnType<typeof seedFixtures>>;
const mailer = nodemailer.createTransport({ url: testEnv().smtpUrl, pool: true } as never);
const mailpit = new Mailpit(testEnv().mailpitApiUrl);

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testEnv().testServerPath() } },
  });
  const name = uniqueName('wf');
  domain = `${name}.test`;
  store = await connectStore(testEnv().mongoUri, `herald_${name.replace(/-/g, '_')}`);
  fixtures = await seedFixtures(store, domain);
}, 120_000);

afterAll(async () => {
  mailer.close();
  await store?.conn.dropDatabase().catch(() => undefined);
  await store?.close();
  await env?.teardown();
});

async function withWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = uniqueName('tq');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities({
      store, mailer,
      config: { ...workerConfig('http://status.herald.test'), escalationEmails: [`escalation@${domain}`] },
    }),
  });
  return worker.runUntil(fn(taskQueue));
}

async function incident(severity: Severity): Promise<IncidentInput> {
  return {
    id: uniqueName('INC'),
    title: `Search is down (${severity})`,
    category: 'outage',
    severity,
    components: ['api'],
    summary: 'Search requests fail.',
    declaredBy: 'test',
    detectedAt: new Date(await env.currentTimeMs()).toISOString(),
  };
}

async function waitForQuery<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('state never reached');
}

describe('incident workflow on the time-skipping server', () => {
  it('[M1.5] publishes a SEV3 without approval and completes on resolve', async () => {
    await withWorker(async (taskQueue) => {
      const input = await incident('SEV3');
      const handle = await env.client.workflow.start<typeof incidentWorkflow>('incidentWorkflow', { taskQueue, workflowId: workflowIdFor(input.id), args: [input] });
      const published = await waitForQuery(() => handle.query(incidentStateQuery), (s) => s.status === 'published');
      expect(published.approvals).toEqual([]);
      expect(published.published.map((p) => p.version)).toEqual([1]);
      await handle.executeUpdate(resolveUpdate, { args: [{ summary: 'Fixed.', resolvedBy: 'lead' }] });
      const result = await handle.result();
      expect(result.status).toBe('resolved');
      expect(result.published.map((p) => p.phase)).toEqual(['investigating', 'resolved']);
    });
  });

  it('[M5.2] waits for approval of a SEV2, then publishes the approved version', async () => {
    await withWorker(async (taskQueue) => {
      const input = await incident('SEV2');
      const handle = await env.client.workflow.start<typeof incidentWorkflow>('incidentWorkflow', { taskQueue, workflowId: workflowIdFor(input.id), args: [input] });
      const waiting = await waitForQuery(() => handle.query(incidentStateQuery), (s) => s.status === 'awaiting-approval');
      expect(waiting.published).toEqual([]);
      const receipt = await handle.executeUpdate(approveUpdate, {
        args: [{ version: 1, hash: waiting.currentDraft!.hash, approver: 'legal' }],
      });
      expect(receipt).toMatchObject({ version: 1, hash: waiting.currentDraft!.hash, approvedBy: 'legal' });
      const published = await waitForQuery(() => handle.query(incidentStateQuery), (s) => s.status === 'published');
      expect(published.published[0]).toMatchObject({ version: 1, hash: waiting.currentDraft!.hash, emailRecipients: 3 });
      await handle.executeUpdate(resolveUpdate, { args: [{ summary: 'Fixed.', resolvedBy: 'lead' }] });
      await handle.result();
    });
  });

  it('[M3.6, M5.2] rejects an approval of a stale version without writing it to history', async () => {
    await withWorker(async (taskQueue) => {
      const input = await incident('SEV1');
      const handle = await env.client.workflow.start<typeof incidentWorkflow>('incidentWorkflow', { taskQueue, workflowId: workflowIdFor(input.id), args: [input] });
      await waitForQuery(() => handle.query(incidentStateQuery), (s) => s.status === 'awaiting-approval');
      const before = (await handle.fetchHistory()).events?.length ?? 0;
      const err = await handle.executeUpdate(approveUpdate, { args: [{ version: 7, approver: 'pr' }] }).catch((e) => e);
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((err as WorkflowUpdateFailedError).cause?.message).toMatch(/version 7 is not the current version/);
      const history = (await handle.fetchHistory()).events ?? [];
      expect(history.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toBe(false);
      expect(history.length).toBeLessThanOrEqual(before + 3);
      expect((await handle.query(incidentStateQuery)).status).toBe('awaiting-approval');
      await handle.terminate('test over');
    });
  });

  it('[M1.5, X1] escalates a SEV1 left unapproved past its 15-minute deadline, at exactly that time', async () => {
    await withWorker(async (taskQueue) => {
      const input = await incident('SEV1');
      const handle = await env.client.workflow.start<typeof incidentWorkflow>('incidentWorkflow', { taskQueue, workflowId: workflowIdFor(input.id), args: [input] });
      await waitForQuery(() => handle.query(incidentStateQuery), (s) => s.status === 'awaiting-approval');
      await env.sleep('14 minutes');
      expect((await handle.query(incidentStateQuery)).escalations).toEqual([]);
      await env.sleep('2 minutes');
      const state = await waitForQuery(() => handle.query(incidentStateQuery), (s) => s.escalations.length === 1);
      const due = Date.parse(input.detectedAt) + 15 * 60_000;
      expect(state.firstMessageDueAt).toBe(new Date(due).toISOString());
      expect(Math.abs(Date.parse(state.escalations[0].at) - due)).toBeLessThan(1000);
      expect(state.escalations[0].reason).toBe('first message not approved within 15 minutes');
      const mail = await mailpit.waitFor(domain, (m) => m.some((x) => x.Subject.includes('Approval overdue') && x.Subject.includes(input.title)));
      expect(mail.filter((m) => m.Subject.includes(input.title)).map((m) => m.To[0].Address)).toEqual([`escalation@${domain}`]);
      expect(fixtures.apiSubscribers.length).toBe(3);
      // Still nothing external: escalation does not publish an unapproved message.
      expect(state.published).toEqual([]);
      await handle.executeUpdate(approveUpdate, { args: [{ version: 1, approver: 'exec' }] });
      await waitForQuery(() => handle.query(incidentStateQuery), (s) => s.status === 'published');
      await handle.terminate('test over');
    });
  });
});
