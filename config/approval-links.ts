import { unsubscribeSecret } from './unsubscribe';

/**
 * The key that signs the sign-off links of approval-request emails (M6.6, X4). The API and the
 * worker must share it: HERALD_APPROVAL_SECRET, else the unsubscribe key (the tokens' MACs are
 * keyed per purpose, so one key signing both lets neither pass for the other).
 */
export function approvalLinkSecret(env: NodeJS.ProcessEnv = process.env): string {
  return env.HERALD_APPROVAL_SECRET || unsubscribeSecret(env);
}
