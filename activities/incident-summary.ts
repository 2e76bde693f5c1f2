import { matchRecurrence, recurrenceWindow, type Recurrence, type RecurrenceProbe } from '../domain/incident/recurrence';
import type { IncidentSummary } from '../domain/incident/summary';
import { recurrenceCandidates, upsertIncidentSummary } from '../store/incident-summaries';
import type { StoreDeps } from './deps';

export function createIncidentSummaryActivities({ store }: StoreDeps<'IncidentSummary'>) {
  return {
    /**
     * Writes the incident's summary to the read model (`GET /v1/incidents`), unless the store
     * holds a newer one: a retry or a late write changes nothing.
     */
    async projectIncidentSummary(req: { summary: IncidentSummary; updatedAt: string }): Promise<{ written: boolean }> {
      return { written: await upsertIncidentSummary(store.models, req.summary, req.updatedAt) };
    },

    /**
     * The earlier incidents a new one repeats (M7.5), from the read model: same alert fingerprint,
     * or same category and components, within the window before its detection. Undefined when none.
     */
    async findRecurrence(probe: RecurrenceProbe): Promise<Recurrence | undefined> {
      const candidates = await recurrenceCandidates(store.models, { ...probe, ...recurrenceWindow(probe) });
      return matchRecurrence(probe, candidates);
    },
  };
}
