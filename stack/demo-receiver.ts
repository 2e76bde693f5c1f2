import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../domain/webhooks';
import { demoWebhookSecret } from '../store/demo-data';

/**
 * The demo customers' webhook endpoint, started with the stack by `npm start`: `POST
 * /hooks/<customer>` verifies the Standard Webhooks signature with that demo customer's secret
 * (401 when it does not verify, 204 when it does) and keeps what arrived; `GET /hooks/<customer>`
 * shows it, newest first, and `GET /hooks` counts per customer. Kept in memory: a restart empties it.
 */
export interface ReceivedDemoWebhook {
  webhookId: string;
  receivedAt: string;
  /** The signed timestamp of this request (a retry carries a fresh one). */
  timestamp: number;
  /** Requests with this webhook-id, this one included: a receiver deduplicates on it. */
  requests: number;
  headers: Record<string, string>;
  payload: unknown;
  /** The raw body of the latest request, as it arrived (the archive keeps the same bytes, M5.1). */
  body: string;
}

export interface DemoReceiver {
  /** Base URL, without the /hooks path. */
  url: string;
  received(customerId: string): ReceivedDemoWebhook[];
  close(): Promise<void>;
}

/** Deliveries kept per customer. */
const keep = 500;
const customerPath = /^\/hooks\/([a-z0-9][a-z0-9._-]{0,63})\/?$/;

export async function startDemoReceiver(port = 0, host = '127.0.0.1'): Promise<DemoReceiver> {
  const byCustomer = new Map<string, ReceivedDemoWebhook[]>();
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body, null, 2));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://receiver').pathname;
      if (req.method === 'GET' && (path === '/hooks' || path === '/hooks/')) {
        json(res, 200, { customers: Object.fromEntries([...byCustomer].map(([id, list]) => [id, list.length])) });
        return;
      }
      const customerId = customerPath.exec(path)?.[1];
      if (!customerId) return json(res, 404, { error: 'not_found', message: 'POST or GET /hooks/<customer>' });
      if (req.method === 'GET') return json(res, 200, { customerId, received: byCustomer.get(customerId) ?? [] });
      if (req.method !== 'POST') return json(res, 405, { error: 'method_not_allowed', message: 'POST or GET' });
      const raw = Buffer.concat(chunks).toString('utf8');
      // Verified over the raw body before anything is parsed, as the specification asks.
      const verdict = verifyWebhook(demoWebhookSecret(customerId), req.headers, raw, { now: new Date() });
      if (!verdict.valid) return json(res, 401, { error: 'unauthorized', message: verdict.reason });
      let payload: unknown;
      try {
        payload = JSON.parse(raw);
      } catch {
        return json(res, 400, { error: 'bad_request', message: 'the body is not JSON' });
      }
      const list = byCustomer.get(customerId) ?? [];
      const seen = list.find((r) => r.webhookId === verdict.id);
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k.startsWith('webhook-') || k.startsWith('x-herald-') || k === 'content-type').map(([k, v]) => [k, String(v)]));
      if (seen) Object.assign(seen, { requests: seen.requests + 1, receivedAt: new Date().toISOString(), timestamp: verdict.timestamp, headers, body: raw });
      else list.unshift({ webhookId: verdict.id, receivedAt: new Date().toISOString(), timestamp: verdict.timestamp, requests: 1, headers, payload, body: raw });
      byCustomer.set(customerId, list.slice(0, keep));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    received: (customerId) => byCustomer.get(customerId) ?? [],
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
