/**
 * The key that signs tracked-link tokens. Production sets HERALD_LINK_SECRET; the fallback keeps
 * demo and test links working and only lets someone forge click counts, never a redirect target.
 */
export function linkSecret(env: NodeJS.ProcessEnv = process.env): string {
  return env.HERALD_LINK_SECRET || 'herald-demo-link-secret';
}
