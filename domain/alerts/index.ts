import { constantTimeEqual, hmacSha256, sha256Bytes, sha256Hex } from '../audit/sha256';
import { z } from 'zod';
import { canonicalJson } from '../audit/canonical-json';
import { categories, severities, type Category, type IncidentInput, type Severity } from '../incident';
import { componentStatuses, type ComponentStatus } from '../status-page';

/**
 * Alerts (M1.3, M3.1): what monitoring sends (Alertmanager webhooks, a generic JSON alert), how
 * its signature is checked, and how label rules map an alert to an incident (category, severity,
 * components) or only to a component's status marker. The incident ID is a function of the
 * alert's fingerprint, so repeats of one alert join one incident.
 */

const labelSet = z.record(z.string(), z.string());
// Alertmanager writes Go timestamps: nanoseconds, any offset, and 0001-01-01 for "no end yet".
const goTime = z.iso.datetime({ offset: true });
const alertStatus = z.enum(['firing', 'resolved']);

export const AlertmanagerAlertSchema = z.object({
  status: alertStatus,
  labels: labelSet,
  annotations: labelSet.default({}),
  startsAt: goTime,
  endsAt: goTime,
  generatorURL: z.string(),
  fingerprint: z.string().min(1).max(256),
});

/** Prometheus Alertmanager's webhook payload, version 4. */
export const AlertmanagerPayloadSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().nonnegative().default(0),
  status: alertStatus,
  receiver: z.string(),
  groupLabels: labelSet,
  commonLabels: labelSet,
  commonAnnotations: labelSet,
  externalURL: z.string(),
  alerts: z.array(AlertmanagerAlertSchema).min(1).max(1000),
});
export type AlertmanagerPayload = z.infer<typeof AlertmanagerPayloadSchema>;

/** A monitoring alert from any sender that can post JSON. */
export const GenericAlertSchema = z.object({
  fingerprint: z.string().min(1).max(256).optional().describe('Identifies the problem across repeats; derived from title and labels when absent'),
  title: z.string().trim().min(3).max(200),
  description: z.string().trim().min(1).max(5000).optional(),
  severity: z.enum(severities).optional().describe('Overrides the mapping rules'),
  status: alertStatus,
  labels: labelSet.default({}),
  components: z.array(z.string().min(1).max(100)).min(1).max(200).optional().describe('Overrides the mapping rules'),
});
export type GenericAlert = z.infer<typeof GenericAlertSchema>;

/** An alert in one shape, whichever sender it came from. */
export interface ReceivedAlert {
  source: 'alertmanager' | 'generic';
  fingerprint: string;
  status: 'firing' | 'resolved';
  alertName: string;
  title: string;
  summary: string;
  labels: Record<string, string>;
  severity?: Severity;
  components?: string[];
  startsAt?: string;
}

export function alertsFromAlertmanager(payload: AlertmanagerPayload): ReceivedAlert[] {
  return payload.alerts.map((a) => {
    const alertName = a.labels.alertname ?? payload.commonLabels.alertname ?? 'alert';
    const title = (a.annotations.summary ?? payload.commonAnnotations.summary ?? `Alert: ${alertName}`).slice(0, 200);
    return {
      source: 'alertmanager',
      fingerprint: a.fingerprint,
      status: a.status,
      alertName,
      title: title.length >= 3 ? title : `Alert: ${alertName}`,
      summary: a.annotations.description ?? payload.commonAnnotations.description ?? title,
      labels: a.labels,
      startsAt: a.startsAt,
    };
  });
}

export function alertFromGeneric(alert: GenericAlert): ReceivedAlert {
  return {
    source: 'generic',
    fingerprint: alert.fingerprint ?? sha256Hex(canonicalJson({ title: alert.title, labels: alert.labels })),
    status: alert.status,
    alertName: alert.labels.alertname ?? alert.title,
    title: alert.title,
    summary: alert.description ?? alert.title,
    labels: alert.labels,
    severity: alert.severity,
    components: alert.components,
  };
}

/** Repeats of one alert always land on one incident: its ID is a function of the fingerprint alone. */
export function alertIncidentId(fingerprint: string): string {
  return `ALERT-${sha256Hex(fingerprint).slice(0, 16)}`;
}

