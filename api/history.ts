import type { temporal } from '@temporalio/proto';

export interface ReadableEvent {
  id: number;
  time: string;
  type: string;
  description: string;
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

function toIso(ts: HistoryEvent['eventTime']): string {
  if (!ts) return '';
  const ms = Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
  return new Date(ms).toISOString();
}

function typeName(event: HistoryEvent): string {
  const attr = Object.keys(event).find((k) => k.endsWith('EventAttributes') && (event as Record<string, unknown>)[k]);
  return attr ? attr.replace(/EventAttributes$/, '').replace(/^./, (c) => c.toUpperCase()) : String(event.eventType);
}

function seconds(d: { seconds?: unknown } | null | undefined): string {
  return `${Number(d?.seconds ?? 0)}s`;
}

type Marker = NonNullable<HistoryEvent['markerRecordedEventAttributes']>;

/** The JSON of a marker's detail payload, when it has one. */
function markerData(m: Marker, key: string): Record<string, unknown> | undefined {
  const payload = m.details?.[key]?.payloads?.[0]?.data;
  if (!payload) return undefined;
  try {
    return JSON.parse(Buffer.from(payload).toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Local steps and code-version markers, as a manager reads them. */
function describeMarker(m: Marker): string {
  if (m.markerName === 'core_local_activity') {
    const data = markerData(m, 'data');
    const name = typeof data?.activity_type === 'string' ? data.activity_type : 'local step';
    return m.failure ? `Step "${name}" failed: ${m.failure.message}` : `Step "${name}" completed (run in the worker)`;
  }
  if (m.markerName === 'core_patch') {
    const data = markerData(m, 'patch-data');
    return `Code version marker${typeof data?.id === 'string' ? ` "${data.id}"` : ''}`;
  }
  return `Marker "${m.markerName}"`;
}

/** A manager-readable line for each workflow history event: what happened, not the protobuf. */
function describeEvent(event: HistoryEvent, activityNames: Map<number, string>): string {
  const e = event;
  if (e.workflowExecutionStartedEventAttributes) return `Incident workflow started (${e.workflowExecutionStartedEventAttributes.workflowType?.name})`;
  if (e.activityTaskScheduledEventAttributes) return `Scheduled step "${e.activityTaskScheduledEventAttributes.activityType?.name}"`;
  if (e.activityTaskStartedEventAttributes) return `Step "${activityNames.get(Number(e.activityTaskStartedEventAttributes.scheduledEventId))}" started (attempt ${e.activityTaskStartedEventAttributes.attempt})`;
  if (e.activityTaskCompletedEventAttributes) return `Step "${activityNames.get(Number(e.activityTaskCompletedEventAttributes.scheduledEventId))}" completed`;
  if (e.activityTaskFailedEventAttributes) return `Step "${activityNames.get(Number(e.activityTaskFailedEventAttributes.scheduledEventId))}" failed: ${e.activityTaskFailedEventAttributes.failure?.message}`;
  if (e.activityTaskTimedOutEventAttributes) return `Step "${activityNames.get(Number(e.activityTaskTimedOutEventAttributes.scheduledEventId))}" timed out`;
  if (e.timerStartedEventAttributes) return `Deadline timer set for ${seconds(e.timerStartedEventAttributes.startToFireTimeout)}`;
  if (e.timerFiredEventAttributes) return 'Deadline timer fired';
  if (e.timerCanceledEventAttributes) return 'Deadline timer cancelled (the awaited step happened in time)';
  if (e.workflowExecutionUpdateAcceptedEventAttributes) return `Accepted "${e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest?.input?.name}" request`;
  if (e.workflowExecutionUpdateCompletedEventAttributes) return 'Request completed';
  if (e.workflowExecutionSignaledEventAttributes) return `Received signal "${e.workflowExecutionSignaledEventAttributes.signalName}"`;
  if (e.startChildWorkflowExecutionInitiatedEventAttributes) return `Started child workflow "${e.startChildWorkflowExecutionInitiatedEventAttributes.workflowType?.name}" (${e.startChildWorkflowExecutionInitiatedEventAttributes.workflowId})`;
  if (e.childWorkflowExecutionStartedEventAttributes) return `Child workflow ${e.childWorkflowExecutionStartedEventAttributes.workflowExecution?.workflowId} running`;
  if (e.childWorkflowExecutionCompletedEventAttributes) return `Child workflow ${e.childWorkflowExecutionCompletedEventAttributes.workflowExecution?.workflowId} completed`;
  if (e.childWorkflowExecutionFailedEventAttributes) return `Child workflow ${e.childWorkflowExecutionFailedEventAttributes.workflowExecution?.workflowId} failed: ${e.childWorkflowExecutionFailedEventAttributes.failure?.message}`;
  if (e.workflowExecutionCompletedEventAttributes) return 'Incident workflow completed';
  if (e.workflowExecutionFailedEventAttributes) return `Incident workflow failed: ${e.workflowExecutionFailedEventAttributes.failure?.message}`;
  if (e.workflowExecutionContinuedAsNewEventAttributes) return 'Continued as a new run to keep history small';
  if (e.workflowExecutionTerminatedEventAttributes) return `Terminated: ${e.workflowExecutionTerminatedEventAttributes.reason}`;
  if (e.markerRecordedEventAttributes) return describeMarker(e.markerRecordedEventAttributes);
  if (e.upsertWorkflowSearchAttributesEventAttributes) return 'Search attributes updated (code version markers)';
  if (e.workflowTaskScheduledEventAttributes) return 'Workflow task scheduled';
  if (e.workflowTaskStartedEventAttributes) return 'Workflow task started';
  if (e.workflowTaskCompletedEventAttributes) return 'Workflow task completed';
  if (e.workflowTaskFailedEventAttributes) return `Workflow task failed: ${e.workflowTaskFailedEventAttributes.failure?.message}`;
  if (e.workflowTaskTimedOutEventAttributes) return 'Workflow task timed out (a worker stopped; another picks it up)';
  return typeName(e);
}

export function readableHistory(events: HistoryEvent[]): ReadableEvent[] {
  const activityNames = new Map<number, string>();
  return events.map((e) => {
    const id = Number(e.eventId);
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) activityNames.set(id, scheduled.activityType?.name ?? 'activity');
    return { id, time: toIso(e.eventTime), type: typeName(e), description: describeEvent(e, activityNames) };
  });
}
