import type { ApiKey, Role } from '../config/api-keys';
import { HttpError } from './errors';
import type { Principal } from './route';

function keyFrom(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers['authorization'];
  if (typeof auth === 'string' && auth.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  const key = headers['x-api-key'];
  return typeof key === 'string' ? key : undefined;
}

/** Who is calling, from an API key in `Authorization: Bearer` or `X-API-Key`; 401 without one, 403 without the role. */
export function authenticate(
  headers: Record<string, string | string[] | undefined>,
  keys: ApiKey[],
  required: Role[],
): Principal {
  const presented = keyFrom(headers);
  if (!presented) throw new HttpError(401, 'an API key is required (Authorization: Bearer <key>)');
  const key = keys.find((k) => k.key === presented);
  if (!key) throw new HttpError(401, 'the API key is not valid');
  if (!required.some((r) => key.roles.includes(r))) {
    throw new HttpError(403, `this action needs one of the roles: ${required.join(', ')}`);
  }
  return { name: key.name, email: key.email, roles: key.roles, approverRoles: key.approverRoles ?? [] };
}
