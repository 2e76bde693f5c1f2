/**
 * The baselines' workflows, bundled on their own (not with Herald's) and run by their own
 * worker: the least a workflow can do for each measurement, so the ratio shows what Herald adds.
 */
import { defineSignal, defineUpdate, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { baselineActivities } from './baseline-worker';

const { noop } = proxyActivities<typeof baselineActivities>({ startToCloseTimeout: '1 minute' });

/** Sent with the start, as the alert webhook signals-with-start an incident. */
export const pokeSignal = defineSignal<[string]>('poke');

/** `first-message` baseline: one no-op activity, then done. */
export async function noopWorkflow(): Promise<string> {
  setHandler(pokeSignal, () => undefined);
  return noop();
}

export const noteUpdate = defineUpdate<number, [string]>('note');

/**
 * `open-incidents` baseline: stays open with a timer pending (as an incident waits on its next
 * cadence deadline) and answers an Update by recording it, until the benchmark terminates it.
 */
export async function openBaselineWorkflow(): Promise<never> {
  const notes: string[] = [];
  setHandler(noteUpdate, (note) => notes.push(note));
  for (;;) await sleep('60 minutes');
}
