import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, patched, proxyActivities, sleep, startChild } from '@temporalio/workflow';
import type { HeraldActivities } from '../activities';
import type { SurveyRoundResult } from '../activities/surveys';
import { iso } from '../domain/incident/deadlines';
import { surveyRequestFor, surveyWorkflowId, type SurveyRequest } from '../domain/surveys/policy';
import type { IncidentState } from './incident-state';

export interface SurveyOutcome {
  invitation: SurveyRoundResult;
  reminder?: SurveyRoundResult;
}

// A blocked survey (the gate refused its words) is not retried: the same words would be refused again.
const { sendSurveys } = proxyActivities<HeraldActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['PublicationBlocked'] },
});

/**
 * One resolved incident's survey (M6.3), beside the incident that started it and outliving it:
 * the playbook's delay after the resolution, the invitation to the key-account contacts that
 * were emailed, the reminder delay, and one reminder to those who have not answered.
 */
export async function surveyWorkflow(req: SurveyRequest): Promise<SurveyOutcome> {
  const { afterMs, reminderAfterMs, ...round } = req;
  await sleep(afterMs);
  const invitation = await sendSurveys({ ...round, round: 'invitation', at: iso(Date.now()) });
  if (invitation.contacts === 0) return { invitation };
  await sleep(reminderAfterMs);
  const reminder = await sendSurveys({ ...round, round: 'reminder', at: iso(Date.now()) });
  return { invitation, reminder };
}

/**
 * At close, the incident starts its survey when its playbook has one (never for a drill). The
 * child is abandoned, so the incident closes now and the survey keeps its own timers. Added
 * after the baseline, behind a patch: histories recorded before it start no child.
 */
export async function startSurvey(s: IncidentState): Promise<void> {
  const req = surveyRequestFor(s.incident, s.snapshot().playbook.body.survey);
  if (!req || !patched('post-incident-survey')) return;
  try {
    await startChild(surveyWorkflow, { workflowId: surveyWorkflowId(s.id), args: [req], parentClosePolicy: ParentClosePolicy.ABANDON });
  } catch (err) {
    // A survey of this incident runs already (the close ran again after a reset): one survey is enough.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
