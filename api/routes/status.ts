import { z } from 'zod';
import { escapeHtml } from '../../domain/messages/render';
import { impacts, statusSnapshot, type Impact, type StatusEntry, type StatusSnapshot } from '../../domain/status-page';
import { loadMarkers } from '../../store/component-markers';
import type { ApiDeps } from '../deps';
import type { Role } from '../../config/api-keys';
import { defineRoute, type ResponseSpec, type Route } from '../route';

async function loadSnapshot(deps: ApiDeps): Promise<StatusSnapshot> {
  const [components, entries, markers] = await Promise.all([
    deps.store.models.Component.find({}, { componentId: 1, name: 1 }).sort({ name: 1 }).lean(),
    deps.store.models.StatusEntry.find({}).lean<StatusEntry[]>(),
    loadMarkers(deps.store.models),
  ]);
  return statusSnapshot(components, entries, markers);
}

const label: Record<string, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  under_maintenance: 'Under maintenance',
};

const impactLabel: Record<Impact, string> = { none: 'No impact', minor: 'Minor impact', major: 'Major impact', critical: 'Critical impact' };

function renderIncident(i: StatusSnapshot['activeIncidents'][number]): string {
  const updates = i.updates
    .map((u) => `<li><strong>${escapeHtml(u.phase)}</strong> <time>${escapeHtml(u.publishedAt)}</time><p>${escapeHtml(u.body).replace(/\n/g, '<br>')}</p></li>`)
    .join('');
  return `<article id="${escapeHtml(i.id)}" class="incident impact-${i.impact}"><h3>${escapeHtml(i.title)}</h3><p>${impactLabel[i.impact]} · ${escapeHtml(i.phase)}</p><ul>${updates}</ul></article>`;
}

/** The public status page: plain server-rendered HTML, every value escaped. */
export function renderStatusPage(s: StatusSnapshot): string {
  const components = s.components
    .map((c) => `<li class="${c.status}">${escapeHtml(c.name)} <span>${label[c.status]}</span></li>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Status</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}li{margin:.3rem 0}.operational span{color:#137333}.degraded_performance span,.under_maintenance span{color:#b06000}.partial_outage span,.major_outage span{color:#c5221f}article{border-left:4px solid #c5221f;padding-left:1rem}</style>
</head><body><h1>${escapeHtml(s.description)}</h1>
<h2>Components</h2><ul>${components}</ul>
<h2>Active incidents</h2>${s.activeIncidents.map(renderIncident).join('') || '<p>No active incidents.</p>'}
<h2>Recently resolved</h2>${s.recentIncidents.map(renderIncident).join('') || '<p>Nothing resolved recently.</p>'}
</body></html>`;
}

const Update = z.object({ version: z.number(), phase: z.string(), subject: z.string(), body: z.string(), publishedAt: z.string() });
const Incident = z.object({ id: z.string(), title: z.string(), impact: z.enum(impacts), category: z.string(), phase: z.string(), components: z.array(z.string()), startedAt: z.string(), updatedAt: z.string(), resolvedAt: z.string().optional(), updates: z.array(Update) });
const StatusSnapshotSchema = z.object({
  status: z.string(),
  description: z.string(),
  components: z.array(z.object({ id: z.string(), name: z.string(), status: z.string() })),
  activeIncidents: z.array(Incident),
  recentIncidents: z.array(Incident),
});

/**
 * Reads of the status data, public unless `roles` names some: each request loads the data once and
 * answers one view of it, as JSON or in the media type its answer declares.
 */
export function statusReads<T>(tags: string[], load: (deps: ApiDeps) => Promise<T>) {
  return (path: string, summary: string, answer: ResponseSpec, view: (data: T) => unknown, roles?: Role[]): Route =>
    defineRoute({
      method: 'get', path, summary, tags, ...(roles ? { roles } : {}),
      responses: { 200: answer },
      async handler({ deps }) {
        const body = view(await load(deps));
        return answer.contentType ? { body, contentType: `${answer.contentType}; charset=utf-8` } : { body };
      },
    });
}

const snapshot = statusReads(['status'], loadSnapshot);
const components = { description: 'Components and incidents', schema: StatusSnapshotSchema };

export const statusRoutes = [
  snapshot('/status', 'The public status page (HTML)', { description: 'HTML page', contentType: 'text/html' }, renderStatusPage),
  snapshot('/status.json', 'The public status API (no key needed)', components, (s) => s),
  snapshot('/v1/status', 'The status API: components, active and recent incidents with their published updates', components, (s) => s, ['viewer', 'responder', 'approver', 'manager']),
];
