import { forbiddenVendorMentions, type ForbiddenVendorName } from '../vendors/mentions';
import type { NearMissKind } from './near-misses';
import { mostlyRedacted, scrub, type RedactionConfig, type RedactionFinding, type ScrubbedText } from './redaction';

/**
 * The one gate every external dispatch passes (M5.5, M5.6): email, status page and status API,
 * webhooks, in-app notices. Each field is redacted on its own; one blocked field blocks the
 * whole message, because channels publish the same version together or not at all.
 */

/** What the gate applies: the company's redaction configuration (`config/gate.ts` loads the shipped one). */
export interface GatePolicy {
  redaction: RedactionConfig;
  /** Vendors whose contracts forbid naming them in public messages (M5.4), from the vendor registry. */
  forbiddenVendors?: ForbiddenVendorName[];
}

/** What leaves: subject, plain text and HTML, plus any further field a channel shows (a title). */
export interface ExternalContent {
  subject: string;
  text: string;
  html: string;
  [field: string]: string;
}

export interface GateFinding extends RedactionFinding {
  field: string;
}

export interface GateNearMiss {
  kind: Extract<NearMissKind, 'blocked-publication' | 'redacted-disclosure'>;
  details: { reasons: string[]; findings: { field: string; kind: string; original: string }[] };
}

export interface GateVerdict<C extends ExternalContent> {
  allowed: boolean;
  /** Redacted in every field; when not allowed it must not be sent, and is returned for the review only. */
  content: C;
  findings: GateFinding[];
  blockReasons: string[];
  nearMisses: GateNearMiss[];
}

export function passExternalGate<C extends ExternalContent>(content: C, policy: GatePolicy): GateVerdict<C> {
  const out: Record<string, string> = {};
  const findings: GateFinding[] = [];
  const blockReasons: string[] = [];
  const parts: ScrubbedText[] = [];
  for (const [field, value] of Object.entries(content)) {
    const r = scrub(value, policy.redaction);
    parts.push(r);
    out[field] = r.text;
    findings.push(...r.findings.map((f) => ({ ...f, field })));
    blockReasons.push(...r.blockReasons.map((reason) => `${field}: ${reason}`));
    for (const m of forbiddenVendorMentions([value], policy.forbiddenVendors ?? [])) {
      blockReasons.push(`${field}: names the vendor "${m.name}" (${m.vendorId}), whose contract forbids naming it in public messages`);
    }
  }
  // A short subject that loses a hostname is still a subject; the message as a whole must survive.
  const tooMuch = mostlyRedacted(parts, policy.redaction);
  if (tooMuch) blockReasons.push(tooMuch);
  const allowed = blockReasons.length === 0;
  const summary = findings.map(({ field, kind, original }) => ({ field, kind, original }));
  const nearMisses: GateNearMiss[] = !allowed
    ? [{ kind: 'blocked-publication', details: { reasons: blockReasons, findings: summary } }]
    : findings.length
      ? [{ kind: 'redacted-disclosure', details: { reasons: [], findings: summary } }]
      : [];
  return { allowed, content: out as C, findings, blockReasons, nearMisses };
}

/**
 * What the gate would do to a draft's text (`POST /v1/lint` shows it): the same pass as a
 * dispatch, so lint and every channel find exactly the same things. Positions and kinds only; the
 * secrets themselves are not echoed.
 */
export function previewGate(text: string, policy: GatePolicy) {
  const verdict = passExternalGate({ subject: '', text, html: '' }, policy);
  return {
    sensitive: verdict.findings.map(({ kind, start, end }) => ({ kind, start, end })),
    redacted: verdict.content.text,
    blocked: !verdict.allowed,
    blockReasons: verdict.blockReasons,
  };
}
