import { regime as regimeById } from '../../config/regimes';
import { reminderTimes, startClock } from '../../domain/regulatory/clocks';
import { surveyWorkflowId } from '../../domain/surveys/policy';
import { incidentStateQuery, resolveUpdate, type IncidentView } from '../../workflows/messages';
import { recordFilingUpdate, startRegulatoryClockUpdate } from '../../workflows/regulatory-updates';
import { saveHistoryFixture } from './history-fixtures';
import { isPublished, timeSkippingSuite } from './time-skipping';
import { waitFor } from './wait';

const hour = 3_600_000;

export interface RegulatoryCase {
  regime: string;
  /** Phases filed right after the start: the phases that count from them start then. */
  file?: string[];
  individuals?: number;
  /** Became aware this many days before the clock starts (keeps a 60-day clock's skip short). */
  awareDaysAgo?: number;
  /** A literal deadline to check the arithmetic against, as the primary text gives it. */
  literal?: { phase: string; dueAt: (start: number) => string };
  /** Wait until this instant (UTC) before declaring. */
  declareAt?: string;
  fixture?: string;
}

/**
 * Regulatory clocks on the time-skipping server (X3), one incident per regime: the cases of one
 * test file run on that file's server and one worker. A file holds two cases at most: a third
 * time skip after two on the same server did not complete in our runs (see the README).
 */
