import type { AuditRecordDoc, DeliveryDoc, DeliveryReceiptDoc } from '../../store/models';
import { uniqueName } from '../../tests/support/env';
import { startHarness, type Harness } from '../../tests/support/harness';
import { workflowIdFor } from '../../domain/incident';
import { saveHistoryFixture } from '../../tests/support/history-fixtures';
import { declareIncident, emailBroadcastDone } from '../../tests/support/incidents';
import { workflowIdle } from '../../tests/support/wait';
import { seconds, type FaultMode, type FaultResult } from '../support/result';
import { SmtpFaultPlan, startFaultyRelays, type FaultStep, type FaultyRelays } from '../support/smtp-faults';

const sizes = { quick: { perKind: 1, ok: 4, timeoutMs: 2_000 }, full: { perKind: 10, ok: 200, timeoutMs: 5_000 } };

/**
 * Each kind of recipient and its script: greylisted (451 at both relays for two attempts, then
 * taken: retried with backoff), busy (421 at the primary: failover), bounce (550: refused for good),
 * drop (the primary drops the connection mid-DATA), stall (the primary never answers the message).
 */
const kinds: Record<string, FaultStep[]> = {
  greylist: [{ fault: 451 }, { fault: 451 }, { fault: 451 }, { fault: 451 }],
  busy: [{ fault: 421, relay: 'primary' }],
  bounce: [{ fault: 550 }],
  drop: [{ fault: 'drop', relay: 'primary' }],
  stall: [{ fault: 'stall', relay: 'primary' }],
};
/** Recipients that end at the fallback relay while the primary is up. */
const failingOver = new Set(['busy', 'drop', 'stall']);

const kindOf = (address: string) => /^([a-z]+)-\d+@/.exec(address)?.[1] ?? 'ok';

interface PhaseCheck {
  incidentId: string;
  /** Outcomes missing or wrong in the delivery log (receipts, claims' failure logs) or the audit. */
  unrecorded: string[];
  /** Recipients owed the email who got none; recipients who got it twice. */
  lost: number;
  duplicated: number;
  /** Attempts the relays saw per bounced address (1 = not retried). */
  bounceAttempts: number[];
  /** RCPT TOs the relays saw per greylisted address (two failed attempts at both relays, then one that went: 5), and the gaps (s) between its failed attempts and its delivery: the backoff. */
  greylistAttempts: number[];
  retryGapsSeconds: number[][];
  recoverySeconds: number;
  audit: Record<string, unknown>;
}

async function checkPhase(h: Harness, relays: FaultyRelays, incidentId: string, recipients: string[], primaryDown: boolean): Promise<PhaseCheck> {
  const [receipts, claims, audit] = await Promise.all([
    h.store.models.DeliveryReceipt.find({ incidentId, channel: 'email' }).lean<DeliveryReceiptDoc[]>(),
    h.store.models.Delivery.find({ incidentId, channel: 'email' }).lean<DeliveryDoc[]>(),
    h.store.models.AuditRecord.findOne({ incidentId, step: 'published', 'details.channel': 'email' }).lean<AuditRecordDoc>(),
  ]);
  const receiptOf = new Map(receipts.map((r) => [r.recipient.toLowerCase(), r]));
  const claimOf = new Map(claims.map((c) => [c.recipient.toLowerCase(), c]));
  const unrecorded: string[] = [];
  const check = (ok: boolean, what: string) => void (ok || unrecorded.push(what));
  const c: PhaseCheck = { incidentId, unrecorded, lost: 0, duplicated: 0, bounceAttempts: [], greylistAttempts: [], retryGapsSeconds: [], recoverySeconds: 0, audit: audit?.details ?? {} };
  let failed = 0;
  let failedOver = 0;
  for (const to of recipients) {
    const kind = kindOf(to);
    const r = receiptOf.get(to);
    const got = (relays.primary.counts.get(to) ?? 0) + (relays.fallback.counts.get(to) ?? 0);
    if (kind === 'bounce') {
      failed++;
      check(r?.outcome === 'failed' && /550/.test(r.error ?? ''), `${to}: a failed receipt with the 550`);
      c.bounceAttempts.push((relays.primary.attempts.get(to)?.length ?? 0) + (relays.fallback.attempts.get(to)?.length ?? 0));
      if (got) c.duplicated += got;
      continue;
    }
    if (got === 0) c.lost++;
    if (got > 1) c.duplicated += got - 1;
    check(r?.outcome === 'sent' || r?.outcome === 'in-doubt-resent', `${to}: a sent receipt (got ${r?.outcome})`);
    const viaFallback = primaryDown || failingOver.has(kind);
    // The first incident: each kind's own faults; the second: the primary down for all.
    if (viaFallback) failedOver++;
    check(r?.provider === (viaFallback ? 'smtp-fallback' : 'smtp'), `${to}: sent by ${viaFallback ? 'smtp-fallback' : 'smtp'} (receipt says ${r?.provider})`);
    if (viaFallback) check(r?.failedOver?.[0]?.provider === 'smtp', `${to}: the receipt names the primary it failed over from`);
    if (kind === 'greylist' && !primaryDown) {
      // Two attempts failed at every relay, each in the claim's log of failures, the third went out.
      const failures = claimOf.get(to)?.failures ?? [];
      check(failures.length === 2, `${to}: two transient failures in the claim's log (found ${failures.length})`);
      c.greylistAttempts.push((relays.primary.attempts.get(to)?.length ?? 0) + (relays.fallback.attempts.get(to)?.length ?? 0));
      const accepted = relays.acceptedAt.get(to)?.at(-1);
      const times = [...failures.map((f) => new Date(f.at).getTime()), ...(accepted ? [accepted] : [])];
      c.retryGapsSeconds.push(times.slice(1).map((t, i) => seconds(t - times[i])));
      if (accepted && failures.length) c.recoverySeconds = Math.max(c.recoverySeconds, seconds(accepted - new Date(failures.at(-1)!.at).getTime()));
    }
  }
  const outcomes = (audit?.details as { outcomes?: Record<string, number> } | undefined)?.outcomes;
  check(outcomes?.failed === failed, `the audit's email record: ${failed} failed (says ${outcomes?.failed})`);
  check(outcomes?.failedOver === failedOver, `the audit's email record: ${failedOver} failed over (says ${outcomes?.failedOver})`);
  check((outcomes?.sent ?? 0) + (outcomes?.inDoubtResent ?? 0) === recipients.length - failed, `the audit's email record: ${recipients.length - failed} sent`);
  return c;
}

