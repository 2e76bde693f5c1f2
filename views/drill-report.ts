import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Scorecard } from '../domain/drills/score';

/**
 * A drill run's scorecard as a page (M6.6): the score and its parts, every deadline, cadence,
 * approvals, who heard, the drill's trend across runs, what the script did and the messages the
 * sandbox received. A file to keep or share, so it stands alone: no script, no outside link.
 */

// Compiled beside the API's views (views/index.ts), not among them: the report is written by the
// drill command, never served.
const template = Handlebars.create().compile(fs.readFileSync(path.join(__dirname, 'drill-report.hbs'), 'utf8'), { knownHelpersOnly: true });

const utc = (iso: string | null | undefined) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : '–');
const mins = (m: number | null | undefined) => (m === null || m === undefined ? '–' : `${m} min`);

export interface DrillReportInput {
  runId: string;
  title: string;
  mode: string;
  wallMs: number;
  finishedAt: Date;
  scorecard: Scorecard;
  trend: { runId: string; finishedAt: string; overall: number; change: number | null }[];
  injects: { at: string; kind: string; outcome: string }[];
  mail: { to: string[]; subject: string }[];
  webhooks: number;
}

export function drillReportPage(r: DrillReportInput): string {
  const s = r.scorecard;
  return template({
    drill: s.drill, title: r.title, runId: r.runId, mode: r.mode, incidentId: s.incidentId, scenarioMinutes: s.scenarioMinutes,
    wallSeconds: Math.round(r.wallMs / 100) / 10, finished: utc(r.finishedAt.toISOString()), overall: s.score.overall,
    parts: s.score.parts,
    detected: utc(s.detectedAt),
    firstMessage: s.firstMessage.at ? `v${s.firstMessage.version} at ${utc(s.firstMessage.at)}, ${mins(s.firstMessage.minutes)} after detection` : 'none',
    firstDeadline: s.firstMessage.deadlineMinutes === null ? 'none' : `${mins(s.firstMessage.deadlineMinutes)}${s.firstMessage.marginMinutes === null ? '' : ` (margin ${mins(s.firstMessage.marginMinutes)})`}`,
    firstMet: s.firstMessage.met,
    holding: `${s.holdingStatement.used ? 'used' : 'not used'}${s.holdingStatement.expected === null ? '' : `, ${s.holdingStatement.expected ? 'expected' : 'a mistake here'}`}`,
    deadlines: s.deadlines.map((d) => ({ ...d, due: utc(d.dueAt), late: mins(d.lateByMinutes), missed: d.state === 'missed' || d.state === 'never-set' })),
    cadence: s.cadence.adherence === null ? 'not measured (no update promised the next)' : `${Math.round(s.cadence.adherence * 100)} % (${s.cadence.onTime} of ${s.cadence.measured} on time, ${s.cadence.graceMinutes} min grace)`,
    silence: mins(s.cadence.longestSilenceMinutes),
    approvalTarget: s.approvals.targetMinutes,
    approvalsPrompt: `${s.approvals.prompt} of ${s.approvals.total}`,
    approvals: Object.entries(s.approvals.byRole).map(([role, a]) => ({ role, count: a.count, p50: mins(a.p50Minutes), max: mins(a.maxMinutes) })),
    blocked: `${s.safety.blockedPublications} (${s.safety.blockedMinutes} min blocked)`,
    nearMisses: s.safety.nearMisses ? `${s.safety.nearMisses} (${s.safety.nearMissKinds.join(', ')})` : 'none',
    audiences: [
      ...s.coverage.audiences,
      ...(['customers', 'webhooks', 'status-page', 'internal'] as const)
        .filter((a) => !s.coverage.audiences.some((x) => x.audience === a))
        .map((audience) => ({ audience, got: { customers: s.messages.emails, webhooks: s.messages.webhooks, 'status-page': s.messages.statusPage, internal: s.messages.internal }[audience], expected: '–', ok: true })),
    ],
    reached: s.coverage.reached, total: s.coverage.total, missing: s.coverage.missing.join(', '),
    channelLag: Object.entries(s.channelLag).map(([c, l]) => `${c} at most ${mins(l.maxMinutes)}`).join(', '),
    clocks: s.clocks.map((c) => `${c.id} ${c.state}${c.dueAt ? ` (due ${utc(c.dueAt)})` : ''}`).join(', '),
    regulatory: (s.regulatory ?? []).map((r) => ({
      regime: r.regime, phase: r.phase, deadline: utc(r.deadline), metAt: r.metAt ? utc(r.metAt) : 'not met', met: r.met,
      margin: r.marginMinutes === null ? 'missed' : r.marginMinutes >= 0 ? `${mins(r.marginMinutes)} ahead` : `${mins(-r.marginMinutes)} late`,
    })),
    trend: r.trend.map((t) => ({ ...t, finished: utc(t.finishedAt), change: t.change === null ? '–' : t.change > 0 ? `+${t.change}` : String(t.change) })),
    injects: r.injects,
    mail: r.mail.map((m) => ({ to: m.to.join(', '), subject: m.subject })),
    mailCount: r.mail.length, webhookCount: r.webhooks,
  });
}
