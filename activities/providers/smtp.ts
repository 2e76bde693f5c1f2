import type { Transporter } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import { classifySmtpFailure, parseAddress, ProviderError, type OutboundEmail, type Provider, type ProviderReceipt } from '../../domain/delivery/providers';

/** Connections of the worker's SMTP pool (workers/worker.ts createMailer). */
export const smtpPoolConnections = 5;

export interface SmtpProviderOptions {
  name?: string;
  /** A pooled nodemailer transport (see workers/worker.ts createMailer). */
  transport: Transporter;
  /** Connections of that pool; `smtpPoolConnections` by default. */
  connections?: number;
  ratePerSecond?: number;
}

/** The RFC 5322 message nodemailer would have built from these fields. */
export function composeMime(m: Pick<OutboundEmail, 'from' | 'to' | 'subject' | 'text' | 'html' | 'messageId' | 'headers'>): Promise<Buffer> {
  const mail = new MailComposer({ from: m.from, to: m.to, subject: m.subject, text: m.text, ...(m.html ? { html: m.html } : {}), messageId: m.messageId, headers: m.headers });
  return new Promise((resolve, reject) => mail.compile().build((err, message) => (err ? reject(err) : resolve(wireLines(message)))));
}

/**
 * Every line ended in CRLF, as SMTP carries it (RFC 5321 §2.3.8): nodemailer keeps a 7bit text
 * part's bare LFs and its connection turns them into CRLF on the wire, so without this the
 * archived bytes would not be the bytes the relay got (M5.1). Latin-1 maps bytes one to one.
 */
function wireLines(message: Buffer): Buffer {
  return Buffer.from(message.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

/**
 * One transport over several relays in order, for the worker's own mail (internal notices,
 * briefings, owners' notices): a send a relay fails for now (a 4xx, no connection, a timeout)
 * goes to the next; a 5xx refusal is final. Customer email fails over through `failoverChain`,
 * which records which relay took each message.
 */
export function failoverTransport(transports: Transporter[]): Transporter {
  const [first, ...rest] = transports;
  if (!first) throw new Error('a failover transport needs at least one relay');
  if (!rest.length) return first;
  const sendMail = async (mail: Parameters<Transporter['sendMail']>[0]) => {
    let last: unknown;
    for (const t of transports) {
      try {
        return await t.sendMail(mail);
      } catch (err) {
        if (classifySmtpFailure(err as { responseCode?: number }) === 'permanent') throw err;
        last = err;
      }
    }
    throw last;
  };
  const verify = async () => {
    const answers = await Promise.allSettled(transports.map((t) => t.verify()));
    if (answers.some((a) => a.status === 'fulfilled')) return true as const;
    throw (answers[0] as PromiseRejectedResult).reason;
  };
  const close = () => transports.forEach((t) => t.close());
  return Object.assign(Object.create(first) as Transporter, { sendMail, verify, close });
}

/** Hands out `size` slots; a caller waits until one is free. */
function slots(size: number) {
  let free = size;
  const waiting: (() => void)[] = [];
  return {
    async acquire(): Promise<() => void> {
      if (free > 0) free--;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      return () => {
        const next = waiting.shift();
        if (next) next();
        else free++;
      };
    },
  };
}

/**
 * Email through an SMTP relay, over the transport's connection pool. The pool is handed at most
 * one message per connection, and a message keeps its place until the caller has settled it
 * (its receipt durable): when the relay answers 250 the connection gets no further message before
 * the store knows, so at a crash at most `connections` accepted messages lack a receipt. A plain
 * relay keeps no log that can be asked, so this provider has no lookup.
 */
export function smtpProvider(opts: SmtpProviderOptions): Provider<OutboundEmail> {
  const name = opts.name ?? 'smtp';
  const pool = slots(opts.connections ?? smtpPoolConnections);
  return {
    name,
    ratePerSecond: opts.ratePerSecond ?? Infinity,
    async send(m, settle) {
      const release = await pool.acquire();
      try {
        let receipt: ProviderReceipt;
        let raw: Buffer;
        try {
          // The MIME message is built here and handed over as it is, so the archive keeps the very bytes the relay got.
          raw = await composeMime(m);
          const info = await opts.transport.sendMail({ envelope: { from: parseAddress(m.from).email, to: parseAddress(m.to).email }, raw });
          // The relay's 250 reply usually names its queue ID ("250 2.0.0 Ok: queued as 4F2A1").
          const queued = /queued as\s+(\S+)/i.exec(String(info.response ?? ''))?.[1];
          receipt = { provider: name, providerMessageId: queued ?? info.messageId, sent: { bytes: raw, contentType: 'message/rfc822' } };
        } catch (err) {
          const e = err as { responseCode?: number; message?: string };
          throw new ProviderError(name, classifySmtpFailure(e), e.message ?? String(err), e.responseCode);
        }
        await settle?.(receipt);
        return receipt;
      } finally {
        release();
      }
    },
  };
}
