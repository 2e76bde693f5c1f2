import { z } from 'zod';

export const severities = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof severities)[number];

export const categories = [
  'data-breach',
  'security',
  'outage',
  'performance-degradation',
  'maintenance-gone-wrong',
  'third-party',
] as const;
export type Category = (typeof categories)[number];

/** The public phases of an incident, in the order a status page shows them. */
export const phases = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type Phase = (typeof phases)[number];

export const incidentIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/;

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
}

export const workflowIdPrefix = 'incident-';

export function workflowIdFor(incidentId: string): string {
  return `${workflowIdPrefix}${incidentId}`;
}

/** SEV1 and SEV2 go to an approver before anything leaves; SEV3 and SEV4 publish at once. */
export function requiresApproval(severity: Severity): boolean {
  return severity === 'SEV1' || severity === 'SEV2';
}

/** Minutes from detection to the first external message (the playbook may tighten these). */
export const firstMessageDeadlineMinutes: Record<Severity, number> = {
  SEV1: 15,
  SEV2: 30,
  SEV3: 60,
  SEV4: 240,
};
