import type { IncidentSummary } from '../domain/incident/summary';
import { upsertIncidentSummary } from '../store/incident-summaries';
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
  };
}
