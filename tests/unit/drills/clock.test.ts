import { temporal } from '@temporalio/proto';
import { busyWith, pendingTimersDueAt } from '../../../drill/clock';

const { EventType } = temporal.api.enums.v1;
type Event = temporal.api.history.v1.IHistoryEvent;
const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 }) as never;
const ev = (eventId: number, eventType: number, extra: Partial<Event> = {}): Event => ({ eventId: eventId as never, eventType, ...extra });

describe('[M6.6, X4] the drill clock reads a history', () => {
  it('[X4] a run is busy while a workflow task or an activity is outstanding, idle when both ended, never once closed', () => {
    const started = [ev(1, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED), ev(2, EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED)];
    expect(busyWith(started)).toBe('a workflow task');
    const activity = [...started, ev(3, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED), ev(4, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
      ev(5, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, { activityTaskScheduledEventAttributes: { activityType: { name: 'sendEmailBatch' } } })];
    expect(busyWith(activity)).toBe('activities sendEmailBatch');
    const done = [...activity, ev(6, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, { activityTaskCompletedEventAttributes: { scheduledEventId: 5 as never } }),
      ev(7, EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED), ev(8, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED), ev(9, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)];
    expect(busyWith(done)).toBeUndefined();
    expect(busyWith([...started, ev(3, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED)])).toBeUndefined();
  });

  it('[X4] the timers still pending, each due at its start plus its duration', () => {
    const t0 = Date.parse('2026-12-03T10:00:00Z');
    const events = [
      ev(5, EventType.EVENT_TYPE_TIMER_STARTED, { eventTime: at(t0), timerStartedEventAttributes: { timerId: '1', startToFireTimeout: { seconds: 900 as never } } }),
      ev(6, EventType.EVENT_TYPE_TIMER_STARTED, { eventTime: at(t0 + 500), timerStartedEventAttributes: { timerId: '2', startToFireTimeout: { seconds: 60 as never } } }),
      ev(7, EventType.EVENT_TYPE_TIMER_STARTED, { eventTime: at(t0), timerStartedEventAttributes: { timerId: '3', startToFireTimeout: { seconds: 30 as never } } }),
      ev(8, EventType.EVENT_TYPE_TIMER_FIRED, { timerFiredEventAttributes: { timerId: '3' } }),
      ev(9, EventType.EVENT_TYPE_TIMER_CANCELED, { timerCanceledEventAttributes: { timerId: '2' } }),
    ];
    expect(pendingTimersDueAt(events)).toEqual([t0 + 900_000]);
  });
});
