import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { alertRules, alertSecret, noticeSender, unmappedAlertRecipients } from '../../config/alerts';
import {
  AlertmanagerPayloadSchema,
  alertFromGeneric,
  maxAlertOccurrences,
  recurringAlertIncidentId,
  alertsFromAlertmanager,
  componentsByService,
  GenericAlertSchema,
  incidentFromAlert,
  mapAlert,
  verifyAlertSignature,
  type ReceivedAlert,
  type ServiceComponents,
} from '../../domain/alerts';
import { workflowIdFor } from '../../domain/incident';
import { componentStatuses } from '../../domain/status-page';
import { clearMarkers, setMarkers } from '../../store/component-markers';
import { listUnmappedAlerts, recordUnmappedAlert, type UnmappedAlertDoc } from '../../store/unmapped-alerts';
import { alertSignal, type AlertNotice } from '../../workflows/messages';
import type { incidentWorkflow } from '../../workflows/incident';
import { ruleRegimes } from './regulatory';
import { searchAttributesFor } from '../../workflows/search-attributes';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { defineRoute, type Route } from '../route';
import { currentLog } from '../../observability/log';

const outcomes = ['opened', 'joined', 'recorded', 'ignored', 'closed', 'unmapped', 'marked'] as const;
type Outcome = (typeof outcomes)[number];

const AlertOutcome = z.object({
  fingerprint: z.string(),
  status: z.enum(['firing', 'resolved']),
  incidentId: z.string(),
  workflowId: z.string(),
  outcome: z.enum(outcomes).describe(
    'opened: a new incident; joined: signalled the open one; recorded: a resolved alert noted on the open incident; ' +
      'ignored: resolved, with no open incident; closed: the incident was already resolved; unmapped: no known component (recorded at GET /v1/alerts/unmapped, operators told once); ' +
      'marked: the rule only marks components (openIncident false), so no incident was opened',
  ),
  rule: z.string(),
  unknownComponents: z.array(z.string()).optional(),
  markers: z
    .array(z.object({ componentId: z.string(), status: z.enum(componentStatuses) }))
    .optional()
    .describe('Component statuses this firing alert set by itself (M3.1): shown on the status page, with no text'),
  markersCleared: z.number().optional().describe('Markers this resolved alert removed'),
});
type AlertOutcome = z.infer<typeof AlertOutcome>;

const Received = z.object({
  incidents: z.array(z.string()).describe('Incidents opened or joined by this delivery'),
  alerts: z.array(AlertOutcome),
});
const responses = { 202: { description: 'Received; each alert opened, joined or was recorded on an incident', schema: Received } };
const errors = { 401: 'Missing or wrong signature / shared secret' };

function verifyRequest(req: { headers: Record<string, string | string[] | undefined>; rawBody?: Buffer }): void {
  const verdict = verifyAlertSignature(req.headers, req.rawBody, alertSecret());
  if (!verdict.ok) throw new HttpError(401, verdict.reason);
}

type Occurrence = { incidentId: string; workflowId: string; state: 'running' | 'free' | 'none' };

/**
 * The incident an alert's fingerprint belongs to now: the running occurrence of its problem, or
 * else the next free one (the first, or a recurrence after the last was resolved); 'none' past
 * the last occurrence that may open.
 */
