import { randomBytes } from 'node:crypto';

/** An ID for a record the API creates: its kind's prefix, the time (base 36) and 4 random bytes, e.g. `fb-mfx3k2a1-9c1e0b7d`. */
export function newRecordId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
