/** The credentials inside a process's connection URLs (SMTP and MongoDB passwords), for the logger to cut wherever they appear. */
export function processSecrets(env: { SMTP_URL?: string; SMTP_FALLBACK_URL?: string; MONGODB_URI?: string }): string[] {
  const out: string[] = [];
  for (const raw of [env.SMTP_URL, env.SMTP_FALLBACK_URL, env.MONGODB_URI]) {
    if (!raw) continue;
    try {
      const u = new URL(raw);
      if (u.password) out.push(u.password, decodeURIComponent(u.password));
    } catch {
      // Not a URL the logger can take apart; the driver reports it, and the URL rule masks its credentials.
    }
  }
  return out;
}
