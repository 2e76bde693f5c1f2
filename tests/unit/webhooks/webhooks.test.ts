import { createHmac, randomBytes } from 'node:crypto';
import { delayBeforeAttempt, disablesEndpoint, endpointDisableAfterFailures, webhookDeliveryWorkflowId, webhookEndpointId, webhookRetryScheduleMs } from '../../../domain/webhooks/delivery';
import { isWebhookSecret, newWebhookSecret, signWebhook, verifyWebhook, webhookHeaders, webhookIdFor } from '../../../domain/webhooks';

// The test vector published with the Standard Webhooks specification.
const vector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const at = (seconds: number) => new Date(seconds * 1000);
const headers = (signature = vector.signature, timestamp = String(vector.timestamp), id = vector.id) => ({
  'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature,
});

describe('Standard Webhooks signing', () => {
  it('[M3.3] reproduces the specification\'s published signature', () => {
    expect(signWebhook(vector.secret, vector.id, vector.timestamp, vector.body)).toBe(vector.signature);
    expect(webhookHeaders(vector.secret, vector.id, vector.timestamp, vector.body)).toEqual(headers());
  });

  it('[M3.3] verifies the published vector and refuses any change to id, timestamp, body or secret', () => {
    const now = at(vector.timestamp + 10);
    expect(verifyWebhook(vector.secret, headers(), vector.body, { now })).toEqual({ valid: true, id: vector.id, timestamp: vector.timestamp });
    expect(verifyWebhook(vector.secret, headers(), '{"test": 2432232315}', { now })).toEqual({ valid: false, reason: 'no matching signature' });
    expect(verifyWebhook(vector.secret, headers(undefined, undefined, 'msg_other'), vector.body, { now }).valid).toBe(false);
    expect(verifyWebhook(vector.secret, headers(undefined, String(vector.timestamp + 1)), vector.body, { now }).valid).toBe(false);
    expect(verifyWebhook(newWebhookSecret(randomBytes(32)), headers(), vector.body, { now }).valid).toBe(false);
  });

  it('[M3.3] enforces the timestamp tolerance in both directions', () => {
    expect(verifyWebhook(vector.secret, headers(), vector.body, { now: at(vector.timestamp + 301) })).toEqual({ valid: false, reason: 'timestamp too old' });
    expect(verifyWebhook(vector.secret, headers(), vector.body, { now: at(vector.timestamp - 301) })).toEqual({ valid: false, reason: 'timestamp too new' });
    expect(verifyWebhook(vector.secret, headers(), vector.body, { now: at(vector.timestamp + 3600), toleranceSeconds: 3600 }).valid).toBe(true);
    expect(verifyWebhook(vector.secret, headers(undefined, '16142653e1'), vector.body, { now: at(vector.timestamp) })).toEqual({ valid: false, reason: 'invalid timestamp' });
  });

  it('[M3.3] accepts any one of several space-separated signatures (secret rotation) and ignores unknown versions', () => {
    const now = at(vector.timestamp);
    const many = `v1a,${vector.signature.slice(3)} v1,AAAA ${vector.signature} v2,zzz`;
    expect(verifyWebhook(vector.secret, headers(many), vector.body, { now }).valid).toBe(true);
    expect(verifyWebhook(vector.secret, headers(`v2,${vector.signature.slice(3)}`), vector.body, { now }).valid).toBe(false);
    expect(verifyWebhook(vector.secret, headers(`${vector.signature}AA`), vector.body, { now }).valid).toBe(false);
    expect(verifyWebhook(vector.secret, { 'Webhook-Id': vector.id, 'WEBHOOK-TIMESTAMP': String(vector.timestamp), 'webhook-signature': [vector.signature] }, vector.body, { now }).valid).toBe(true);
    expect(verifyWebhook(vector.secret, new Headers(headers()), vector.body, { now }).valid).toBe(true);
    expect(verifyWebhook(vector.secret, { 'webhook-id': vector.id }, vector.body, { now })).toEqual({ valid: false, reason: 'missing webhook headers' });
  });

  it('[M3.3] keys the HMAC with the base64-decoded secret, not its text', () => {
    const secret = newWebhookSecret(randomBytes(32));
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update('msg_1.42.{}').digest('base64');
    expect(signWebhook(secret, 'msg_1', 42, '{}')).toBe(`v1,${expected}`);
  });

  it('checks secrets for prefix, base64 and the 24..64 byte range', () => {
    expect(isWebhookSecret(vector.secret)).toBe(true);
    expect(isWebhookSecret(newWebhookSecret(randomBytes(32)))).toBe(true);
    expect(isWebhookSecret('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBe(false);
    expect(isWebhookSecret(`whsec_${Buffer.alloc(16).toString('base64')}`)).toBe(false);
    expect(isWebhookSecret(`whsec_${Buffer.alloc(65).toString('base64')}`)).toBe(false);
    expect(isWebhookSecret('whsec_not base64!')).toBe(false);
  });

  it('[X2] gives one delivery the same webhook-id on every retry and different ones per version or endpoint', () => {
    const a = webhookIdFor('INC-1', 2, 'https://a.example/hook');
    expect(a).toMatch(/^msg_[A-Za-z0-9_-]{32}$/);
    expect(webhookIdFor('INC-1', 2, 'https://a.example/hook')).toBe(a);
    expect(webhookIdFor('INC-1', 3, 'https://a.example/hook')).not.toBe(a);
    expect(webhookIdFor('INC-1', 2, 'https://b.example/hook')).not.toBe(a);
  });
});

describe('the webhook retry schedule and endpoint disabling', () => {
  it('[M3.3] waits 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h before its eight attempts, then stops', () => {
    const h = 3_600_000;
    expect(webhookRetryScheduleMs).toEqual([0, 5_000, 300_000, 1_800_000, 2 * h, 5 * h, 10 * h, 10 * h]);
    expect([1, 2, 8].map(delayBeforeAttempt)).toEqual([0, 5_000, 10 * h]);
    expect(delayBeforeAttempt(9)).toBeUndefined();
    // About 27.6 hours from the first attempt to the last.
    expect(webhookRetryScheduleMs.reduce((a, b) => a + b, 0)).toBe(99_305_000);
  });

  it('[M3.3] disables an endpoint at the tenth failed attempt in a row, more than one delivery spends', () => {
    expect(endpointDisableAfterFailures).toBe(10);
    expect(disablesEndpoint(webhookRetryScheduleMs.length)).toBe(false);
    expect(disablesEndpoint(9)).toBe(false);
    expect(disablesEndpoint(10)).toBe(true);
  });

  it('[X2] names an endpoint by customer and URL and a retry workflow by its webhook-id, deterministically', () => {
    const id = webhookEndpointId('acme', 'https://hooks.acme.example/a');
    expect(id).toMatch(/^ep_[0-9a-f]{20}$/);
    expect(webhookEndpointId('acme', 'https://hooks.acme.example/a')).toBe(id);
    expect(webhookEndpointId('globex', 'https://hooks.acme.example/a')).not.toBe(id);
    const webhookId = webhookIdFor('INC-1', 2, 'https://hooks.acme.example/a');
    expect(webhookDeliveryWorkflowId(webhookId)).toBe(`webhook-delivery-${webhookId}`);
  });
});
