import { approvalLatencies, cadence, percentile, publicationBlocks, timeToFirstMessage, type KpiAuditRecord, type KpiIncident } from '../kpis';
import { parseDuration, type DrillAudience, type DrillScript } from './script';
import { clocksFromAudit } from '../regulatory/audit-clocks';

/**
 * A drill's scorecard, from what the drill's incident recorded (its state, its audit trail) and
 * what the sandbox sinks received. Pure: the runner gathers the facts, this weighs them.
 */

/** The weights of the overall score and the targets behind them (config/drill-weights.json). */
export interface DrillWeights {
  firstMessage: number;
  deadlines: number;
  cadence: number;
  approvals: number;
  coverage: number;
  safety: number;
  /** Regulatory clock phases met by their deadline (X3); left out of the overall score when the drill ran no clock with a deadline. */
  regulatory: number;
  /** A sign-off within this many minutes of the version's submission counts as prompt. */
  approvalTargetMinutes: number;
  /** Minutes past the promised next update still counted as on time. */
  cadenceGraceMinutes: number;
}

export interface DrillFacts {
  incident: {
    id: string; severity: string; category: string; detectedAt: string; firstMessageDueAt?: string; resolvedAt?: string; status: string;
    published: { version: number; publishedAt: string; nextUpdateAt?: string; holdingStatement: boolean }[];
    deadlines: { kind: string; dueAt: string; state: 'open' | 'met' | 'missed'; firedAt?: string }[];
    blockedBy?: { version: number; reasons: string[] };
  };
  audit: KpiAuditRecord[];
  nearMisses: { kind: string }[];
  /** Regulatory and contractual clocks, where the incident ran any. */
  clocks: { id: string; state: string; dueAt?: string }[];
  /** Who should have heard: the incident's audience (GET /v1/audience), and the customers the script names. */
  audience: { customerId: string; emails: string[]; webhooks: boolean }[];
  inScope: string[];
  /** What the sandbox sinks received. */
  emails: { to: string; messageId: string; subject: string; version?: number }[];
  webhooks: { customerId: string; webhookId: string }[];
  internalNotices: number;
  /** Channel lag per channel, minutes behind the status page (from the audit's published records). */
  channelLag: Record<string, number[]>;
}

export interface Scorecard {
  drill: string;
  incidentId: string;
  scenarioMinutes: number;
  /** When the drill's incident was detected, on the scenario clock. */
  detectedAt: string;
  /** The first external message: the first version published, when, and how long after detection. */
  firstMessage: { version: number | null; at: string | null; minutes: number | null; deadlineMinutes: number | null; met: boolean; marginMinutes: number | null };
  deadlines: { kind: string; dueAt: string; state: string; lateByMinutes: number | null; expected: boolean }[];
  cadence: { adherence: number | null; onTime: number; measured: number; longestSilenceMinutes: number | null; graceMinutes: number };
  approvals: { byRole: Record<string, { count: number; p50Minutes: number | null; maxMinutes: number | null }>; prompt: number; total: number; targetMinutes: number };
  holdingStatement: { used: boolean; expected: boolean | null; ok: boolean };
  safety: { blockedPublications: number; blockedMinutes: number; nearMisses: number; nearMissKinds: string[] };
  clocks: { id: string; state: string; dueAt?: string }[];
  /** Regulatory clocks met (X3): per regime phase with a deadline, as the audit trail records it; margin = deadline − met at. */
  regulatory: { regime: string; phase: string; deadline: string; metAt: string | null; marginMinutes: number | null; met: boolean }[];
  coverage: {
    audiences: { audience: DrillAudience; expected: number; got: number; ok: boolean }[];
    /** Customers who should have heard and did not (by email or webhook). */
    missing: string[];
    reached: number;
    total: number;
  };
  channelLag: Record<string, { maxMinutes: number }>;
  messages: { emails: number; webhooks: number; statusPage: number; internal: number };
  score: { overall: number; parts: { part: keyof Omit<DrillWeights, 'approvalTargetMinutes' | 'cadenceGraceMinutes'>; weight: number; value: number }[] };
}

const minutesBetween = (a: string, b: string) => Math.round(((Date.parse(b) - Date.parse(a)) / 60_000) * 100) / 100;