/**
 * SMTP faults: the worker's relay and its fallback (SMTP_FALLBACK_URL) are two fault-injecting
 * relays under one script. First incident, primary up: greylisted recipients (451 at both) are
 * retried by the batch's retry policy (1 s, then 2 s), 421s, a connection dropped mid-DATA and a
 * stall fail over to the fallback, 550s are recorded as failed and never retried. Second incident,
 * primary down (421 at every greeting): everything goes through the fallback. Every outcome must be
 * in the delivery log (receipts, claims' failure logs) and the audit's email record.
 */
export async function smtpFaultsScenario(mode: FaultMode): Promise<FaultResult> {
  const size = sizes[mode];
  const name = uniqueName('smtp');
  const script: Record<string, FaultStep[]> = {};
  const own: string[] = [];
  for (const [kind, steps] of Object.entries(kinds)) {
    for (let i = 0; i < size.perKind; i++) {
      const a = `${kind}-${i}@${name}.test`;
      script[a] = steps;
      own.push(a);
    }
  }
  for (let i = 0; i < size.ok; i++) own.push(`ok${i}@${name}.test`);
  const plan = new SmtpFaultPlan(script);
  const relays = await startFaultyRelays(plan);
  const h = await startHarness({ workerSmtp: { url: relays.primary.url, fallbackUrl: relays.fallback.url, timeoutMs: size.timeoutMs } });
  try {
    await h.store.models.Customer.insertMany(
      Array.from({ length: Math.ceil(own.length / 10) }, (_, i) => ({
        customerId: `${name}-c${i}`, name: `Customer ${i}`, tier: 'standard', locale: 'en', emails: own.slice(i * 10, i * 10 + 10), subscriptions: ['api'],
      })),
    );
    const recipients = [...own, ...h.fixtures.apiSubscribers].map((a) => a.toLowerCase());
    const phase = async (primaryDown: boolean) => {
      if (primaryDown) relays.takeDownPrimary();
      const id = await declareIncident(h, { id: uniqueName('INC-SMTP'), title: 'Checkout errors', category: 'outage', severity: 'SEV3', components: ['api'], summary: 'Some checkouts fail.' });
      await emailBroadcastDone(h, id, 1);
      const c = await checkPhase(h, relays, id, recipients, primaryDown);
      // The new path of patched('email-outcomes-audited'), with a failover and retries, as a replay fixture.
      if (!primaryDown && process.env.HERALD_RECORD_HISTORIES === '1') {
        const handle = h.client.workflow.getHandle(workflowIdFor(id));
        await workflowIdle(handle);
        await saveHistoryFixture('smtp-faults-email-outcomes-audited', handle);
      }
      // The second incident starts from clean counts, so each phase is judged on its own.
      relays.primary.reset();
      relays.fallback.reset();
      relays.acceptedAt.clear();
      return c;
    };
    const primaryUp = await phase(false);
    const primaryDown = await phase(true);
    const phases = [primaryUp, primaryDown];
    return {
      scenario: 'smtp-faults', faultsInjected: plan.injected, inFlight: recipients.length * phases.length,
      lost: primaryUp.lost + primaryDown.lost, duplicated: primaryUp.duplicated + primaryDown.duplicated, clientErrors: 0,
      recoverySeconds: Math.max(primaryUp.recoverySeconds, primaryDown.recoverySeconds),
      details: {
        recipients: recipients.length, perKind: size.perKind, smtpTimeoutSeconds: size.timeoutMs / 1000,
        unrecorded: phases.flatMap((p) => p.unrecorded), bounceAttempts: phases.flatMap((p) => p.bounceAttempts),
        greylistAttempts: primaryUp.greylistAttempts, retryGapsSeconds: primaryUp.retryGapsSeconds,
        auditPrimaryUp: primaryUp.audit.outcomes, auditPrimaryDown: primaryDown.audit.outcomes,
      },
    };
  } finally {
    await h.close();
    await relays.close();
  }
}
