import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlertRulesSchema, type AlertRules } from '../domain/alerts';
import { loadEnv } from './env';

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

/**
 * Who hears of an alert that maps to no component (M1.3): HERALD_UNMAPPED_ALERT_EMAILS
 * (comma-separated), else the escalation list (HERALD_ESCALATION_EMAILS). Once per fingerprint.
 */
export function unmappedAlertRecipients(env: NodeJS.ProcessEnv = process.env): string[] {
  const list = env.HERALD_UNMAPPED_ALERT_EMAILS || loadEnv(env).HERALD_ESCALATION_EMAILS;
  return list.split(',').map((s) => s.trim()).filter(Boolean);
}

/** The sender of Herald's mail, for notices the API sends itself. */
export function noticeSender(env: NodeJS.ProcessEnv = process.env): string {
  return loadEnv(env).HERALD_FROM_ADDRESS;
}