export function scoreDrill(script: DrillScript, facts: DrillFacts, weights: DrillWeights, scenarioMs: number): Scorecard {
  const { incident } = facts;
  const kpiIncident: KpiIncident = {
    id: incident.id, severity: incident.severity, category: incident.category, drill: true, detectedAt: incident.detectedAt,
    ...(incident.firstMessageDueAt ? { firstMessageDueAt: incident.firstMessageDueAt } : {}),
  };
  const expectedWithin = script.expect.firstMessageWithin ? parseDuration(script.expect.firstMessageWithin)! / 60_000 : null;
  const deadlineMinutes = expectedWithin ?? (incident.firstMessageDueAt ? minutesBetween(incident.detectedAt, incident.firstMessageDueAt) : null);
  const first = timeToFirstMessage(kpiIncident, incident.published);
  const firstPublished = [...incident.published].sort((a, b) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt))[0];
  const firstMet = !!first && (deadlineMinutes === null || first.minutes <= deadlineMinutes);

  // Regulatory timers are scored as regulatory clocks below, not as step deadlines.
  const deadlines: Scorecard['deadlines'] = incident.deadlines.filter((d) => !d.kind.startsWith('tracked:')).map((d) => ({
    kind: d.kind, dueAt: d.dueAt, state: d.state,
    lateByMinutes: d.state === 'missed' ? Math.max(0, minutesBetween(d.dueAt, d.firedAt ?? d.dueAt)) : null,
    expected: script.expect.deadlines.includes(d.kind),
  }));
  // An expected deadline the incident never set is missed too: the team never reached the step.
  for (const kind of script.expect.deadlines) {
    if (!deadlines.some((d) => d.kind === kind)) deadlines.push({ kind, dueAt: '', state: 'never-set', lateByMinutes: null, expected: true });
  }
  const judged = deadlines.filter((d) => d.expected || d.state !== 'open');

  const cad = cadence(kpiIncident, incident.published, weights.cadenceGraceMinutes);
  const latencies = approvalLatencies(facts.audit);
  const byRole: Scorecard['approvals']['byRole'] = {};
  for (const role of [...new Set(latencies.map((l) => l.role))].sort()) {
    const mins = latencies.filter((l) => l.role === role).map((l) => l.minutes);
    byRole[role] = { count: mins.length, p50Minutes: percentile(mins, 50), maxMinutes: Math.max(...mins) };
  }
  const prompt = latencies.filter((l) => l.minutes <= weights.approvalTargetMinutes).length;

  const holdingUsed = incident.published.some((p) => p.holdingStatement);
  const holdingExpected = script.expect.holdingStatement ?? null;
  const blocks = publicationBlocks(facts.audit, incident.resolvedAt ?? facts.audit.at(-1)?.at ?? incident.detectedAt);

  // Coverage: every customer on the audience (and every customer the script names) heard on a channel it uses.
  const emailed = new Set(facts.emails.map((e) => e.to.toLowerCase()));
  const hooked = new Set(facts.webhooks.map((w) => w.customerId));
  const shouldHear = new Map(facts.audience.map((a) => [a.customerId, a]));
  for (const c of facts.inScope) if (!shouldHear.has(c)) shouldHear.set(c, { customerId: c, emails: [], webhooks: false });
  const missing = [...shouldHear.values()]
    .filter((a) => !(a.emails.some((e) => emailed.has(e.toLowerCase())) || (a.webhooks && hooked.has(a.customerId))))
    .map((a) => a.customerId)
    .sort();
  const counts: Record<DrillAudience, number> = {
    customers: new Set(facts.emails.map((e) => e.messageId)).size,
    webhooks: new Set(facts.webhooks.map((w) => w.webhookId)).size,
    'status-page': incident.published.length,
    internal: facts.internalNotices,
  };
  const audiences = script.expect.messages.map((m) => ({ audience: m.audience, expected: m.atLeast, got: counts[m.audience], ok: counts[m.audience] >= m.atLeast }));

  const regulatory: Scorecard['regulatory'] = clocksFromAudit(facts.audit, scenarioMs)
    .filter((c) => c.dueAt)
    .map((c) => ({
      regime: c.regime, phase: c.phase, deadline: c.dueAt!, metAt: c.metAt ?? null,
      marginMinutes: c.metAt ? minutesBetween(c.metAt, c.dueAt!) : null,
      met: !!c.metAt && Date.parse(c.metAt) <= Date.parse(c.dueAt!),
    }));

  const value = {
    regulatory: regulatory.length ? regulatory.filter((r) => r.met).length / regulatory.length : 1,
    firstMessage: first ? (firstMet ? 1 : Math.max(0, 1 - (first.minutes - (deadlineMinutes ?? 0)) / Math.max(1, deadlineMinutes ?? 1))) : 0,
    deadlines: judged.length ? judged.filter((d) => d.state === 'met' || (d.state === 'open' && !d.expected)).length / judged.length : 1,
    cadence: cad.adherence ?? (incident.published.length ? 1 : 0),
    approvals: latencies.length ? prompt / latencies.length : 1,
    coverage: (() => {
      const parts = [shouldHear.size ? (shouldHear.size - missing.length) / shouldHear.size : 1, ...audiences.map((a) => (a.ok ? 1 : 0))];
      return parts.reduce((s, v) => s + v, 0) / parts.length;
    })(),
    safety: Math.max(0, 1 - 0.25 * (blocks.blocked + facts.nearMisses.length)) * (holdingExpected === null || holdingExpected === holdingUsed ? 1 : 0.5),
  };
  const parts = (['firstMessage', 'deadlines', 'cadence', 'approvals', 'coverage', 'safety', 'regulatory'] as const)
    .filter((part) => part !== 'regulatory' || regulatory.length > 0)
    .map((part) => ({ part, weight: weights[part] ?? 0, value: round(value[part]) }));
  const totalWeight = parts.reduce((s, p) => s + p.weight, 0);
  const overall = totalWeight ? Math.round((parts.reduce((s, p) => s + p.weight * p.value, 0) / totalWeight) * 100) : 0;

  return {
    drill: script.name,
    incidentId: incident.id,
    scenarioMinutes: Math.round(scenarioMs / 60_000),
    detectedAt: incident.detectedAt,
    firstMessage: {
      version: firstPublished?.version ?? null, at: firstPublished?.publishedAt ?? null,
      minutes: first?.minutes ?? null, deadlineMinutes, met: firstMet,
      marginMinutes: first && deadlineMinutes !== null ? Math.round((deadlineMinutes - first.minutes) * 100) / 100 : null,
    },
    deadlines,
    cadence: { adherence: cad.adherence, onTime: cad.onTime, measured: cad.measured, longestSilenceMinutes: cad.longestSilenceMinutes, graceMinutes: cad.graceMinutes },
    approvals: { byRole, prompt, total: latencies.length, targetMinutes: weights.approvalTargetMinutes },
    holdingStatement: { used: holdingUsed, expected: holdingExpected, ok: holdingExpected === null || holdingExpected === holdingUsed },
    safety: { blockedPublications: blocks.blocked, blockedMinutes: blocks.blockedMinutes, nearMisses: facts.nearMisses.length, nearMissKinds: [...new Set(facts.nearMisses.map((n) => n.kind))].sort() },
    clocks: facts.clocks,
    regulatory,
    coverage: { audiences, missing, reached: shouldHear.size - missing.length, total: shouldHear.size },
    channelLag: Object.fromEntries(Object.entries(facts.channelLag).map(([c, lags]) => [c, { maxMinutes: lags.length ? Math.max(...lags) : 0 }])),
    messages: { emails: counts.customers, webhooks: counts.webhooks, statusPage: counts['status-page'], internal: counts.internal },
    score: { overall, parts },
  };
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/** The trend of a drill across runs: each run's overall score and its change from the run before. */
export function drillTrend(runs: { runId: string; finishedAt: string; overall: number }[]): { runId: string; finishedAt: string; overall: number; change: number | null }[] {
  const sorted = [...runs].sort((a, b) => Date.parse(a.finishedAt) - Date.parse(b.finishedAt));
  return sorted.map((r, i) => ({ ...r, change: i ? r.overall - sorted[i - 1].overall : null }));
}
