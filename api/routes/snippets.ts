import { z } from 'zod';
import { LocaleSchema } from '../../domain/messages/locale-schema';
import { approveSnippet, createSnippet, deleteSnippet, findSnippet, updateSnippet } from '../../store/snippets';
import { HttpError } from '../errors';
import { defineRoute, routesUnder } from '../route';
import { registryCall } from './templates';

const SnippetParams = z.object({ snippetId: z.string().regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, 'lower-case letters, digits, dot, dash or underscore; 3 to 64 characters') });
const SnippetFields = z.object({
  title: z.string().trim().min(1).max(200),
  text: z.string().trim().min(1).max(5000),
  locale: LocaleSchema.default('en'),
  tags: z.array(z.string().min(1).max(50)).max(20).default([]),
});
const snippetRoute = routesUnder({ params: SnippetParams, notFound: 'Unknown snippet', tags: ['snippets'] });
const SnippetView = z.object({ snippetId: z.string(), title: z.string(), text: z.string(), version: z.number(), contentHash: z.string(), approval: z.any().optional() }).passthrough();

export const snippetRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/snippets',
    summary: 'Pre-approved snippets drafters can insert; approved=true lists only legal-approved wording',
    tags: ['snippets'],
    roles: ['viewer', 'responder', 'approver', 'manager'],
    query: z.object({ locale: z.string().max(10).optional(), tag: z.string().max(50).optional(), approved: z.enum(['true', 'false']).optional() }),
    responses: { 200: { description: 'Snippets', schema: z.object({ snippets: z.array(SnippetView) }) } },
    async handler({ query, deps }) {
      const filter: Record<string, unknown> = {};
      if (query.locale) filter.locale = query.locale;
      if (query.tag) filter.tags = query.tag;
      const all = await deps.store.models.Snippet.find(filter, { _id: 0, __v: 0 }).sort({ snippetId: 1 }).lean();
      // Approved means approved for the current wording, which FerretDB cannot compare in a query.
      const approved = (s: (typeof all)[number]) => s.approval?.contentHash === s.contentHash;
      const snippets = query.approved ? all.filter((s) => approved(s) === (query.approved === 'true')) : all;
      return { body: { snippets } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/snippets',
    summary: 'Add a snippet to the library (unapproved until legal approves it)',
    tags: ['snippets'],
    roles: ['manager', 'admin'],
    body: SnippetFields.extend({ snippetId: SnippetParams.shape.snippetId }),
    responses: { 201: { description: 'Created', schema: SnippetView } }, errors: { 409: 'The snippet exists' },
    async handler({ body, principal, deps }) {
      const { snippetId, ...draft } = body;
      const s = await registryCall(() => createSnippet(deps.store.models, snippetId, draft, principal!.name, new Date().toISOString()));
      return { status: 201, body: s, headers: { Location: `/v1/snippets/${snippetId}` } };
    },
  }),
  snippetRoute({
    method: 'get',
    path: '/v1/snippets/:snippetId',
    summary: 'One snippet',
    roles: ['viewer', 'responder', 'approver', 'manager'],
    responses: { 200: { description: 'The snippet', schema: SnippetView } },
    async handler({ params, deps }) {
      return { body: await registryCall(() => findSnippet(deps.store.models, params.snippetId)) };
    },
  }),
  snippetRoute({
    method: 'put',
    path: '/v1/snippets/:snippetId',
    summary: 'Edit a snippet; a change of wording clears its approval',
    roles: ['manager', 'admin'],
    body: SnippetFields.extend({ baseVersion: z.number().int().min(1) }),
    responses: { 200: { description: 'The new version', schema: SnippetView } }, errors: { 409: 'Not the latest version; details carry the current one' },
    async handler({ params, body, principal, deps }) {
      const { baseVersion, ...draft } = body;
      const s = await registryCall(() =>
        updateSnippet(deps.store.models, params.snippetId, draft, { baseVersion, by: principal!.name, at: new Date().toISOString() }),
      );
      return { body: s };
    },
  }),
  snippetRoute({
    method: 'delete',
    path: '/v1/snippets/:snippetId',
    summary: 'Remove a snippet from the library',
    roles: ['manager', 'admin'],
    responses: { 204: { description: 'Removed' } },
    async handler({ params, deps }) {
      await registryCall(() => deleteSnippet(deps.store.models, params.snippetId));
      return { status: 204, body: '', contentType: 'text/plain' };
    },
  }),
  snippetRoute({
    method: 'post',
    path: '/v1/snippets/:snippetId/approval',
    summary: 'Approve the wording of the latest version (needs the legal right)',
    roles: ['approver'],
    body: z.object({ version: z.number().int().min(1) }),
    responses: { 200: { description: 'Approved', schema: SnippetView } }, errors: { 409: 'Not the latest version; details carry the current one' },
    async handler({ params, body, principal, deps }) {
      if (!principal!.approverRoles?.includes('legal')) throw new HttpError(403, 'approving snippet wording needs the legal right');
      return { body: await registryCall(() => approveSnippet(deps.store.models, params.snippetId, body.version, principal!.name, new Date().toISOString())) };
    },
  }),
];
