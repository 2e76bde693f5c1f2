/**
 * Playbooks: the per-category, per-scope policy an incident runs under (schema and defaults,
 * selection, tags, template coverage). This module loads zod; workflow code imports `select.ts`
 * and `constants.ts` (and the schema's types) directly instead.
 */
export * from './schema';
export * from './select';
export * from './template-coverage';
