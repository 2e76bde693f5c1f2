import type { GatePolicy } from '../domain/gate';
import { lintOptionsFor, type Glossary, type LintOptions } from '../domain/gate/plain-language';
import type { RedactionConfig } from '../domain/gate/redaction';
import glossary from './glossary.json';
import redaction from './redaction.json';

/**
 * The company's part of the gate and the plain-language check, as shipped: `redaction.json`
 * (internal zones, host patterns, staff domains, …) and `glossary.json` (jargon, internal names,
 * codenames). The domain takes them as arguments; the activities and the API pass these.
 */
export const defaultGatePolicy: GatePolicy = { redaction: redaction as RedactionConfig };

/** The shipped glossary, internal names and codenames for a locale (English terms as fallback). */
export function defaultLintOptions(locale = 'en'): LintOptions {
  return lintOptionsFor(glossary as Glossary, locale);
}
