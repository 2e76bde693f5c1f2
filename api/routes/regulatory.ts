import { z, ZodError } from 'zod';
import { regime as regimeById, regimes } from '../../config/regimes';
import type { Role } from '../../config/api-keys';
import { incidentHandle, IncidentParams } from '../incident-params';
import { defineRoute } from '../route';
import { recordFilingUpdate, startRegulatoryClockUpdate } from '../../workflows/regulatory-updates';
import type { ResolvedRegime } from '../../domain/regulatory/types';

/**
 * Regulatory clocks on an incident (X3): a responder marks the incident as meeting a regime's
 * trigger, and records each filing. The regime's definition is read here, from config/regimes/,
 * and handed to the workflow, which reads no file; a regime changed later does not move a running clock.
 */

/** The regimes a playbook rule can start by themselves, handed to every new incident (IncidentRunOptions.regimes). */
export function ruleRegimes(): ResolvedRegime[] {
  return regimes().filter((r) => r.trigger.tags?.length);
}

const crew: Role[] = ['responder', 'manager'];
const instant = z.string().datetime({ offset: true }).describe('ISO 8601 time');

const StartBody = z.object({
  regime: z.string().min(1).max(64).describe('A regime ID of config/regimes/ (gdpr, gdpr-processor, nis2, dora, sec-8k, hipaa)'),
  awareAt: instant.optional().describe('When the organisation became aware; default: the incident\'s detection'),
  determinationAt: instant.optional().describe('The determination (materiality, classification as major); default: now'),
  individuals: z.number().int().nonnegative().optional().describe('Individuals affected (HIPAA 500-person threshold)'),
});

const FilingParams = IncidentParams.extend({
  regime: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
  phase: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
});
type FilingParams = z.infer<typeof FilingParams>;

const FilingBody = z.object({
  reference: z.string().trim().min(1).max(200).optional().describe("The authority's case or filing reference (e.g. an EDGAR accession number)"),
  summary: z.string().trim().min(1).max(5000).describe('What was sent'),
  sentTo: z.array(z.string().trim().min(1).max(200)).min(1).max(20).describe('To whom (the authority, the controller, data subjects)'),
  version: z.number().int().positive().optional().describe('The message version the filing used: its approvals go into the evidence record'),
});

const Phase = z.object({
  regime: z.string(), phase: z.string(), status: z.enum(['met', 'due', 'overdue', 'waiting', 'not-applicable']), deadline: z.string().optional(),
}).passthrough();

const errors = {
  404: 'Unknown incident',
  409: 'The clock already runs on the incident, the phase is met or waiting, or the incident predates regulatory clocks',
};

export const regulatoryRoutes = [
  defineRoute<IncidentParams, unknown, z.infer<typeof StartBody>>({
    method: 'post',
    path: '/v1/incidents/:id/regulatory',
    summary: "Mark the incident as meeting a regime's trigger: the regime's clock starts (reminders before each deadline, an escalation at it)",
    tags: ['regulatory'],
    roles: crew,
    params: IncidentParams,
    body: StartBody,
    responses: { 201: { description: 'The clock and its phases', schema: z.object({ regime: z.string(), phases: z.array(Phase) }) } },
    errors,
    async handler({ params, body, principal, deps }) {
      const regime = regimeById(body.regime);
      if (!regime) {
        throw new ZodError([{ code: 'custom', path: ['regime'], message: `unknown regime "${body.regime}" (known: ${regimes().map((r) => r.id).join(', ')})`, input: body.regime }]);
      }
      const started = await incidentHandle(deps, params.id).executeUpdate(startRegulatoryClockUpdate, {
        args: [{ regime, by: principal!.name, ...(body.awareAt ? { awareAt: body.awareAt } : {}), ...(body.determinationAt ? { determinationAt: body.determinationAt } : {}), ...(body.individuals !== undefined ? { individuals: body.individuals } : {}) }],
      });
      return { status: 201, body: started };
    },
  }),
  defineRoute<FilingParams, unknown, z.infer<typeof FilingBody>>({
    method: 'post',
    path: '/v1/incidents/:id/regulatory/:regime/phases/:phase/filed',
    summary: "Record a regulatory filing: the phase is met, its evidence (what was sent to whom, when, the approvals) goes into the audit, phases that count from it start",
    tags: ['regulatory'],
    roles: crew,
    params: FilingParams,
    body: FilingBody,
    responses: { 201: { description: 'The phase, met', schema: Phase } },
    errors,
    async handler({ params, body, principal, deps }) {
      const met = await incidentHandle(deps, params.id).executeUpdate(recordFilingUpdate, {
        args: [{ regime: params.regime, phase: params.phase, by: principal!.name, summary: body.summary, sentTo: body.sentTo, ...(body.reference ? { reference: body.reference } : {}), ...(body.version !== undefined ? { version: body.version } : {}) }],
      });
      return { status: 201, body: met };
    },
  }),
];
