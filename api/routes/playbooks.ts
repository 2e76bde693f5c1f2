import { z, ZodError } from 'zod';
import { categories, severities } from '../../domain/incident';
import { PlaybookSchema, scopeTiers, selectPlaybook } from '../../domain/playbooks';
import {
  currentPlaybook,
  currentPlaybooks,
  playbookAtVersion,
  playbookHistory,
  savePlaybook,
  type StoredPlaybook,
} from '../../store/playbooks';
import { found, HttpError } from '../errors';
import { defineRoute, routesUnder } from '../route';

const readers = ['viewer', 'responder', 'approver', 'manager', 'admin'] as const;
const editors = ['admin', 'manager'] as const;

const PlaybookParams = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'not a valid playbook id') });
const VersionParams = PlaybookParams.extend({ version: z.coerce.number().int().positive() });
const playbookRoute = routesUnder({ params: PlaybookParams, notFound: 'Unknown playbook or version', tags: ['playbooks'], readers });
const SaveQuery = z.object({
  baseVersion: z.coerce.number().int().nonnegative().optional().describe('The version this edit was made against; 409 when it is no longer the latest (0 for a new playbook)'),
  note: z.string().trim().min(1).max(500).optional().describe('Why the playbook changed, kept in its history'),
});
const SelectionQuery = z.object({
  category: z.enum(categories),
  severity: z.enum(severities),
  scope: z.enum(scopeTiers),
});

const VersionMeta = {
  version: z.number(),
  hash: z.string(),
  source: z.enum(['file', 'api']),
  createdBy: z.string(),
  createdAt: z.string(),
  note: z.string().optional(),
};
const StoredSchema = z.object({ ...VersionMeta, playbook: z.object({ id: z.string() }).passthrough() });
const Summary = z.object({
  id: z.string(), name: z.string(), category: z.string(), scope: z.string(), version: z.number(), updatedAt: z.string(), updatedBy: z.string(),
});


function summary(s: StoredPlaybook): z.infer<typeof Summary> {
  const { id, name, category, scope } = s.playbook;
  return { id, name, category, scope, version: s.version, updatedAt: s.createdAt, updatedBy: s.createdBy };
}

export const playbookRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/playbooks',
    summary: 'Every playbook at its latest version',
    tags: ['playbooks'],
    roles: [...readers],
    responses: { 200: { description: 'Playbooks by id', schema: z.object({ playbooks: z.array(Summary) }) } },
    async handler({ deps }) {
      return { body: { playbooks: (await currentPlaybooks(deps.store)).map(summary) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/playbook-selection',
    summary: 'The playbook an incident of this category, severity and scope tier follows',
    tags: ['playbooks'],
    roles: [...readers],
    query: SelectionQuery,
    responses: { 200: { description: 'The chosen playbook at its latest version', schema: StoredSchema } }, errors: { 404: 'Unknown playbook or version' },
    async handler({ query, deps }) {
      const stored = await currentPlaybooks(deps.store);
      const chosen = selectPlaybook(stored.map((s) => s.playbook), query);
      if (!chosen) throw new HttpError(404, `no playbook covers ${query.category} at ${query.severity}`);
      return { body: stored.find((s) => s.playbook === chosen) };
    },
  }),
  playbookRoute({
    method: 'get',
    path: '/v1/playbooks/:id',
    summary: 'One playbook at its latest version',
    responses: { 200: { description: 'The playbook', schema: StoredSchema } },
    async handler({ params, deps }) {
      return { body: found(await currentPlaybook(deps.store, params.id), `playbook "${params.id}"`) };
    },
  }),
  playbookRoute({
    method: 'get',
    path: '/v1/playbooks/:id/versions',
    summary: "A playbook's version history, newest first",
    responses: { 200: { description: 'Every version', schema: z.object({ id: z.string(), versions: z.array(StoredSchema) }) } },
    async handler({ params, deps }) {
      return { body: { id: params.id, versions: found(await playbookHistory(deps.store, params.id), `playbook "${params.id}"`) } };
    },
  }),
  playbookRoute({
    method: 'get',
    path: '/v1/playbooks/:id/versions/:version',
    summary: 'One exact version of a playbook (what an incident that started with it follows)',
    params: VersionParams,
    responses: { 200: { description: 'That version', schema: StoredSchema } },
    async handler({ params, deps }) {
      return { body: found(await playbookAtVersion(deps.store, params.id, params.version), `version ${params.version} of playbook "${params.id}"`) };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/v1/playbooks/:id',
    summary: 'Create or edit a playbook; every change becomes a new version',
    tags: ['playbooks'],
    roles: [...editors],
    params: PlaybookParams,
    query: SaveQuery,
    body: PlaybookSchema,
    responses: {
      200: { description: 'Saved as a new version, or unchanged', schema: StoredSchema.extend({ changed: z.boolean() }) },
      201: { description: 'A new playbook, at version 1', schema: StoredSchema.extend({ changed: z.boolean() }) },
    },
    errors: {
      409: 'The edit was made against a version that is no longer the latest',
    },
    async handler({ params, query, body, principal, deps }) {
      if (body.id !== params.id) {
        throw new ZodError([{ code: 'custom', path: ['id'], message: `must match the URL: "${params.id}"`, input: body.id }]);
      }
      const result = await savePlaybook(deps.store, body, { by: principal!.name, note: query.note, baseVersion: query.baseVersion });
      if (result.outcome === 'stale') {
        throw new HttpError(409, `the playbook is at version ${result.latestVersion}; reload it and edit that version`, {
          latestVersion: result.latestVersion,
        });
      }
      return {
        status: result.outcome === 'created' ? 201 : 200,
        body: { ...result.stored, changed: result.outcome !== 'unchanged' },
        headers: { Location: `/v1/playbooks/${params.id}/versions/${result.stored.version}` },
      };
    },
  }),
];
