import { constantTimeEqual } from '../audit/sha256';

/** Signs a payload for one purpose: each kind of token keys its own MAC, so one cannot pass for another. */
export type Signer = (payload: string) => string;

/** A URL-safe token that carries `fields` and their MAC: `<base64url JSON>.<mac>`. */
export function sealFields(fields: readonly unknown[], sign: Signer): string {
  const payload = Buffer.from(JSON.stringify(fields)).toString('base64url');
  return `${payload}.${sign(payload)}`;
}

/** The fields of a token sealed with the same signer, or undefined when it is malformed or forged. */
export function openFields(token: string, sign: Signer): unknown[] | undefined {
  const [payload, mac, ...rest] = token.split('.');
  if (!payload || !mac || rest.length) return undefined;
  const expected = Buffer.from(sign(payload));
  const given = Buffer.from(mac);
  if (!constantTimeEqual(given, expected)) return undefined;
  try {
    const fields: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return Array.isArray(fields) ? fields : undefined;
  } catch {
    return undefined;
  }
}
