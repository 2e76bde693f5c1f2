import { z } from 'zod';

// The plain lists and rules live in ./incident-core, so workflow code can use them without loading zod.
export * from './core';
import { categories, incidentIdPattern, severities } from './core';

export const IncidentDeclarationSchema = z.object({
  id: z
    .string()
    .regex(incidentIdPattern, 'letters, digits, dot, dash or underscore; 3 to 64 characters')
    .optional()
    .describe('Client-supplied incident ID; declaring the same ID twice answers 409'),
  title: z.string().trim().min(3).max(200),
  category: z.enum(categories),
  severity: z.enum(severities),
  components: z.array(z.string().min(1).max(100)).min(1).max(200).describe('IDs of the affected components'),
  summary: z.string().trim().min(1).max(5000),
  scope: z.enum(['single', 'multi-region', 'global']).optional().describe('How far the incident reaches; picks the playbook tier (default single)'),
  tags: z
    .array(z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes'))
    .max(20)
    .optional()
    .describe('Classification tags such as data-exposure, regulated-customer, vendor'),
  fields: z.record(z.string(), z.string().max(2000)).optional().describe('Values for the fields that the tags require'),
  customersAffected: z.number().int().nonnegative().optional(),
});
export type IncidentDeclaration = z.infer<typeof IncidentDeclarationSchema>;

/** What the incident workflow is started with: the declaration, its ID fixed, and when it was detected. */
export interface IncidentInput extends Omit<IncidentDeclaration, 'id'> {
  id: string;
  declaredBy: string;
  detectedAt: string;
  /** A drill: an exercise the read model lists apart from real incidents. */
  drill?: boolean;
}
