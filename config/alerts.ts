import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlertRulesSchema, type AlertRules } from '../domain/alerts';

/**
 * The secret monitoring systems sign alerts with (HERALD_ALERT_SECRET). The default only suits
 * `npm start` on a laptop and the test suite; production must set its own.
 */
export function alertSecret(env: NodeJS.ProcessEnv = process.env): string {
  return env.HERALD_ALERT_SECRET || 'dev-alert-secret';
}

const rulesCache = new Map<string, AlertRules>();

/** The label-to-incident mapping rules: config/alert-rules.json unless HERALD_ALERT_RULES_FILE names another file. */
export function alertRules(env: NodeJS.ProcessEnv = process.env): AlertRules {
  const file = env.HERALD_ALERT_RULES_FILE || join(__dirname, 'alert-rules.json');
  let rules = rulesCache.get(file);
  if (!rules) {
    rules = AlertRulesSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    rulesCache.set(file, rules);
  }
  return rules;
}
