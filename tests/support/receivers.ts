import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { verifyWebhook, type WebhookVerdict } from '../../domain/webhooks';

export { startSmtpSink, type SmtpSink } from '../../bench/smtp-sink';

/**
 * Local stand-ins for the third-party providers that cannot run here. Each checks the provider's
 * wire format exactly as its documentation states, answers as the provider does, records what it
 * accepted and what it refused, and can be told to fail.
 */
export interface Receiver<T> {
  url: string;
  accepted: { at: number; body: T; headers: http.IncomingHttpHeaders }[];
  /** Requests refused for their format or credentials: a correct adapter leaves this empty. */
  refused: { status: number; reason: string }[];
  /** Answer the next `count` requests with this status (a provider outage or throttling), and these headers (Retry-After). */
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  /** When each request arrived, injected failures included. */
  requests: number[];
  close(): Promise<void>;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** A plain-text answer instead of JSON (Slack answers `ok`). */
  text?: string;
}

/** A request body read as JSON, or undefined when it is not JSON. */
function parseJson(raw: string): { json: unknown } | undefined {
  try {
    return { json: JSON.parse(raw) };
  } catch {
    return undefined;
  }
}

async function serve<T>(handle: (req: http.IncomingMessage, raw: string) => { reply: Reply; accepted?: T; refusal?: string }): Promise<Receiver<T>> {
  const accepted: Receiver<T>['accepted'] = [];
  const refused: Receiver<T>['refused'] = [];
  let failures: { count: number; status: number; headers?: Record<string, string> } = { count: 0, status: 503 };
  const requests: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push(Date.now());
      let reply: Reply;
      if (failures.count > 0) {
        failures = { ...failures, count: failures.count - 1 };
        reply = { status: failures.status, headers: failures.headers, body: { errors: [{ message: 'injected failure', field: null, help: null }] } };
      } else {
        const out = handle(req, Buffer.concat(chunks).toString('utf8'));
        reply = out.reply;
        if (out.accepted !== undefined) accepted.push({ at: Date.now(), body: out.accepted, headers: req.headers });
        if (out.refusal) refused.push({ status: reply.status, reason: out.refusal });
      }
      if (reply.text !== undefined) {
        res.writeHead(reply.status, { 'content-type': 'text/plain; charset=utf-8', ...reply.headers });
        res.end(reply.text);
        return;
      }
      res.writeHead(reply.status, { ...(reply.body !== undefined ? { 'content-type': 'application/json' } : {}), ...reply.headers });
      res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accepted,
    refused,
    requests,
    failNext(count, status, headers) {
      failures = { count, status, headers };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const issuesOf = (err: z.ZodError) => err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');

// SendGrid v3 Mail Send, as documented: https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send
const sgAddress = z.object({ email: z.email(), name: z.string().optional() }).strict();
const sgStringMap = z.record(z.string(), z.string());
const reservedHeaders = ['x-sg-id', 'x-sg-eid', 'received', 'dkim-signature', 'content-type', 'content-transfer-encoding', 'to', 'from', 'subject', 'reply-to', 'cc', 'bcc'];
export const SendGridMail = z
  .object({
    personalizations: z
      .array(
        z.object({
          to: z.array(sgAddress).min(1),
          cc: z.array(sgAddress).optional(),
          bcc: z.array(sgAddress).optional(),
          subject: z.string().optional(),
          headers: sgStringMap.optional(),
          custom_args: sgStringMap.optional(),
          send_at: z.number().int().optional(),
        }).strict(),
      )
      .min(1)
      .max(1000),
    from: sgAddress,
    reply_to: sgAddress.optional(),
    subject: z.string().min(1),
    content: z
      .array(z.object({ type: z.string().min(1), value: z.string().min(1) }).strict())
      .min(1)
      .refine((c) => !c.some((p) => p.type === 'text/plain') || c[0].type === 'text/plain', 'text/plain must come first'),
    headers: sgStringMap
      .refine((h) => !Object.keys(h).some((k) => reservedHeaders.includes(k.toLowerCase())), 'reserved header')
      .optional(),
    custom_args: sgStringMap.refine((a) => JSON.stringify(a).length < 10_000, 'custom_args must be under 10,000 bytes').optional(),
    categories: z.array(z.string()).max(10).optional(),
  })
  .strict();
export type SendGridMail = z.infer<typeof SendGridMail>;

/**
 * SendGrid v3 Mail Send, and the Email Activity feed over what it accepted, as documented:
 * https://www.twilio.com/docs/sendgrid/api-reference/email-activity/filter-all-messages
 * (`GET /v3/messages?query=…&limit=…`, the query language's `unique_args['name']="value"`, which
 * matches Mail Send's `custom_args`; 200 with `{messages: [{msg_id, to_email, status, …}]}`).
 */
export function startSendGridReceiver(apiKey: string): Promise<Receiver<SendGridMail>> {
  const feed: { msgId: string; mail: SendGridMail }[] = [];
  return serve<SendGridMail>((req, raw) => {
    const error = (status: number, message: string, field: string | null = null) => ({
      reply: { status, body: { errors: [{ message, field, help: null }] } },
      refusal: message,
    });
    if (req.headers.authorization !== `Bearer ${apiKey}`) return error(401, 'The provided authorization grant is invalid, expired, or revoked');
    const url = new URL(req.url ?? '/', 'http://sendgrid.test');
    if (req.method === 'GET' && url.pathname === '/v3/messages') {
      const query = url.searchParams.get('query') ?? '';
      const limit = Number(url.searchParams.get('limit') ?? '10');
      const m = /^unique_args\['([^']+)'\]="([^"]*)"$/.exec(query);
      if (!m || !Number.isInteger(limit) || limit < 1 || limit > 1000) return error(400, `invalid query ${query}`, 'query');
      const [, name, value] = m;
      const messages = feed
        .filter((f) => f.mail.custom_args?.[name] === value)
        .slice(0, limit)
        .map((f) => ({
          from_email: f.mail.from.email, msg_id: f.msgId, subject: f.mail.subject, to_email: f.mail.personalizations[0].to[0].email,
          status: 'delivered', opens_count: 0, clicks_count: 0, last_event_time: new Date().toISOString(),
        }));
      return { reply: { status: 200, body: { messages } } };
    }
    if (req.method !== 'POST' || url.pathname !== '/v3/mail/send') return error(404, `no route ${req.method} ${req.url}`);
    if (!req.headers['content-type']?.startsWith('application/json')) return error(415, 'Content-Type must be application/json');
    const body = parseJson(raw);
    if (!body) return error(400, 'Bad Request: body is not JSON');
    const parsed = SendGridMail.safeParse(body.json);
    if (!parsed.success) return error(400, issuesOf(parsed.error));
    const xMessageId = randomBytes(11).toString('base64url');
    feed.push({ msgId: `${xMessageId}.filter0001p1las1-1-1-1.0`, mail: parsed.data });
    return {
      reply: { status: 202, headers: { 'x-message-id': xMessageId } },
      accepted: parsed.data,
    };
  });
}

// Twilio Messages API, as documented: https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
export const TwilioMessageForm = z
  .object({
    To: z.string().regex(/^\+[1-9]\d{7,14}$/, 'not a valid E.164 phone number'),
    From: z.string().min(1),
    Body: z.string().min(1).max(1600),
    StatusCallback: z.url().optional(),
  })
  .strict();
export type TwilioMessageForm = z.infer<typeof TwilioMessageForm>;

export function startTwilioReceiver(accountSid: string, authToken: string): Promise<Receiver<TwilioMessageForm>> {
  const path = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
  const basic = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  return serve<TwilioMessageForm>((req, raw) => {
    const error = (status: number, code: number, message: string) => ({
      reply: { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } },
      refusal: message,
    });
    if (req.method !== 'POST' || req.url !== path) return error(404, 20404, `The requested resource ${req.url} was not found`);
    if (req.headers.authorization !== basic) return error(401, 20003, 'Authenticate');
    if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') return error(400, 20001, 'Content-Type must be application/x-www-form-urlencoded');
    const parsed = TwilioMessageForm.safeParse(Object.fromEntries(new URLSearchParams(raw)));
    if (!parsed.success) return error(400, 21211, issuesOf(parsed.error));
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const now = new Date().toUTCString().replace('GMT', '+0000');
    return {
      reply: {
        status: 201,
        body: {
          account_sid: accountSid, api_version: '2010-04-01', body: parsed.data.Body, date_created: now, date_sent: null,
          date_updated: now, direction: 'outbound-api', error_code: null, error_message: null, from: parsed.data.From,
          messaging_service_sid: null, num_media: '0', num_segments: String(Math.ceil(parsed.data.Body.length / 153)),
          price: null, price_unit: 'USD', sid, status: 'queued', to: parsed.data.To,
          subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
          uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
        },
      },
      accepted: parsed.data,
    };
  });
}

