import { waitFor } from './wait';

export interface MailpitMessage {
  ID: string;
  MessageID: string;
  Subject: string;
  To: { Name: string; Address: string }[];
  Created: string;
}

/** Reads what Mailpit actually received, through its HTTP API. */
export class Mailpit {
  constructor(private readonly apiUrl: string) {}

  async search(query: string): Promise<MailpitMessage[]> {
    const out: MailpitMessage[] = [];
    for (let start = 0; ; start += 1000) {
      const res = await fetch(`${this.apiUrl}/api/v1/search?query=${encodeURIComponent(query)}&start=${start}&limit=1000`);
      if (!res.ok) throw new Error(`mailpit search failed: ${res.status}`);
      const page = (await res.json()) as { messages: MailpitMessage[]; messages_count: number };
      out.push(...page.messages);
      if (page.messages.length < 1000) return out;
    }
  }

  /** Every message this Mailpit holds (a private one's, such as a drill's sandbox). */
  async all(): Promise<MailpitMessage[]> {
    const out: MailpitMessage[] = [];
    for (let start = 0; ; start += 1000) {
      const res = await fetch(`${this.apiUrl}/api/v1/messages?start=${start}&limit=1000`);
      if (!res.ok) throw new Error(`mailpit list failed: ${res.status}`);
      const page = (await res.json()) as { messages: MailpitMessage[] };
      out.push(...page.messages);
      if (page.messages.length < 1000) return out;
    }
  }

  /** Messages addressed to any address ending in the given domain. */
  async toDomain(domain: string): Promise<MailpitMessage[]> {
    const all = await this.search(`to:"${domain}"`);
    return all.filter((m) => m.To.some((t) => t.Address.toLowerCase().endsWith(`@${domain}`)));
  }

  async headers(id: string): Promise<Record<string, string[]>> {
    const res = await fetch(`${this.apiUrl}/api/v1/message/${id}/headers`);
    return (await res.json()) as Record<string, string[]>;
  }

  async text(id: string): Promise<string> {
    const res = await fetch(`${this.apiUrl}/api/v1/message/${id}`);
    return ((await res.json()) as { Text: string }).Text;
  }

  /** Every message of one incident (its updates, digests and notices carry its ID in their Message-ID). */
  async forIncident(incidentId: string): Promise<MailpitMessage[]> {
    const all = await this.search(`message-id:${incidentId}`);
    return all.filter((m) => m.MessageID.includes(incidentId));
  }

  /** Waits until `predicate` holds for the messages of one incident, or fails after the timeout. */
  waitForIncident(incidentId: string, predicate: (m: MailpitMessage[]) => boolean, timeoutMs = 60_000): Promise<MailpitMessage[]> {
    return waitFor(() => this.forIncident(incidentId), predicate, `the mail of incident ${incidentId}`, { timeoutMs });
  }

  /** Waits until `predicate` holds for the messages to a domain, or fails after the timeout. */
  waitFor(domain: string, predicate: (m: MailpitMessage[]) => boolean, timeoutMs = 60_000): Promise<MailpitMessage[]> {
    return waitFor(() => this.toDomain(domain), predicate, `the mail to ${domain}`, { timeoutMs });
  }
}
