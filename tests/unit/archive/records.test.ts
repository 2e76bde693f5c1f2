import { createHash } from 'node:crypto';
import { archivedVerdict, recipientListLimit, recipientSet } from '../../../activities/archive';
import { defaultGatePolicy } from '../../../config/gate';
import { passExternalGate } from '../../../domain/gate';

/** What an archive record keeps beside the bytes (M5.1): the recipient set, or its digest and query, and the gate's verdict without the secret. */
describe('archive record details', () => {
  it('[M5.1] keeps the recipient list up to the limit and, above it, the count, SHA-256 of the sorted list and the query that produced it', () => {
    expect(recipientSet(['b@x.test', 'a@x.test'], { components: ['api'] })).toEqual({ recipients: ['a@x.test', 'b@x.test'] });
    const many = Array.from({ length: recipientListLimit + 1 }, (_, i) => `r${i}@x.test`);
    const query = { audience: 'affected customers', components: ['api'], severity: 'SEV1' };
    expect(recipientSet([...many].reverse(), query)).toEqual({
      recipientCount: many.length, recipientsSha256: createHash('sha256').update([...many].sort().join('\n')).digest('hex'), recipientQuery: query,
    });
  });

  it('[M5.1] keeps what the gate redacted by field and kind, and why it blocked, never the secret itself', () => {
    const key = 'AKIAIOSFODNN7EXAMPLE';
    const redacted = archivedVerdict(passExternalGate({ subject: 'Checkout errors', text: `We rotated ${key} after the failure.`, html: '' }, defaultGatePolicy));
    expect(redacted.allowed).toBe(true);
    expect(redacted.redacted).toEqual([expect.objectContaining({ field: 'text' })]);
    expect(JSON.stringify(redacted)).not.toContain(key);
    expect(archivedVerdict(passExternalGate({ subject: 'Checkout errors', text: 'Payments fail.', html: '' }, defaultGatePolicy))).toEqual({ allowed: true, redacted: [] });
  });
});
