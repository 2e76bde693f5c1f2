import { classifyHttpStatus, ProviderError, type OutboundSms, type Provider } from '../../domain/delivery/providers';

export interface TwilioOptions {
  name?: string;
  accountSid: string;
  authToken: string;
  /** The sending number (E.164). */
  from: string;
  /** https://api.twilio.com in production; a local receiver in tests. */
  baseUrl?: string;
  ratePerSecond?: number;
}

/** SMS through Twilio's Messages API: form-encoded, HTTP Basic auth, 201 with the message sid. */
export function twilioProvider(opts: TwilioOptions): Provider<OutboundSms> {
  const name = opts.name ?? 'twilio';
  const url = `${opts.baseUrl ?? 'https://api.twilio.com'}/2010-04-01/Accounts/${encodeURIComponent(opts.accountSid)}/Messages.json`;
  const auth = `Basic ${Buffer.from(`${opts.accountSid}:${opts.authToken}`).toString('base64')}`;
  return {
    name,
    // A long code sends about one message a second; senders with more throughput raise it.
    ratePerSecond: opts.ratePerSecond ?? 1,
    async send(m) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ To: m.to, From: opts.from, Body: m.body }).toString(),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (err) {
        throw new ProviderError(name, 'transient', err instanceof Error ? err.message : String(err));
      }
      const verdict = classifyHttpStatus(res.status);
      const body = (await res.json().catch(() => ({}))) as { sid?: string; message?: string; code?: number };
      if (verdict === 'accepted') return { provider: name, providerMessageId: body.sid };
      throw new ProviderError(name, verdict, `HTTP ${res.status} ${body.code ?? ''} ${body.message ?? ''}`.trim(), res.status);
    },
  };
}
