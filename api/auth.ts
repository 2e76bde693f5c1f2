import type { ApiKey, Role } from '../config/api-keys';
import { HttpError } from './errors';
import type { Principal } from './route';

type Headers = Record<string, string | string[] | undefined>;

/** The HttpOnly cookie a browser page (the dashboard) keeps its key in, set by `/dashboard?key=…`. */
export const pageKeyCookie = 'herald_key';

function cookie(headers: Headers, name: string): string | undefined {
  const raw = headers['cookie'];
  if (typeof raw !== 'string') return undefined;
  for (const part of raw.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) {
      try {
        return decodeURIComponent(part.slice(at + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * The key a request presents: `Authorization: Bearer` or `X-API-Key`; a browser page's route
 * (`page`) takes `?key=` first and its cookie last, so a link with a key signs the browser in.
 */
export function presentedKey(req: { headers: Headers; query?: unknown }, page = false): string | undefined {
  const query = page ? (req.query as Record<string, unknown> | undefined)?.key : undefined;
  if (typeof query === 'string') return query;
  const auth = req.headers['authorization'];
  if (typeof auth === 'string' && auth.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  const key = req.headers['x-api-key'];
  if (typeof key === 'string') return key;
  return page ? cookie(req.headers, pageKeyCookie) : undefined;
}

/**
 * An executive key reads the dashboard and changes nothing: it is refused on every route but a
 * GET, public ones included (an alert webhook, a one-click unsubscribe), before their own checks.
 */
export function refuseExecutiveChange(method: string, presented: string | undefined, keys: ApiKey[]): void {
  if (method === 'get' || presented === undefined) return;
  const key = keys.find((k) => k.key === presented);
  if (key?.roles.every((r) => r === 'executive')) throw new HttpError(403, 'an executive key reads the dashboard and changes nothing');
}

/** Who is calling, from the key the request presents; 401 without one, 403 without the role. */
export function authenticate(presented: string | undefined, keys: ApiKey[], required: Role[]): Principal {
  if (!presented) throw new HttpError(401, 'an API key is required (Authorization: Bearer <key>)');
  const key = keys.find((k) => k.key === presented);
  if (!key) throw new HttpError(401, 'the API key is not valid');
  if (!required.some((r) => key.roles.includes(r))) {
    throw new HttpError(403, `this action needs one of the roles: ${required.join(', ')}`);
  }
  return { name: key.name, email: key.email, roles: key.roles, approverRoles: key.approverRoles ?? [] };
}
