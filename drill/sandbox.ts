import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Store } from '../store/connect';

/**
 * A drill's sandbox: nothing a drill does can reach a real customer.
 *
 * - Its own database, a copy of the configuration (service model, customers, playbooks,
 *   templates, channel secrets, endpoints, suppressions) in which every URL is rewritten to the
 *   sandbox receiver: a webhook, a Slack post or an endpoint test lands here, never at its owner.
 * - Its own mail transport: the sandbox SMTP (HERALD_DRILL_SMTP_URL, a Mailpit) or, without one,
 *   a transport that keeps each message in memory and sends nothing. Every message is recorded.
 * - Its own Temporal server (the runner's), so no production worker ever sees a drill's task.
 */

/** The configuration a drill needs, copied; incident records, deliveries and audits are not. */
export const sandboxCollections = [
  'components', 'customers', 'templates', 'template_versions', 'playbook_versions', 'snippets', 'channel_secrets',
  'suppressions', 'webhook_endpoints', 'maintenances', 'vendors',
] as const;

export interface SandboxRequest {
  /** The customer whose endpoint this was, when it was a customer's. */
  customerId?: string;
  /** The collection whose URL was rewritten to reach here. */
  owner: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  webhookId?: string;
  receivedAt: string;
}

export interface SandboxReceiver {
  url: string;
  requests: SandboxRequest[];
  close(): Promise<void>;
}

/** A loopback HTTP sink that answers 200 to everything and records it. */
export async function startSandboxReceiver(): Promise<SandboxReceiver> {
  const requests: SandboxRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://sandbox');
      const [, owner = 'unknown', customerId] = url.pathname.split('/');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]));
      requests.push({
        owner, method: req.method ?? 'GET', path: url.pathname, headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: new Date().toISOString(),
        ...(owner === 'customers' && customerId ? { customerId: decodeURIComponent(customerId) } : {}),
        ...(headers['webhook-id'] ? { webhookId: headers['webhook-id'] } : {}),
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Every http(s) URL in a document, however deep, replaced by the sandbox's. */
export function rewriteUrls(value: unknown, to: string): unknown {
  if (typeof value === 'string') return /^https?:\/\//i.test(value) ? to : value;
  if (Array.isArray(value)) return value.map((v) => rewriteUrls(v, to));
  if (value && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value) && (value as { _bsontype?: string })._bsontype === undefined) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteUrls(v, to)]));
  }
  return value;
}

/** Copies the configuration into the sandbox database with every URL pointing at the receiver. */
export async function copyIntoSandbox(source: Store, sandbox: Store, receiverUrl: string): Promise<Record<string, number>> {
  const copied: Record<string, number> = {};
  const db = source.conn.db!;
  const target = sandbox.conn.db!;
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const name of sandboxCollections) {
    if (!existing.has(name)) continue;
    const docs = await db.collection(name).find({}).toArray();
    const rewritten = docs.map((d) => {
      const owner = name === 'customers' && typeof d.customerId === 'string' ? `customers/${encodeURIComponent(d.customerId)}` : name;
      return rewriteUrls(d, `${receiverUrl}/${owner}`) as typeof d;
    });
    if (rewritten.length) await target.collection(name).insertMany(rewritten);
    copied[name] = rewritten.length;
  }
  return copied;
}

/** Builds each message and sends it nowhere; its probe answers healthy, as a sink that takes everything is. */
function nowhereTransport(): Transporter {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  transport.verify = (() => Promise.resolve(true)) as Transporter['verify'];
  return transport;
}

export interface SandboxMail {
  to: string[];
  from: string;
  subject: string;
  messageId: string;
  headers: Record<string, string>;
  at: string;
}

/**
 * The drill's mail transport: the sandbox SMTP when one is configured, otherwise one that builds
 * each message and sends it nowhere; either way every message is recorded for the scorecard.
 */
export function sandboxMailer(smtpUrl: string | undefined, createMailer: (url: string) => Transporter): { mailer: Transporter; sent: SandboxMail[] } {
  const base = smtpUrl ? createMailer(smtpUrl) : nowhereTransport();
  const sent: SandboxMail[] = [];
  const mailer = new Proxy(base, {
    get(target, prop, receiver) {
      if (prop !== 'sendMail') return Reflect.get(target, prop, receiver);
      return async (mail: nodemailer.SendMailOptions) => {
        const info = await target.sendMail(mail);
        const list = (v: unknown): string[] => (Array.isArray(v) ? v.flatMap(list) : v ? [typeof v === 'string' ? v : (v as { address: string }).address] : []);
        // A message handed over as raw MIME (the fan-out's) names its envelope and carries its headers in the bytes.
        const raw = mail.raw ? Buffer.from(mail.raw as Buffer | string).toString('utf8') : '';
        const head = raw.slice(0, Math.max(0, raw.search(/\r?\n\r?\n/))).replace(/\r?\n[ \t]+/g, ' ');
        const header = (name: string) => new RegExp(`^${name}:[ \t]*(.*)$`, 'im').exec(head)?.[1]?.trim();
        const envelope = mail.envelope as { from?: string; to?: string | string[] } | undefined;
        sent.push({
          to: (envelope?.to ? list(envelope.to) : list(mail.to).concat(list(mail.cc), list(mail.bcc))).map((a) => a.replace(/^.*<([^>]+)>$/, '$1')),
          from: envelope?.from ?? list(mail.from)[0] ?? '',
          subject: String(mail.subject ?? header('Subject') ?? ''),
          messageId: String(mail.messageId ?? header('Message-ID') ?? info.messageId ?? ''),
          headers: Object.fromEntries(Object.entries((mail.headers as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => [k, String(v)])),
          at: new Date().toISOString(),
        });
        return info;
      };
    },
  });
  return { mailer, sent };
}
