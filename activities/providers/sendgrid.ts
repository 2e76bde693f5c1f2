import { classifyHttpStatus, parseAddress, ProviderError, type OutboundEmail, type Provider } from '../../domain/providers';

export interface SendGridOptions {
  name?: string;
  apiKey: string;
  /** https://api.sendgrid.com in production; a local receiver in tests. */
  baseUrl?: string;
  ratePerSecond?: number;
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
 * Email through SendGrid's HTTP API (`POST /v3/mail/send`, 202 Accepted). No lookup: SendGrid's
 * activity feed is eventually consistent, so "not found" there is no proof of "not sent".
 */
export function sendGridProvider(opts: SendGridOptions): Provider<OutboundEmail> {
  const name = opts.name ?? 'sendgrid';
  const url = `${opts.baseUrl ?? 'https://api.sendgrid.com'}/v3/mail/send`;
  return {
    name,
    ratePerSecond: opts.ratePerSecond ?? 100,
    async send(m) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${opts.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(sendGridMailBody(m)),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (err) {
        throw new ProviderError(name, 'transient', err instanceof Error ? err.message : String(err));
      }
      const verdict = classifyHttpStatus(res.status);
      if (verdict === 'accepted') {
        await res.body?.cancel();
        return { provider: name, providerMessageId: res.headers.get('x-message-id') ?? undefined };
      }
      const detail = await res.text().catch(() => '');
      throw new ProviderError(name, verdict, `HTTP ${res.status} ${detail.slice(0, 300)}`, res.status);
    },
  };
}
