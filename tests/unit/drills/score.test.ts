import { drillTrend, scoreDrill, type DrillFacts } from '../../../domain/drills/score';
import { validateDrill } from '../../../domain/drills/script';
import weights from '../../../config/drill-weights.json';

const t0 = Date.parse('2026-01-01T00:00:00Z');
const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();

const parsed = validateDrill({
  name: 'by-hand', title: 'A drill scored by hand',
  incident: { title: 'Search is down', category: 'outage', severity: 'SEV2', components: ['api'], summary: 'Search fails.', customers: ['acme', 'initech'] },
  injects: [{ at: '1h', kind: 'resolve', summary: 'Search works again.' }],
  expect: { firstMessageWithin: '30m', deadlines: ['first-message'], messages: [{ audience: 'customers', atLeast: 2 }], holdingStatement: false },
});
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));

const facts: DrillFacts = {
  incident: {
    id: 'DRILL-1', severity: 'SEV2', category: 'outage', detectedAt: at(0), firstMessageDueAt: at(30), resolvedAt: at(60), status: 'resolved',
    published: [
      { version: 1, publishedAt: at(20), nextUpdateAt: at(50), holdingStatement: false },
      { version: 2, publishedAt: at(60), holdingStatement: false },
    ],
    deadlines: [
      { kind: 'first-message', dueAt: at(30), state: 'met' },
      { kind: 'cadence-overdue', dueAt: at(53), state: 'missed', firedAt: at(55) },
    ],
  },
  audit: [
    { seq: 1, step: 'drafted', at: at(2), details: { version: 1 } },
    { seq: 2, step: 'approved', at: at(10), details: { version: 1, role: 'legal' } },
    { seq: 3, step: 'approved', at: at(19), details: { version: 1, role: 'pr' } },
  ],
  nearMisses: [],
  clocks: [],
  audience: [{ customerId: 'acme', emails: ['ops@acme.test'], webhooks: true }, { customerId: 'initech', emails: ['admin@initech.test'], webhooks: false }],
  inScope: ['acme', 'initech'],
  emails: [{ to: 'ops@acme.test', messageId: '<DRILL-1.v1.ops@x>', subject: 'a' }, { to: 'ops@acme.test', messageId: '<DRILL-1.v2.ops@x>', subject: 'b' }],
  webhooks: [],
  internalNotices: 3,
  channelLag: { email: [0.5, 1.2] },
};

describe('[M6.6] the drill scorecard', () => {
  it('[M6.6, X4] equals the figures computed by hand for a scripted drill', () => {
    const card = scoreDrill(parsed.script, facts, weights, 75 * 60_000);
    expect(card.scenarioMinutes).toBe(75);
    // First message at +20 min against the script's 30: met with 10 to spare.
    expect(card.firstMessage).toEqual({ version: 1, at: at(20), minutes: 20, deadlineMinutes: 30, met: true, marginMinutes: 10 });
    // The cadence deadline fired 2 min after it was due; v2 came 40 min after v1, which promised 30 (+3 grace).
    expect(card.deadlines.find((d) => d.kind === 'cadence-overdue')).toMatchObject({ state: 'missed', lateByMinutes: 2, expected: false });
    expect(card.cadence).toMatchObject({ adherence: 0, onTime: 0, measured: 1, longestSilenceMinutes: 40 });
    // legal signed 8 min after the draft (within 15), pr 17 min after (not).
    expect(card.approvals).toEqual({ byRole: { legal: { count: 1, p50Minutes: 8, maxMinutes: 8 }, pr: { count: 1, p50Minutes: 17, maxMinutes: 17 } }, prompt: 1, total: 2, targetMinutes: 15 });
    expect(card.holdingStatement).toEqual({ used: false, expected: false, ok: true });
    // initech should have heard and did not; the customers audience got its two messages.
    expect(card.coverage).toEqual({ audiences: [{ audience: 'customers', expected: 2, got: 2, ok: true }], missing: ['initech'], reached: 1, total: 2 });
    expect(card.messages).toEqual({ emails: 2, webhooks: 0, statusPage: 2, internal: 3 });
    expect(card.channelLag).toEqual({ email: { maxMinutes: 1.2 } });
    // 25·1 + 20·0.5 + 15·0 + 10·0.5 + 20·0.75 + 10·1 = 65 of 100.
    expect(card.score.parts.map((p) => [p.part, p.value])).toEqual([
      ['firstMessage', 1], ['deadlines', 0.5], ['cadence', 0], ['approvals', 0.5], ['coverage', 0.75], ['safety', 1],
    ]);
    expect(card.score.overall).toBe(65);
  });

  it('[M6.6] a trend lists the runs oldest first with each change', () => {
    expect(drillTrend([
      { runId: 'b', finishedAt: at(20), overall: 70 },
      { runId: 'a', finishedAt: at(10), overall: 65 },
      { runId: 'c', finishedAt: at(30), overall: 68 },
    ])).toEqual([
      { runId: 'a', finishedAt: at(10), overall: 65, change: null },
      { runId: 'b', finishedAt: at(20), overall: 70, change: 5 },
      { runId: 'c', finishedAt: at(30), overall: 68, change: -2 },
    ]);
  });
});
