import { readUnsubscribeToken, unsubscribeHeaders, unsubscribeToken, unsubscribeUrl } from '../../../domain/tracking/unsubscribe';

describe('unsubscribe tokens', () => {
  const ctx = { address: 'Ops@Acme.example', customerId: 'acme', incidentId: 'INC-7', version: 3 };

  it('[M3.3] name the lower-cased address, customer and message, and read back only with the same key', () => {
    const token = unsubscribeToken(ctx, 'k1');
    expect(readUnsubscribeToken(token, 'k1')).toEqual({ ...ctx, address: 'ops@acme.example' });
    expect(readUnsubscribeToken(token, 'k2')).toBeUndefined();
  });

  it('[M3.3] refuse a token whose address was changed, a truncated signature and garbage', () => {
    const token = unsubscribeToken(ctx, 'k1');
    const [, mac] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify(['ceo@acme.example', 'acme', 'INC-7', 3])).toString('base64url')}.${mac}`;
    expect(readUnsubscribeToken(forged, 'k1')).toBeUndefined();
    expect(readUnsubscribeToken(token.slice(0, -2), 'k1')).toBeUndefined();
    expect(readUnsubscribeToken('not-a-token', 'k1')).toBeUndefined();
    expect(readUnsubscribeToken('a.b.c', 'k1')).toBeUndefined();
  });

  it('[M3.3] differ per recipient', () => {
    expect(unsubscribeToken(ctx, 'k')).not.toEqual(unsubscribeToken({ ...ctx, address: 'cto@acme.example' }, 'k'));
  });

  it('[M3.3] go into RFC 8058 one-click headers', () => {
    const url = unsubscribeUrl('https://status.example/', ctx, 'k');
    expect(url).toMatch(/^https:\/\/status\.example\/v1\/unsubscribe\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(unsubscribeHeaders(url)).toEqual({ 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
  });
});
