import { patched, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { HeraldActivities } from '../activities';
import { iso } from '../domain/incident/deadlines';
import type { IncidentState } from './incident-state';
import { changedSearchAttributes, searchAttributesFor } from './search-attributes';

// Retried without end: a store that is down delays the read model until it is back, nothing else.
const { projectIncidentSummary } = proxyActivities<HeraldActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * Keeps the read model and the search attributes following the incident (reads never need a
 * Query). The loop calls `follow` once its queued work is done, so the summary is written after
 * what customers wait for, and without being awaited: the incident sleeps, takes updates and
 * fires deadlines while a write retries. One write at a time; a change made meanwhile is written
 * when it returns.
 */
export class ReadModel {
  #writing?: Promise<void>;

  constructor(private readonly s: IncidentState) {}

  follow(): void {
    if (this.#writing) return;
    // The summary's recurrence fields came with the patch recurrence-detection (workflows/incident.ts).
    const summary = this.s.changedSummary({ recurrenceFields: patched('recurrence-detection') });
    if (!summary) return;
    const changed = changedSearchAttributes(searchAttributesFor(summary), workflowInfo().typedSearchAttributes);
    if (changed.length) upsertSearchAttributes(changed);
    this.#writing = projectIncidentSummary({ summary, updatedAt: iso(Date.now()) }).then(
      () => this.settled(true),
      () => this.settled(false),
    );
  }

  /** The closing summary, written before the workflow ends. */
  async last(): Promise<void> {
    await this.#writing;
    this.follow();
    await this.#writing;
  }

  private settled(written: boolean): void {
    this.#writing = undefined;
    this.s.summarySettled(written);
  }
}
