import { unsubscribeSecret } from './unsubscribe';

/**
 * The key that signs survey links in customer email (M6.3). The API and the worker must share it:
 * HERALD_SURVEY_SECRET, else the unsubscribe key (the tokens' MACs are keyed per purpose, so one
 * key signing both lets neither pass for the other).
 */
export function surveySecret(env: NodeJS.ProcessEnv = process.env): string {
  return env.HERALD_SURVEY_SECRET || unsubscribeSecret(env);
}