export function regulatoryClockCases(cases: RegulatoryCase[]): void {
  const t = timeSkippingSuite();

  type Tracked = IncidentView['deadlines'][number];
  const trackedOf = (s: IncidentView) => s.deadlines.filter((d) => d.kind.startsWith('tracked:regulatory:'));

  /**
   * One worker for the whole file: what an earlier case leaves running (its survey, abandoned by the
   * closed incident) still has a worker when a later case skips time past its timers.
   */
  let release: () => void = () => undefined;
  let running: Promise<void> | undefined;
  let queue: Promise<string>;
  beforeAll(() => {
    queue = new Promise<string>((ready) => {
      running = t.withWorker((taskQueue) => { ready(taskQueue); return new Promise<void>((r) => { release = r; }); });
    });
  });
  afterAll(async () => {
    release();
    await running;
  });

  describe('regulatory clocks on the time-skipping server', () => {
    it.each(cases)('[X3] $regime: every reminder and the escalation fire at the computed instant, after the resolution too', async (c) => {
      if (c.declareAt) await t.env.sleep(Date.parse(c.declareAt) - (await t.env.currentTimeMs()));
      const regime = regimeById(c.regime)!;
      const taskQueue = await queue;
      {
        const input = await t.incident('SEV3');
        const handle = await t.start(taskQueue, input);
        await waitFor(() => handle.query(incidentStateQuery), isPublished);
        const awareAt = c.awareDaysAgo ? Date.parse(input.detectedAt) - c.awareDaysAgo * 24 * hour : Date.parse(input.detectedAt);
        const started = await handle.executeUpdate(startRegulatoryClockUpdate, {
          args: [{ regime, by: 'lead@test', awareAt: new Date(awareAt).toISOString(), ...(c.individuals ? { individuals: c.individuals } : {}) }],
        });
        const startedAt = Date.parse(started.startedAt);
        expect(started.regime).toBe(c.regime);
        for (const phase of c.file ?? []) {
          await handle.executeUpdate(recordFilingUpdate, { args: [{ regime: c.regime, phase, by: 'dpo@test', summary: 'filed', sentTo: ['authority'], reference: `REF-${phase}` }] });
        }
        const running = await handle.query(incidentStateQuery);
        const timers = trackedOf(running).filter((d) => d.state === 'open');

        // The instants the clock must fire at, computed from the regime's data by the pure arithmetic.
        const clock = startClock(regime, { awareAt, individuals: c.individuals }, startedAt, 'lead@test', 'responder');
        const expected: string[] = [];
        for (const view of running.regulatoryClocks!) {
          if (view.status !== 'due' || !view.deadline) continue;
          const phase = { ...clock.phases.find((p) => p.id === view.phase)!, state: 'running' as const, dueAt: Date.parse(view.deadline) };
          for (const at of reminderTimes(regime, phase, startedAt)) expected.push(`${view.phase}:reminder:${new Date(at).toISOString()}`);
          expected.push(`${view.phase}:due:${view.deadline}`);
        }
        for (const p of clock.phases.filter((x) => x.state === 'running' && x.dueAt !== undefined && !(c.file ?? []).includes(x.id))) {
          expect(running.regulatoryClocks!.find((v) => v.phase === p.id)?.deadline).toBe(new Date(p.dueAt!).toISOString());
        }
        if (c.literal) expect(running.regulatoryClocks!.find((v) => v.phase === c.literal!.phase)?.deadline).toBe(c.literal.dueAt(Date.parse(input.detectedAt)));
        const label = (d: Tracked) => { const [, , key, purpose] = d.kind.split(':'); return `${key.split('/')[1]}:${purpose}:${d.dueAt}`; };
        expect(timers.map(label).sort()).toEqual([...expected].sort());

        // Resolved now: the clocks keep the workflow running until their last timer; result() skips time to it.
        await handle.executeUpdate(resolveUpdate, { args: [{ summary: 'Fixed.', resolvedBy: 'lead' }] });
        const final = await handle.result();
        // The closing message is an approved publication: it meets the phases a publication may meet, before their timers.
        const byPublicationIds = regime.phases.filter((p) => p.metByPublication).map((p) => p.id);
        const firing = expected.filter((e) => !byPublicationIds.includes(e.split(':')[0]));
        // The closed incident's survey (abandoned, it outlives it) is no part of these cases: its timers would stall the next skip.
        await t.env.client.workflow.getHandle(surveyWorkflowId(input.id)).terminate('test over').catch(() => undefined);
        expect(final.status).toBe('resolved');
        const fired = trackedOf(final).filter((d) => d.firedAt);
        expect(fired.map(label).sort()).toEqual([...firing].sort());
        // Each timer fires at its deadline: the workflow task that runs it starts a few milliseconds later.
        for (const d of fired) expect(Math.abs(Date.parse(d.firedAt!) - Date.parse(d.dueAt))).toBeLessThan(1000);

        const audit = await t.store.models.AuditRecord.find({ incidentId: input.id, step: { $in: ['regulatory-reminder', 'regulatory-deadline-missed'] } }).sort({ seq: 1 }).lean();
        const got = audit.map((r) => {
          const d = r.details as { phase: string; firedAt: string; dueAt: string };
          return { what: `${d.phase}:${r.step === 'regulatory-reminder' ? 'reminder' : 'due'}`, firedAt: d.firedAt, dueAt: d.dueAt };
        });
        expect(got.length).toBe(firing.length);
        for (const g of got.filter((x) => x.what.endsWith(':reminder'))) {
          const want = firing.filter((e) => e.startsWith(`${g.what}:`)).map((e) => Date.parse(e.slice(g.what.length + 1)));
          expect(want.some((w) => Math.abs(w - Date.parse(g.firedAt)) < 1000)).toBe(true);
        }
        for (const g of got.filter((x) => x.what.endsWith(':due'))) expect(Math.abs(Date.parse(g.firedAt) - Date.parse(g.dueAt))).toBeLessThan(1000);
        const overdue = final.regulatoryClocks!.filter((v) => v.status === 'overdue').map((v) => v.phase).sort();
        expect(overdue).toEqual([...new Set(firing.filter((e) => e.includes(':due:')).map((e) => e.split(':')[0]))].sort());
        const met = final.regulatoryClocks!.filter((v) => v.status === 'met').map((v) => v.phase).sort();
        // The closing message is an approved publication: it meets the phases a publication may meet.
        const byPublication = regime.phases.filter((p) => p.metByPublication && clock.phases.find((x) => x.id === p.id)?.state === 'running').map((p) => p.id);
        expect(met).toEqual([...new Set([...(c.file ?? []), ...byPublication])].sort());

        if (c.regime === 'gdpr') {
          // The lead and the DPO are reminded 24 h and 4 h before; the escalation at 72 h reaches them, the backup, legal and the executive.
          const mails = await t.mailpit.search(`subject:"${input.id}"`);
          const reminders = mails.filter((m) => m.Subject.includes(`${input.id} GDPR personal data breach (controller): Notify the supervisory authority due`));
          const escalation = mails.filter((m) => m.Subject.includes(`${input.id} ESCALATION GDPR personal data breach (controller)`));
          expect(reminders.length).toBeGreaterThanOrEqual(2);
          expect(escalation.length).toBeGreaterThanOrEqual(1);
          expect(escalation.flatMap((m) => m.To.map((x) => x.Address)).some((a) => a.startsWith('dpo'))).toBe(true);
        }
        if (c.fixture) await saveHistoryFixture(c.fixture, handle);
      }
    }, 120_000);
  });

}
