import type { Transporter } from 'nodemailer';
import { classifySmtpFailure, ProviderError, type OutboundEmail, type Provider } from '../../domain/providers';

export interface SmtpProviderOptions {
  name?: string;
  /** A pooled nodemailer transport (see workers/worker.ts createMailer). */
  transport: Transporter;
  ratePerSecond?: number;
  /**
   * The relay's message log, when it has one that answers at once (Mailpit's API does; most
   * relays' search is eventually consistent and must not be used here).
   */
  lookupMessageId?: (messageId: string) => Promise<boolean>;
}

/** Email through an SMTP relay, over the transport's connection pool. */
export function smtpProvider(opts: SmtpProviderOptions): Provider<OutboundEmail> {
  const name = opts.name ?? 'smtp';
  const lookup = opts.lookupMessageId;
  return {
    name,
    ratePerSecond: opts.ratePerSecond ?? Infinity,
    async send(m) {
      try {
        const info = await opts.transport.sendMail({
          from: m.from, to: m.to, subject: m.subject, text: m.text, html: m.html, messageId: m.messageId, headers: m.headers,
        });
        // The relay's 250 reply usually names its queue ID ("250 2.0.0 Ok: queued as 4F2A1").
        const queued = /queued as\s+(\S+)/i.exec(String(info.response ?? ''))?.[1];
        return { provider: name, providerMessageId: queued ?? info.messageId };
      } catch (err) {
        const e = err as { responseCode?: number; message?: string };
        throw new ProviderError(name, classifySmtpFailure(e), e.message ?? String(err), e.responseCode);
      }
    },
    ...(lookup ? { lookup: (m: OutboundEmail) => lookup(m.messageId) } : {}),
  };
}

/** A Message-ID lookup against Mailpit's search API: the development and test relay. */
export function mailpitMessageLog(apiUrl: string): (messageId: string) => Promise<boolean> {
  return async (messageId) => {
    const id = messageId.replace(/^<|>$/g, '');
    const res = await fetch(`${apiUrl}/api/v1/search?query=${encodeURIComponent(`message-id:"${id}"`)}&limit=1`);
    if (!res.ok) throw new Error(`message log lookup failed: ${res.status}`);
    const page = (await res.json()) as { messages: { MessageID: string }[] };
    return page.messages.some((msg) => msg.MessageID === id);
  };
}