/**
 * The incident of the n-th occurrence of an alert's problem: once the first incident is resolved,
 * the same alert firing again opens the next one (a recurrence, M7.5), never reopens a closed one.
 */
export function recurringAlertIncidentId(fingerprint: string, occurrence: number): string {
  return occurrence <= 1 ? alertIncidentId(fingerprint) : `${alertIncidentId(fingerprint)}-${occurrence}`;
}

/** How many occurrences of one alert's problem get an incident each; later firings are recorded as closed. */
export const maxAlertOccurrences = 100;

/** One label matcher as Alertmanager writes them: `name="value"`, `!=`, `=~` and `!~` (regexes fully anchored). */
export interface LabelMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
  /** The anchored expression of a regex matcher. */
  regex?: RegExp;
}

const matcherPattern = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/;

/**
 * Parses a matcher the way Alertmanager's configuration does: the value may be double-quoted
 * (with `\"`, `\\` and `\n` escapes) or bare; a regex must match the whole value, so
 * `severity=~"crit|page"` matches "page" but not "paging". A missing label has the value "".
 */
export function parseMatcher(source: string): LabelMatcher {
  const m = matcherPattern.exec(source);
  if (!m) throw new Error(`"${source}" is not a matcher such as severity="critical", env!="staging", service=~"api|web"`);
  const [, name, op, raw] = m as unknown as [string, string, LabelMatcher['op'], string];
  let value = raw;
  if (raw.startsWith('"')) {
    const closingEscaped = (/(\\*)"$/.exec(raw.slice(1))?.[1].length ?? 1) % 2 === 1;
    if (raw.length < 2 || !raw.endsWith('"') || closingEscaped) throw new Error(`"${source}": the quoted value is not closed`);
    value = raw.slice(1, -1).replace(/\\(["\\n])/g, (_x, c: string) => (c === 'n' ? '\n' : c));
  }
  if (op === '=~' || op === '!~') {
    try {
      return { name, op, value, regex: new RegExp(`^(?:${value})$`, 'u') };
    } catch (err) {
      throw new Error(`"${source}": not a valid regular expression (${(err as Error).message})`);
    }
  }
  return { name, op, value };
}

export function matcherMatches(m: LabelMatcher, labels: Record<string, string>): boolean {
  const v = labels[m.name] ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return m.regex!.test(v);
    case '!~':
      return !m.regex!.test(v);
  }
}

const Matcher = z.string().transform((source, ctx) => {
  try {
    return parseMatcher(source);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

export const AlertRulesSchema = z.object({
  rules: z.array(
    z.object({
      name: z.string().min(1),
      match: labelSet.default({}).describe('Every label named here must have exactly this value'),
      matchers: z
        .array(Matcher)
        .default([])
        .describe('Alertmanager label matchers (=, !=, =~, !~; regexes fully anchored), e.g. severity=~"critical|page"; all must hold'),
      category: z.enum(categories),
      severity: z.enum(severities).optional(),
      components: z.array(z.string().min(1)).min(1).optional(),
      componentStatus: z
        .enum(componentStatuses)
        .optional()
        .describe("A firing alert marks each of its components with this status until it resolves (M3.1); the marker writes no text"),
      openIncident: z
        .boolean()
        .optional()
        .describe('false: the alert only sets its markers and opens no incident, leaving the words to people (default true)'),
    }),
  ),
  severityLabel: z.string().default('severity'),
  severityByLabel: z.record(z.string(), z.enum(severities)).default({}),
  componentLabels: z.array(z.string()).default(['component']),
  serviceLabels: z
    .array(z.string())
    .default(['service'])
    .describe("Labels that name a service of the service model (Component.service): the alert maps to that service's components"),
  defaults: z.object({ category: z.enum(categories), severity: z.enum(severities) }),
});
export type AlertRules = z.infer<typeof AlertRulesSchema>;

export interface AlertMapping {
  category: Category;
  severity: Severity;
  components: string[];
  /** The rule that matched, or "default". */
  rule: string;
  /** The status a firing alert marks its components with (M3.1); absent when the rule names none. */
  componentStatus?: ComponentStatus;
  /** false when the rule only marks components and opens no incident. */
  openIncident?: false;
}

/** The service model as alert mapping sees it: which components each service has. */
export type ServiceComponents = Record<string, string[]>;

/** Groups components by their service (Component.service). */
export function componentsByService(components: readonly { componentId: string; service?: string }[]): ServiceComponents {
  const out: ServiceComponents = {};
  for (const c of components) if (c.service) (out[c.service] ??= []).push(c.componentId);
  return out;
}

const listed = (labels: Record<string, string>, names: readonly string[]) =>
  names.flatMap((l) => (labels[l] ?? '').split(',')).map((c) => c.trim()).filter(Boolean);

/**
 * Category, severity and components for an alert. The first rule whose `match` labels and
 * `matchers` all hold decides the category. Severity: what the sender stated, else the rule's,
 * else the severity label translated, else the default. Components: what the sender listed, else
 * the component labels (comma-separated), else the components of the services the service labels
 * name, else the rule's. A service the model does not know maps to nothing (the alert is unmapped).
 */
export function mapAlert(rules: AlertRules, alert: ReceivedAlert, services: ServiceComponents = {}): AlertMapping {
  const rule = rules.rules.find(
    (r) => Object.entries(r.match).every(([k, v]) => alert.labels[k] === v) && r.matchers.every((m) => matcherMatches(m, alert.labels)),
  );
  const fromLabels = listed(alert.labels, rules.componentLabels);
  const fromServices = listed(alert.labels, rules.serviceLabels).flatMap((svc) => services[svc] ?? []);
  const components = alert.components ?? (fromLabels.length ? fromLabels : fromServices.length ? fromServices : (rule?.components ?? []));
  return {
    category: rule?.category ?? rules.defaults.category,
    severity: alert.severity ?? rule?.severity ?? rules.severityByLabel[alert.labels[rules.severityLabel] ?? ''] ?? rules.defaults.severity,
    components: [...new Set(components)],
    rule: rule?.name ?? 'default',
    ...(rule?.componentStatus ? { componentStatus: rule.componentStatus } : {}),
    ...(rule?.openIncident === false ? { openIncident: false as const } : {}),
  };
}

/** The incident a firing alert opens: detected when the alert started firing, declared by the monitoring source. */
export function incidentFromAlert(alert: ReceivedAlert, mapping: AlertMapping, receivedAt: string): IncidentInput {
  const started = alert.startsAt ? Date.parse(alert.startsAt) : NaN;
  const detectedAt = Number.isFinite(started) && started <= Date.parse(receivedAt) ? new Date(started).toISOString() : receivedAt;
  return {
    id: alertIncidentId(alert.fingerprint),
    title: alert.title,
    category: mapping.category,
    severity: mapping.severity,
    components: mapping.components,
    summary: alert.summary.slice(0, 5000),
    declaredBy: alert.source,
    detectedAt,
  };
}

export type SignatureVerdict = { ok: true; method: 'bearer' | 'hmac' } | { ok: false; reason: string };

function sameSecret(a: string, b: string): boolean {
  // Digests first, so the comparison takes the same time whatever the lengths.
  return constantTimeEqual(sha256Bytes(a), sha256Bytes(b));
}

/**
 * Accepts `X-Herald-Signature: sha256=<hex HMAC-SHA256 of the raw body>` or
 * `Authorization: Bearer <shared secret>`; both compared in constant time.
 */
export function verifyAlertSignature(
  headers: Record<string, string | string[] | undefined>,
  rawBody: Buffer | undefined,
  secret: string,
): SignatureVerdict {
  const signature = headers['x-herald-signature'];
  if (typeof signature === 'string') {
    const m = /^sha256=([0-9a-fA-F]{64})$/.exec(signature.trim());
    if (!m) return { ok: false, reason: 'X-Herald-Signature must be "sha256=<64 hex digits>"' };
    const expected = hmacSha256(secret, rawBody ?? new Uint8Array(0));
    return constantTimeEqual(expected, Buffer.from(m[1], 'hex'))
      ? { ok: true, method: 'hmac' }
      : { ok: false, reason: 'the signature does not match the body' };
  }
  const auth = headers['authorization'];
  if (typeof auth === 'string' && /^bearer /i.test(auth)) {
    return sameSecret(auth.slice(7).trim(), secret)
      ? { ok: true, method: 'bearer' }
      : { ok: false, reason: 'the shared secret is not valid' };
  }
  return { ok: false, reason: 'a signature (X-Herald-Signature) or the shared secret (Authorization: Bearer) is required' };
}
