/** A customer as the audience computation sees it. */
export interface Subscriber {
  customerId: string;
  name: string;
  locale: string;
  emails: string[];
  subscriptions: string[];
}

export interface Recipient {
  customerId: string;
  email: string;
  locale: string;
}

/**
 * The email recipients for an incident: every address of every customer subscribed to at least
 * one affected component, each address once, in a stable order.
 */
export function emailRecipients(subscribers: Subscriber[], affectedComponents: string[]): Recipient[] {
  const affected = new Set(affectedComponents);
  const seen = new Set<string>();
  const out: Recipient[] = [];
  for (const s of subscribers) {
    if (!s.subscriptions.some((c) => affected.has(c))) continue;
    for (const email of s.emails) {
      const key = email.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ customerId: s.customerId, email, locale: s.locale });
    }
  }
  return out.sort((a, b) => a.email.localeCompare(b.email));
}
