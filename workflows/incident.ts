import { ApplicationFailure, allHandlersFinished, condition, continueAsNew, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import type { IncidentInput } from '../domain/incident';
import { Refusal } from '../domain/incident/refusals';
import { IncidentState, type IncidentData } from './incident-state';
import { declaringView } from './incident-view';
import { ReadModel } from './incident-read-model';
import { drain, local, record } from './incident-work';
import { startSurvey } from './survey';
import { recordFilingUpdate, startRegulatoryClockUpdate } from './regulatory-updates';
import { obligationDoneUpdate, recordVendorUpdate, sendObligationNoticeUpdate } from './vendor-messages';
import type { ResolvedRegime } from '../domain/regulatory/types';
import {
  acknowledgeHandoffUpdate,
  alertSignal,
  approveUpdate,
  assignRoleUpdate,
  changeClassificationUpdate,
  confirmRootCauseUpdate,
  editDraftUpdate,
  endBlackoutUpdate,
  handOffUpdate,
  incidentStateQuery,
  internalUpdateUpdate,
  publishUpdate,
  recordDecisionUpdate,
  requestBriefingUpdate,
  resolveUpdate,
  startBlackoutUpdate,
  technicalReviewUpdate,
  versionBodiesQuery,
  versionsQuery,
  type IncidentView,
} from './messages';

/** Past this many events a run hands its state to a fresh run (well under Temporal's limits). */
const defaultHistoryEventBudget = 2_000;

/** How a run behaves, carried over continue-as-new; tests lower the budget to cross runs sooner. */
export interface IncidentRunOptions {
  historyEventBudget?: number;
  /** The regimes whose playbook rule may start a regulatory clock by itself (X3), from config/regimes/ as the API read them. */
  regimes?: ResolvedRegime[];
}

/**
 * Runs a validator's check and turns the incident's Refusal into the ApplicationFailure of that
 * type the caller gets. Validators run before anything is written to history: a refusal leaves no trace.
 */
function refusing(check: () => void): void {
  try {
    check();
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    throw ApplicationFailure.create({ type: err.type, message: err.message, details: err.details === undefined ? undefined : [err.details] });
  }
}

function registerHandlers(s: IncidentState): void {
  const open = { validator: (..._args: unknown[]) => refusing(() => s.refuseWhenClosed()) };
  setHandler(incidentStateQuery, () => s.view());
  setHandler(versionsQuery, () => s.versions());
  setHandler(versionBodiesQuery, (range) => s.versionBodies(range));
  setHandler(alertSignal, (alert) => s.joinAlert(alert));
  setHandler(approveUpdate, (req) => s.approve(req), { validator: (req) => refusing(() => s.refuseApproval(req)) });
  setHandler(editDraftUpdate, (edit) => s.editDraft(edit), { validator: (edit) => refusing(() => s.refuseEdit(edit)) });
  setHandler(publishUpdate, (req) => s.publish(req), { validator: (req) => refusing(() => s.refusePublication(req)) });
  setHandler(resolveUpdate, (req) => s.resolve(req), { validator: (req) => refusing(() => s.refuseResolution(req)) });
  setHandler(assignRoleUpdate, (a) => s.assignRole(a), open);
  setHandler(handOffUpdate, (h) => s.handOff(h), { validator: (h) => refusing(() => s.refuseHandoff(h)) });
  setHandler(acknowledgeHandoffUpdate, (ack) => s.acknowledgeHandoff(ack), { validator: (ack) => refusing(() => s.refuseAcknowledgement(ack)) });
  setHandler(recordDecisionUpdate, (x) => s.recordDecision(x), open);
  setHandler(startBlackoutUpdate, (b) => s.startBlackout(b), { validator: (b) => refusing(() => s.refuseBlackout(b)) });
  setHandler(endBlackoutUpdate, (req) => s.endBlackout(req), { validator: (req) => refusing(() => s.refuseEndBlackout(req)) });
  setHandler(changeClassificationUpdate, (c) => s.changeClassification(c), open);
  setHandler(internalUpdateUpdate, (u) => s.postInternalUpdate(u), open);
  setHandler(requestBriefingUpdate, (req) => s.requestBriefing(req), open);
  setHandler(confirmRootCauseUpdate, (c) => s.confirmRootCause(c), open);
  setHandler(technicalReviewUpdate, (r) => s.technicalReview(r), { validator: (r) => refusing(() => s.refuseReview(r)) });
  setHandler(startRegulatoryClockUpdate, (r) => s.startRegulatoryClock(r), { validator: (r) => refusing(() => s.refuseRegulatoryStart(r)) });
  setHandler(recordFilingUpdate, (f) => s.recordRegulatoryFiling(f), { validator: (f) => refusing(() => s.refuseRegulatoryFiling(f)) });
  // Vendor obligations (M5.4); met and sent after the resolution too, while their timers run.
  setHandler(recordVendorUpdate, (v) => {
    // Added after the baseline: a run from before it has no vendor obligations to track.
    if (!patched('vendor-obligations')) throw ApplicationFailure.create({ type: 'VendorObligationsUnavailable', message: 'this incident runs code from before vendor obligations' });
    return s.vendors.record(v);
  }, { validator: (v) => refusing(() => s.vendors.refuseRecord(v)) });
  setHandler(obligationDoneUpdate, (r) => s.vendors.done(r), { validator: (r) => refusing(() => s.vendors.refuseDone(r)) });
  setHandler(sendObligationNoticeUpdate, (r) => s.vendors.sendNotice(r), { validator: (r) => refusing(() => s.vendors.refuseNotice(r)) });
}

/** The first run: the playbook, the first draft, and the incident declared. */
async function declare(input: IncidentInput, options: IncidentRunOptions): Promise<IncidentState> {
  setHandler(incidentStateQuery, () => declaringView(input));
  const playbook = await local.resolvePlaybook({ category: input.category, severity: input.severity, scope: input.scope ?? 'single', components: input.components });
  const s = IncidentState.start(input, playbook);
  registerHandlers(s);
  s.declared(await local.draftMessage(s.firstDraftRequest()), playbook.reviewers ?? []);
  // Added after the baseline: histories recorded before it have no recurrence lookup.
  if (patched('recurrence-detection')) s.recurrenceFound(await local.findRecurrence(s.recurrenceProbe()));
  // Added after the baseline: histories recorded before it keep no regulatory clocks (X3).
  if (patched('regulatory-clocks')) s.enableRegulatoryClocks(options.regimes ?? []);
  return s;
}

/**
 * One incident's communication, from declaration until its closing message is out: handlers
 * change the incident, the loop does the work they queue, brings the read model up to date,
 * sleeps until the next deadline and hands over to a fresh run before the history grows large.
 */
export async function incidentWorkflow(input: IncidentInput, carried?: IncidentData, options: IncidentRunOptions = {}): Promise<IncidentView> {
  const historyEventBudget = options.historyEventBudget ?? defaultHistoryEventBudget;
  let s: IncidentState;
  if (carried) {
    s = IncidentState.resume(carried);
    registerHandlers(s);
  } else {
    s = await declare(input, options);
  }
  const readModel = new ReadModel(s);

  for (;;) {
    await drain(s);
    if (s.resolutionPublished) break;
    s.pruneDeadlines();
    const info = workflowInfo();
    // Only when it may: a run that may not hand over yet (work queued, a resolution under way) waits
    // as usual; looping back here would spin without yielding and crash the worker's workflow thread.
    if ((info.continueAsNewSuggested || info.historyLength > historyEventBudget) && s.mayContinueAsNew) {
      await condition(allHandlersFinished);
      if (s.mayContinueAsNew) await continueAsNew<typeof incidentWorkflow>(input, s.snapshot(), options);
      continue;
    }
    s.settle();
    readModel.follow();
    const next = s.nextDeadline();
    const woke = next ? await condition(() => s.dirty, Math.max(1, next.dueAt - Date.now())) : (await condition(() => s.dirty), true);
    if (!woke || (next && next.dueAt <= Date.now())) s.fireDue();
  }

  await record(s, s.close());
  await startSurvey(s);
  await readModel.last();
  // A regulatory deadline may fall after the resolution: its timers keep running until they fired or were met.
  while (s.regulatoryTimersOpen) {
    s.settle();
    const next = s.nextDeadline()!;
    const woke = await condition(() => s.dirty, Math.max(1, next.dueAt - Date.now()));
    if (!woke || next.dueAt <= Date.now()) s.fireDue();
    await drain(s);
  }
  await condition(allHandlersFinished);
  return s.view();
}
