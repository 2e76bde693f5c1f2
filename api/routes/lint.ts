import { z } from 'zod';
import { LocaleSchema } from '../../domain/messages/locale-schema';
import { previewGate } from '../../domain/gate';
import { lintPlainLanguage } from '../../domain/gate/plain-language';
import { defaultGatePolicy, defaultLintOptions } from '../../config/gate';
import { defineRoute } from '../route';
import { forbiddenVendorsForGate } from '../../store/vendors';

const Finding = z.object({ kind: z.string(), start: z.number(), end: z.number(), text: z.string(), suggestion: z.string() });

export const lintRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/lint',
    summary: 'Check a draft for jargon, acronyms, internal names, codenames and readability, and preview what the gate would redact',
    tags: ['messages'],
    roles: ['responder'],
    body: z.object({
      text: z.string().min(1).max(20_000),
      locale: LocaleSchema.default('en'),
      minReadingEase: z.number().min(-100).max(130).optional().describe("The playbook's minimum reading ease for this audience"),
    }),
    responses: {
      200: {
        description: 'Findings with positions and suggestions',
        schema: z.object({
          score: z.number().nullable(), formula: z.string().nullable(), passes: z.boolean(), findings: z.array(Finding),
          sensitive: z.array(z.object({ kind: z.string(), start: z.number(), end: z.number() }))
            .describe('What the external gate finds in the text (the same detector every channel passes), by kind and position'),
          redacted: z.string().describe('The text as the gate would let it leave'),
          blocked: z.boolean().describe('Whether the gate would stop a message with this text'),
          blockReasons: z.array(z.string()),
        }),
      },
    },
    async handler({ body, deps }) {
      const result = lintPlainLanguage(body.text, { ...defaultLintOptions(body.locale), minReadingEase: body.minReadingEase });
      // The vendors public messages may not name (M5.4) block here as they would at dispatch.
      const policy = { ...defaultGatePolicy, forbiddenVendors: await forbiddenVendorsForGate(deps.store.models) };
      // Positions only: the lint answer must not echo a secret back into chat tools and logs.
      return { body: { ...result, ...previewGate(body.text, policy) } };
    },
  }),
];
