import type { Category, Severity } from '../incident/core';
import { formatDuration, parseDuration, validateDrill, type DrillIssue, type DrillScript, type Inject } from './script';

/**
 * Replay of a recorded incident (M6.6, X4): a finished incident's declaration and what people and
 * the world did to it, at their times from the declaration, as a drill script that `herald drill
 * run` plays on the real workflow code (scripted participants with the original's delays). Pure:
 * read from the incident's audit trail (domain/audit), its state and the words of its versions.
 *
 * What becomes an inject: a severity change or added tags (reclassified), an alert joined, the
 * root cause confirmed, a war-room decision, a blackout (its length), a briefing asked for, an
 * edited version (its phase, subject and text; published when the original published it), every
 * sign-off (as its role), and the resolution (its summary, at the closing message's draft, which
 * the resolve request starts). What Herald did by itself (deadlines, reminders, publications,
 * escalations) is not scripted: the drill's workflow does it again.
 */

export interface ReplayAuditRecord {
  seq: number;
  step: string;
  at: string;
  actor: string;
  details: Record<string, unknown>;
}

export interface ReplaySource {
  incident: {
    id: string; title: string; category: Category; severity: Severity; components: string[]; summary: string;
    scope?: 'single' | 'multi-region' | 'global'; tags?: string[]; detectedAt: string; status: string;
  };
  audit: ReplayAuditRecord[];
  /** The words of each version, by number. */
  bodies: Record<number, { subject: string; text: string }>;
  /** Customers in scope (who heard the original), for the scorecard's coverage. */
  customers?: string[];
}

export type ReplayResult = { ok: true; script: DrillScript; skipped: { seq: number; step: string; why: string }[] } | { ok: false; issues: DrillIssue[] };

const tagPattern = /^[a-z0-9][a-z0-9-]{1,62}$/;
const byHerald = (r: ReplayAuditRecord) => r.actor === 'herald';

export function replayScript(src: ReplaySource): ReplayResult {
  const records = [...src.audit].sort((a, b) => a.seq - b.seq);
  const declared = records.find((r) => r.step === 'declared');
  if (!declared) return { ok: false, issues: [{ path: 'audit', message: `incident ${src.incident.id} has no declared record` }] };
  if (src.incident.status !== 'resolved') return { ok: false, issues: [{ path: 'incident.status', message: `incident ${src.incident.id} is ${src.incident.status}: only a resolved incident is replayed` }] };
  const origin = Date.parse(src.incident.detectedAt);
  const at = (r: ReplayAuditRecord) => formatDuration(Math.max(0, Date.parse(r.at) - origin));
  const d = declared.details as { title?: string; category?: Category; severity?: Severity; components?: string[]; tags?: string[] };
  let severity: Severity = d.severity ?? src.incident.severity;
  let tags = new Set((d.tags ?? src.incident.tags ?? []).filter((t) => tagPattern.test(t)));
  const published = new Set(records.filter((r) => r.step === 'published').map((r) => r.details.version));
  const resolved = records.find((r) => r.step === 'resolved');
  const injects: Inject[] = [];
  const skipped: { seq: number; step: string; why: string }[] = [];
  const push = (inject: Record<string, unknown>) => injects.push(inject as Inject);

  for (const r of records) {
    const x = r.details;
    switch (r.step) {
      case 'reclassified': {
        if (typeof x.severity === 'string' && x.severity !== severity) {
          severity = x.severity as Severity;
          push({ at: at(r), kind: 'severity', severity });
        }
        const added = (Array.isArray(x.tags) ? x.tags.map(String) : []).filter((t) => !tags.has(t) && tagPattern.test(t));
        if (added.length) push({ at: at(r), kind: 'tag', tags: added });
        tags = new Set([...tags, ...added]);
        break;
      }
      case 'alert-joined':
        push({ at: at(r), kind: 'alert', alertName: String(x.alertName ?? x.fingerprint), ...(typeof x.fingerprint === 'string' ? { fingerprint: x.fingerprint } : {}), status: x.status === 'resolved' ? 'resolved' : 'firing' });
        break;
      case 'root-cause-confirmed':
        if (String(x.statement ?? '').trim().length >= 10) push({ at: at(r), kind: 'root-cause', statement: String(x.statement).trim() });
        else skipped.push({ seq: r.seq, step: r.step, why: 'a statement shorter than a drill takes (10 characters)' });
        break;
      case 'decision-recorded':
        push({ at: at(r), kind: 'decision', what: String(x.what), why: String(x.why) });
        break;
      case 'blackout-started': {
        const minutes = Math.max(1, Math.round((Date.parse(String(x.until)) - Date.parse(r.at)) / 60_000));
        push({ at: at(r), kind: 'blackout', minutes, reason: String(x.reason ?? 'blackout') });
        break;
      }
      case 'briefing':
        if (!byHerald(r)) push({ at: at(r), kind: 'briefing' });
        break;
      case 'approved':
        push({ at: at(r), kind: 'approve', as: [String(x.role)] });
        break;
      case 'drafted': {
        if (byHerald(r)) break;
        const version = Number(x.version);
        if (x.phase === 'resolved' && x.parent === undefined) {
          // The closing message: Herald drafts it the moment the resolve request arrives.
          push({ at: at(r), kind: 'resolve', summary: String(resolved?.details.summary ?? src.bodies[version]?.text ?? 'Resolved.') });
          break;
        }
        const body = src.bodies[version];
        if (!body) {
          skipped.push({ seq: r.seq, step: r.step, why: `the words of version ${version} are not known` });
          break;
        }
        push({ at: at(r), kind: 'update', phase: x.phase, subject: body.subject, text: body.text, publish: published.has(version) });
        break;
      }
      case 'approval-rejected':
        skipped.push({ seq: r.seq, step: r.step, why: 'a drill script has no rejection inject' });
        break;
    }
  }

  const last = resolved ? Date.parse(resolved.at) - origin : 0;
  const lastInject = Math.max(0, ...injects.map((i) => parseDuration(i.at) ?? 0));
  const statusPageVersions = new Set(records.filter((r) => r.step === 'published' && r.details.channel === 'status-page').map((r) => r.details.version)).size;
  const script = {
    name: `replay-${src.incident.id.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 63).replace(/-+$/, ''),
    title: `Replay of ${src.incident.id}: ${d.title ?? src.incident.title}`.slice(0, 200),
    description: `The recorded incident ${src.incident.id} (detected ${src.incident.detectedAt}), its declaration and the injects that happened, at their times from the declaration.`,
    incident: {
      title: d.title ?? src.incident.title, category: d.category ?? src.incident.category, severity: d.severity ?? src.incident.severity,
      components: d.components ?? src.incident.components, summary: src.incident.summary,
      ...(src.incident.scope ? { scope: src.incident.scope } : {}),
      ...((d.tags ?? src.incident.tags)?.length ? { tags: [...new Set((d.tags ?? src.incident.tags)!.filter((t) => tagPattern.test(t)))] } : {}),
      ...(src.customers?.length ? { customers: src.customers } : {}),
    },
    participants: 'scripted',
    injects,
    // The original's tail after its last action (its resolution going out), and a margin.
    settle: formatDuration(Math.max(5 * 60_000, last - lastInject + 5 * 60_000)),
    expect: { deadlines: [], messages: statusPageVersions ? [{ audience: 'status-page', atLeast: statusPageVersions }] : [] },
  };
  const valid = validateDrill(script);
  return valid.ok ? { ok: true, script: valid.script, skipped } : valid;
}

