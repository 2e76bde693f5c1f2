/**
 * The key that signs unsubscribe tokens in customer email (`List-Unsubscribe`). Production sets
 * HERALD_UNSUBSCRIBE_SECRET, and the API and the worker must share it; the demo fallback lets
 * anyone who knows it unsubscribe an address, nothing more.
 */
export function unsubscribeSecret(env: NodeJS.ProcessEnv = process.env): string {
  return env.HERALD_UNSUBSCRIBE_SECRET || 'herald-demo-unsubscribe-secret';
}
