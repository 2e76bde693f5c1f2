import type { Client, WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';

/**
 * A drill's scenario clock on the time-skipping test server.
 *
 * The server moves time only when asked (`env.sleep`), firing every timer on the way at its
 * instant; between skips its clock runs at the wall's pace. It strands a workflow whose task
 * cancels a timer that fired while the task was with the worker: it refuses the completion
 * ("invalid history builder state for action", temporalio/sdk-java#3088) and never hands the task
 * out again, so the Update that task answered times out (the runner's 504). Injects fall on round
 * minutes, as deadlines and cadence timers do, so a timer due a moment after a skip landed raced
 * the inject's Update. The clock therefore never acts next to a timer: before every action it lets
 * the incident settle and skips past any timer due within `guardMs`, which fires first, as it
 * would at the same instant in a real incident.
 */

const { EventType } = temporal.api.enums.v1;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** Longer than a workflow task and the Update behind an action take on a loaded machine. */
const guardMs = 10_000;
/** A workflow that re-arms a timer inside the guard this often is not one the clock can settle. */
const maxGuardSkips = 20;
const settleTimeoutMs = 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const protoMs = (v: { seconds?: { toString(): string } | null; nanos?: number | null } | null | undefined) =>
  Number(v?.seconds?.toString() ?? 0) * 1000 + Math.floor((v?.nanos ?? 0) / 1e6);

const closed = new Set<number>([
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
]);

/** What keeps a run busy, from its history: a workflow task or an activity not ended; nothing when it has closed. */
export function busyWith(events: readonly HistoryEvent[]): string | undefined {
  if (closed.has(events.at(-1)?.eventType ?? 0)) return undefined;
  let task = false;
  const activities = new Map<string, string>();
  for (const e of events) {
    switch (e.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED: task = true; break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
      case EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
      case EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT: task = false; break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: activities.set(String(e.eventId), e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?'); break;
      default: {
        const ended = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes;
        if (ended?.scheduledEventId != null) activities.delete(String(ended.scheduledEventId));
      }
    }
  }
  if (task) return 'a workflow task';
  return activities.size ? `activities ${[...activities.values()].join(', ')}` : undefined;
}

/** When each timer started and neither fired nor cancelled is due (ms since the epoch, the server's clock). */
export function pendingTimersDueAt(events: readonly HistoryEvent[]): number[] {
  const pending = new Map<string, number>();
  for (const e of events) {
    const started = e.timerStartedEventAttributes;
    if (started?.timerId) pending.set(started.timerId, protoMs(e.eventTime) + protoMs(started.startToFireTimeout));
    const ended = e.timerFiredEventAttributes ?? e.timerCanceledEventAttributes;
    if (ended?.timerId) pending.delete(ended.timerId);
  }
  return [...pending.values()];
}

export interface DrillClock {
  /** Scenario time: milliseconds since the clock started. */
  now(): Promise<number>;
  /** Waits until the incident (and every workflow it started) waits on timers and messages only; throws when it does not within a minute. */
  settle(): Promise<{ events: HistoryEvent[] }[]>;
  /** Settles, then skips past any timer due within the guard, so an action cannot race it. */
  clear(): Promise<void>;
  /** Moves scenario time to `target`: at once (instant), or `speed` times the wall's pace. */
  advanceTo(target: number): Promise<void>;
}

export async function drillClock(opts: {
  env: TestWorkflowEnvironment;
  client: Client;
  /** The incident's workflow; the workflows it starts (its broadcasts) are watched too. */
  incident: WorkflowHandle;
  speed?: number;
  /** Scenario time zero on the server's clock (the incident's detection); now when absent. */
  origin?: number;
  log?: (line: string) => void;
}): Promise<DrillClock> {
  const { env } = opts;
  const start = opts.origin ?? (await env.currentTimeMs());
  const children = new Map<string, WorkflowHandle>();
  const done = new Set<string>();
  const history = async (h: WorkflowHandle) => (await h.fetchHistory().catch(() => undefined))?.events ?? [];
  /** The incident's history and those of its children still running; a child that closed is not read again. */
  const histories = async () => {
    const events = await history(opts.incident);
    for (const e of events) {
      const id = e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
      if (id && !children.has(id)) children.set(id, opts.client.workflow.getHandle(id));
    }
    const open = [...children.entries()].filter(([id]) => !done.has(id));
    const theirs = await Promise.all(open.map(async ([id, h]) => ({ id, h, events: await history(h) })));
    for (const c of theirs) if (c.events.length && closed.has(c.events.at(-1)?.eventType ?? 0)) done.add(c.id);
    return [{ h: opts.incident, events }, ...theirs];
  };
  const clock: DrillClock = {
    now: async () => (await env.currentTimeMs()) - start,
    async settle() {
      const until = Date.now() + settleTimeoutMs;
      let nudged = false;
      for (;;) {
        const read = await histories();
        const busy = read.map(({ h, events }) => [h.workflowId, busyWith(events), events] as const).filter(([, b]) => b);
        if (!busy.length) return read;
        // A workflow task the server refused to complete is never handed out again; its
        // start-to-close timeout (10 s of the server's clock) is what can still end it.
        if (!nudged && Date.now() > until - settleTimeoutMs / 2 && busy.every(([, b]) => b === 'a workflow task')) {
          nudged = true;
          opts.log?.(`a workflow task has been out for ${settleTimeoutMs / 2000} s: moving the clock 15 s so that it times out`);
          await env.sleep(15_000);
          continue;
        }
        // Skipping time now would not skip (the server holds time while an activity runs): it
        // would wait out the scenario in real time. A drill that cannot settle fails, and says why.
        if (Date.now() > until) throw new Error(`the drill's incident is still busy after ${settleTimeoutMs / 1000} s, so its clock cannot move: ${busy.map(([id, b, events]) => `${id}: ${b} (its last events: ${events.slice(-6).map((e) => `${e.eventId} ${EventType[e.eventType ?? 0]?.replace('EVENT_TYPE_', '')}`).join(', ')})`).join('; ')}`);
        await sleep(25);
      }
    },
    async clear() {
      for (let skips = 0; ; skips++) {
        const read = await clock.settle();
        const now = await env.currentTimeMs();
        const due = read.flatMap(({ events }) => pendingTimersDueAt(events)).map((at) => at - now).filter((d) => d <= guardMs);
        if (!due.length || skips >= maxGuardSkips) return;
        await env.sleep(Math.max(0, ...due) + 1);
      }
    },
    async advanceTo(target) {
      for (;;) {
        const left = target - (await clock.now());
        if (left <= 0) return clock.clear();
        await clock.clear();
        if (!opts.speed) await env.sleep(left);
        else {
          // Scenario time runs `speed` times the wall: a quarter second of wall at a time.
          await sleep(250);
          await env.sleep(Math.min(left, 250 * opts.speed));
        }
      }
    },
  };
  return clock;
}