async function currentOccurrence(deps: ApiDeps, fingerprint: string): Promise<Occurrence> {
  for (let n = 1; n <= maxAlertOccurrences; n++) {
    const incidentId = recurringAlertIncidentId(fingerprint, n);
    const workflowId = workflowIdFor(incidentId);
    try {
      if ((await deps.temporal.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING') return { incidentId, workflowId, state: 'running' };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { incidentId, workflowId, state: 'free' };
      throw err;
    }
  }
  const incidentId = recurringAlertIncidentId(fingerprint, maxAlertOccurrences);
  return { incidentId, workflowId: workflowIdFor(incidentId), state: 'none' };
}

/**
 * One alert into its incident. A firing alert opens the incident or joins it in one atomic call
 * (signal-with-start), so repeats never open a second workflow; a resolved alert is only noted
 * on an incident that is still open, and never resolves it.
 */
async function receive(deps: ApiDeps, alert: ReceivedAlert, receivedAt: string, model: ServiceModel): Promise<AlertOutcome> {
  const mapping = mapAlert(alertRules(), alert, model.services);
  let { incidentId, workflowId, state } = await currentOccurrence(deps, alert.fingerprint);
  const result = (outcome: Outcome, extra: Partial<AlertOutcome> = {}): AlertOutcome => ({
    fingerprint: alert.fingerprint, status: alert.status, incidentId, workflowId, outcome, rule: mapping.rule, ...extra,
  });
  const components = mapping.components.filter((c) => model.components.has(c));
  const unknownComponents = mapping.components.filter((c) => !components.includes(c));
  const unknown = unknownComponents.length ? { unknownComponents } : {};
  const notice: AlertNotice = {
    source: alert.source, fingerprint: alert.fingerprint, status: alert.status, alertName: alert.alertName,
    severity: mapping.severity, components, receivedAt, labels: alert.labels,
  };

  if (alert.status === 'resolved') {
    // Monitoring lifts its own markers; the incident's words stay with the people writing them.
    const cleared = await clearMarkers(deps.store.models, alert.fingerprint);
    const extra = { ...unknown, ...(cleared ? { markersCleared: cleared } : {}) };
    try {
      await deps.temporal.workflow.getHandle(workflowId).signal(alertSignal, notice);
      return result('recorded', extra);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return result('ignored', extra);
      throw err;
    }
  }

  if (!components.length) {
    await recordUnmapped(deps, alert, { rule: mapping.rule, unknownComponents, at: new Date(receivedAt) });
    return result('unmapped', unknown);
  }
  const marked = mapping.componentStatus
    ? await setMarkers(deps.store.models, {
      fingerprint: alert.fingerprint, status: mapping.componentStatus, components, source: alert.source,
      alertName: alert.alertName, rule: mapping.rule, at: new Date(receivedAt),
    })
    : [];
  const markers = marked.length ? { markers: marked.map((m) => ({ componentId: m.componentId, status: m.status })) } : {};
  if (mapping.openIncident === false) return result('marked', { ...unknown, ...markers });
  // The occurrence may close between the look and the start: then the next one is looked for once more.
  for (let attempt = 0; attempt < 2 && state !== 'none'; attempt++) {
    const incident = { ...incidentFromAlert(alert, { ...mapping, components }, receivedAt), id: incidentId };
    try {
      await deps.temporal.workflow.signalWithStart<typeof incidentWorkflow, [AlertNotice]>('incidentWorkflow', {
        workflowId,
        taskQueue: deps.taskQueue,
        // As a declared incident: the regimes a playbook rule may start (X3).
        args: [incident, undefined, { regimes: ruleRegimes() }],
        typedSearchAttributes: searchAttributesFor({ ...incident, status: 'drafting', drill: false }),
        signal: alertSignal,
        signalArgs: [notice],
        // A resolved incident stays closed; its audit chain is never restarted under the same ID.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      return result(state === 'running' ? 'joined' : 'opened', { ...unknown, ...markers });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      ({ incidentId, workflowId, state } = await currentOccurrence(deps, alert.fingerprint));
    }
  }
  return result('closed', { ...unknown, ...markers });
}

/** The service model as the mapping needs it: known components, and each service's components. */
interface ServiceModel {
  components: Set<string>;
  services: ServiceComponents;
}

/**
 * An alert that maps to no known component is recorded (GET /v1/alerts/unmapped), and the first
 * delivery of its fingerprint tells the configured operators, since Alertmanager drops our answer.
 * A notice that fails to send is retried by the next delivery.
 */
async function recordUnmapped(deps: ApiDeps, alert: ReceivedAlert, why: { rule: string; unknownComponents: string[]; at: Date }): Promise<void> {
  const { UnmappedAlert } = deps.store.models;
  await recordUnmappedAlert(deps.store.models, {
    fingerprint: alert.fingerprint, source: alert.source, alertName: alert.alertName, title: alert.title, labels: alert.labels,
    rule: why.rule, unknownComponents: why.unknownComponents, at: why.at,
  });
  const to = unmappedAlertRecipients();
  if (!to.length) return;
  const claimed = await UnmappedAlert.updateOne({ _id: alert.fingerprint, noticeSentAt: null }, { $set: { noticeSentAt: why.at } });
  if (claimed.modifiedCount !== 1) return;
  const labels = Object.entries(alert.labels).map(([k, v]) => `  ${k}="${v}"`).join('\n');
  const reason = why.unknownComponents.length
    ? `its components are not in the service model: ${why.unknownComponents.join(', ')}`
    : 'no component, service or rule names a component for it';
  try {
    await deps.mailer.sendMail({
      from: noticeSender(), to,
      subject: `Herald: an alert maps to no component (${alert.alertName})`,
      text: [
        `Herald received the alert "${alert.title}" from ${alert.source} and opened no incident: ${reason} (rule "${why.rule}").`,
        '', `Fingerprint: ${alert.fingerprint}`, 'Labels:', labels, '',
        'Add a component or service label the service model knows, or a rule in the alert rules (HERALD_ALERT_RULES_FILE).',
        `Every unmapped alert, with how often it arrived: GET ${deps.publicUrl}/v1/alerts/unmapped. This is the only notice for this fingerprint.`,
      ].join('\n'),
    });
  } catch (err) {
    await UnmappedAlert.updateOne({ _id: alert.fingerprint }, { $unset: { noticeSentAt: 1 } });
    currentLog().warn({ err, fingerprint: alert.fingerprint }, 'the unmapped-alert notice was not sent');
  }
}

/** Alerts one by one, in the order sent, so two alerts for one fingerprint in a delivery open one incident. */
async function receiveAll(deps: ApiDeps, alerts: ReceivedAlert[]) {
  const receivedAt = new Date().toISOString();
  const known = await deps.store.models.Component.find({}, { _id: 0, componentId: 1, service: 1 }).lean<{ componentId: string; service?: string }[]>();
  const model: ServiceModel = { components: new Set(known.map((c) => c.componentId)), services: componentsByService(known) };
  const results: AlertOutcome[] = [];
  for (const alert of alerts) results.push(await receive(deps, alert, receivedAt, model));
  const incidents = [...new Set(results.filter((r) => r.outcome === 'opened' || r.outcome === 'joined').map((r) => r.incidentId))];
  return { status: 202, body: { incidents, alerts: results } };
}

const UnmappedAlertView = z.object({
  fingerprint: z.string(),
  source: z.string(),
  alertName: z.string(),
  title: z.string(),
  labels: z.record(z.string(), z.string()),
  rule: z.string().describe('The rule that matched, or "default"'),
  unknownComponents: z.array(z.string()).describe('Components the alert named that the service model does not know'),
  count: z.number().int().describe('Deliveries of this fingerprint'),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  noticeSentAt: z.string().optional().describe('When the operators were told (once per fingerprint)'),
});
const UnmappedList = z.object({
  fingerprints: z.number().int().describe('Unmapped fingerprints recorded'),
  deliveries: z.number().int().describe('Unmapped deliveries counted over all of them'),
  alerts: z.array(UnmappedAlertView),
});

function unmappedView(d: UnmappedAlertDoc): z.infer<typeof UnmappedAlertView> {
  return {
    fingerprint: d._id, source: d.source, alertName: d.alertName, title: d.title, labels: d.labels, rule: d.rule,
    unknownComponents: d.unknownComponents ?? [], count: d.count, firstSeenAt: new Date(d.firstSeenAt).toISOString(),
    lastSeenAt: new Date(d.lastSeenAt).toISOString(), ...(d.noticeSentAt ? { noticeSentAt: new Date(d.noticeSentAt).toISOString() } : {}),
  };
}

const signed = 'Authenticated by `X-Herald-Signature: sha256=<HMAC-SHA256 of the raw body>` or `Authorization: Bearer <shared secret>` (HERALD_ALERT_SECRET), not by an API key.';

export const alertRoutes: Route[] = [
  defineRoute({
    method: 'post',
    path: '/v1/alerts/alertmanager',
    summary: `Prometheus Alertmanager webhook (version 4): opens or joins one incident per alert fingerprint. ${signed}`,
    tags: ['alerts'],
    verifyRequest,
    body: AlertmanagerPayloadSchema,
    responses,
    errors,
    async handler({ body, deps }) {
      return receiveAll(deps, alertsFromAlertmanager(body));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/alerts/generic',
    summary: `A generic JSON alert: opens or joins the incident for its fingerprint. ${signed}`,
    tags: ['alerts'],
    verifyRequest,
    body: GenericAlertSchema,
    responses,
    errors,
    async handler({ body, deps }) {
      return receiveAll(deps, [alertFromGeneric(body)]);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/alerts/unmapped',
    summary: 'Alerts that mapped to no known component and opened no incident, one entry per fingerprint, most recently seen first (M1.3)',
    tags: ['alerts'],
    roles: ['manager', 'admin'],
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
    responses: { 200: { description: 'Unmapped alerts', schema: UnmappedList } },
    async handler({ query, deps }) {
      const { fingerprints, deliveries, alerts } = await listUnmappedAlerts(deps.store.models, query.limit);
      return { body: { fingerprints, deliveries, alerts: alerts.map(unmappedView) } };
    },
  }),
];
