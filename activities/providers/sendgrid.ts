import { classifyHttpStatus, parseAddress, ProviderError, type OutboundEmail, type Provider, type ProviderReceipt } from '../../domain/delivery/providers';

export interface SendGridOptions {
  name?: string;
  apiKey: string;
  /** https://api.sendgrid.com in production; a local receiver in tests. */
  baseUrl?: string;
  ratePerSecond?: number;
  /**
   * How long after a send SendGrid's Email Activity feed may still not show it (it is eventually
   * consistent): a delivery in doubt for less than this is asked about again later. 5 minutes by default.
   */
  activityFeedDelayMs?: number;
}

/** The Email Activity query (SendGrid's query language) for the message Herald tagged with this Message-ID. */
function activityQuery(m: OutboundEmail): string {
  return `unique_args['herald_message_id']="${m.messageId.replace(/^<|>$/g, '')}"`;
}

/** SendGrid's v3 Mail Send request body for one recipient. */
export function sendGridMailBody(m: OutboundEmail) {
  return {
    personalizations: [{ to: [{ email: m.to }] }],
    from: parseAddress(m.from),
    subject: m.subject,
    // SendGrid requires text/plain before text/html.
    content: [
      { type: 'text/plain', value: m.text },
      { type: 'text/html', value: m.html },
    ],
    headers: m.headers,
    // custom_args travel with SendGrid's event webhooks, so delivery events map back to the incident.
    custom_args: { ...m.metadata, herald_message_id: m.messageId.replace(/^<|>$/g, '') },
  };
}

/**
 * Email through SendGrid's HTTP API (`POST /v3/mail/send`, 202 Accepted). A delivery in doubt is
 * looked up in the Email Activity feed (`GET /v3/messages?query=…`) by the Message-ID Herald puts
 * in `custom_args`; the feed is eventually consistent, so until `activityFeedDelayMs` has passed
 * since the claim, and whenever the feed does not answer (it allows a few requests a minute), the
 * answer is "ask later", never "not found".
 */
export function sendGridProvider(opts: SendGridOptions): Provider<OutboundEmail> {
  const name = opts.name ?? 'sendgrid';
  const base = opts.baseUrl ?? 'https://api.sendgrid.com';
  const url = `${base}/v3/mail/send`;
  const feedDelayMs = opts.activityFeedDelayMs ?? 5 * 60_000;
  async function post(m: OutboundEmail): Promise<ProviderReceipt> {
    let res: Response;
    const body = JSON.stringify(sendGridMailBody(m));
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${opts.apiKey}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw new ProviderError(name, 'transient', err instanceof Error ? err.message : String(err));
    }
    const verdict = classifyHttpStatus(res.status);
    if (verdict === 'accepted') {
      await res.body?.cancel();
      // What SendGrid was handed is its Mail Send request, archived as sent (M5.1).
      return { provider: name, providerMessageId: res.headers.get('x-message-id') ?? undefined, sent: { bytes: Buffer.from(body), contentType: 'application/json' } };
    }
    const detail = await res.text().catch(() => '');
    throw new ProviderError(name, verdict, `HTTP ${res.status} ${detail.slice(0, 300)}`, res.status);
  }
  return {
    name,
    ratePerSecond: opts.ratePerSecond ?? 100,
    async send(m, settle) {
      const receipt = await post(m);
      await settle?.(receipt);
      return receipt;
    },
    async lookup(m, claimedAt) {
      if (Date.now() - claimedAt.getTime() < feedDelayMs) return 'ask-later';
      const res = await fetch(`${base}/v3/messages?query=${encodeURIComponent(activityQuery(m))}&limit=10`, {
        headers: { authorization: `Bearer ${opts.apiKey}` },
        signal: AbortSignal.timeout(30_000),
      });
      if (!res.ok) {
        await res.body?.cancel();
        return 'ask-later';
      }
      const page = (await res.json()) as { messages?: { to_email?: string }[] };
      return (page.messages ?? []).some((msg) => msg.to_email?.toLowerCase() === m.to.toLowerCase()) ? 'found' : 'not-found';
    },
  };
}
