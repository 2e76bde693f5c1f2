import { stringify } from 'yaml';
import { z } from 'zod';
import { replayScript, type ReplaySource } from '../../domain/drills/replay';
import { loadAudience } from '../../store/service-model';
import { incidentStateQuery, versionBodiesQuery } from '../../workflows/messages';
import { HttpError } from '../errors';
import { incidentHandle, IncidentParams } from '../incident-params';
import { defineRoute } from '../route';

/**
 * Replay of a recorded incident (M6.6, X4): a resolved incident as a drill script
 * (domain/drills/replay.ts), which `herald drill replay` writes to a file and `herald drill run`
 * plays in a sandbox. Read from the incident's audit trail, its workflow's state and the words of
 * its versions.
 */

const Query = z.object({ format: z.enum(['json', 'yaml']).default('json').describe('yaml: the script alone, as a drill file') });
const Skipped = z.object({ seq: z.number(), step: z.string(), why: z.string() });

export const drillScriptRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/incidents/:id/drill-script',
    summary: "A resolved incident as a drill script (its declaration and the injects that happened, at their times from the declaration), for `herald drill run`",
    tags: ['drills'],
    roles: ['manager'],
    params: IncidentParams,
    query: Query,
    responses: {
      200: {
        description: 'The script (validated against the drill schema) and the audit records it could not replay',
        schema: z.object({ incidentId: z.string(), script: z.record(z.string(), z.unknown()).describe('A drill script (drills/*.yaml)'), skipped: z.array(Skipped) }),
        alternatives: ['application/yaml'],
      },
    },
    errors: { 404: 'Unknown incident', 409: 'The incident is not resolved yet' },
    async handler({ params, query, deps }) {
      const handle = incidentHandle(deps, params.id);
      const view = await handle.query(incidentStateQuery);
      const audit = await deps.store.models.AuditRecord.find({ incidentId: params.id }, { _id: 0, seq: 1, step: 1, at: 1, actor: 1, details: 1 }).sort({ seq: 1 }).lean();
      const records = audit.map((a) => ({ seq: a.seq, step: a.step, at: new Date(a.at).toISOString(), actor: a.actor, details: (a.details ?? {}) as Record<string, unknown> }));
      const bodies: Record<number, { subject: string; text: string }> = {};
      for (const r of records.filter((x) => x.step === 'drafted' && x.actor !== 'herald' && typeof x.details.version === 'number')) {
        const v = r.details.version as number;
        const { to } = await handle.query(versionBodiesQuery, { from: v, to: v });
        if (to) bodies[v] = { subject: to.subject, text: to.text };
      }
      // Customers in scope: the incident's audience at its last classification (the service model's, as every channel reads it).
      const { audience } = await loadAudience(deps.store.models, { components: view.components, severity: view.severity });
      const replay = replayScript({
        incident: {
          id: view.id, title: view.title, category: view.category, severity: view.severity, components: view.components, summary: view.summary,
          scope: view.scope as ReplaySource['incident']['scope'], tags: view.tags, detectedAt: view.detectedAt, status: view.status,
        },
        audit: records, bodies, customers: [...new Set(audience.map((m) => m.customerId))].sort(),
      });
      if (!replay.ok) throw new HttpError(409, replay.issues.map((i) => i.message).join('; '), { issues: replay.issues });
      if (query.format === 'yaml') return { body: stringify(replay.script), contentType: 'application/yaml; charset=utf-8' };
      return { body: { incidentId: params.id, script: replay.script, skipped: replay.skipped } };
    },
  }),
];