/** A signed delivery as a customer's endpoint received it, after verifying the raw body. */
export interface ReceivedWebhook {
  raw: string;
  payload: { type: string; timestamp: string; data: Record<string, unknown> };
  verdict: WebhookVerdict;
}

// A customer's Standard Webhooks endpoint (https://www.standardwebhooks.com): verifies the signature
// of the raw body before it parses anything, refuses what does not verify with 401, answers 204.
export function startWebhookReceiver(secret: string): Promise<Receiver<ReceivedWebhook>> {
  return serve<ReceivedWebhook>((req, raw) => {
    if (req.method !== 'POST') return { reply: { status: 405 }, refusal: `method ${req.method}` };
    const verdict = verifyWebhook(secret, req.headers, raw, { now: new Date(), toleranceSeconds: 300 });
    if (!verdict.valid) return { reply: { status: 401 }, refusal: verdict.reason };
    if (!req.headers['content-type']?.startsWith('application/json')) return { reply: { status: 415 }, refusal: 'not application/json' };
    return { reply: { status: 204 }, accepted: { raw, payload: JSON.parse(raw) as ReceivedWebhook['payload'], verdict } };
  });
}

// Slack incoming webhooks, as documented: https://api.slack.com/messaging/webhooks and the Block
// Kit reference (header: plain_text up to 150 characters; section: text up to 3000; 50 blocks).
const slackText = z.object({ type: z.literal('mrkdwn'), text: z.string().min(1).max(3000), verbatim: z.boolean().optional() }).strict();
const slackPlain = z.object({ type: z.literal('plain_text'), text: z.string().min(1).max(150), emoji: z.boolean().optional() }).strict();
export const SlackIncomingMessage = z
  .object({
    text: z.string().min(1),
    blocks: z
      .array(
        z.discriminatedUnion('type', [
          z.object({ type: z.literal('header'), text: slackPlain, block_id: z.string().max(255).optional() }).strict(),
          z.object({ type: z.literal('section'), text: slackText, block_id: z.string().max(255).optional() }).strict(),
          z.object({ type: z.literal('divider'), block_id: z.string().max(255).optional() }).strict(),
        ]),
      )
      .max(50)
      .optional(),
  })
  .strict();
export type SlackIncomingMessage = z.infer<typeof SlackIncomingMessage>;

export function startSlackReceiver(): Promise<Receiver<SlackIncomingMessage>> {
  return serve<SlackIncomingMessage>((req, raw) => {
    const error = (status: number, text: string) => ({ reply: { status, text }, refusal: text });
    if (req.method !== 'POST') return error(405, 'invalid_method');
    if (!req.headers['content-type']?.startsWith('application/json')) return error(400, 'invalid_payload');
    const body = parseJson(raw);
    if (!body) return error(400, 'invalid_payload');
    const parsed = SlackIncomingMessage.safeParse(body.json);
    if (!parsed.success) return error(400, `invalid_blocks: ${issuesOf(parsed.error)}`);
    return { reply: { status: 200, text: 'ok' }, accepted: parsed.data };
  });
}
