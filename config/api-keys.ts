import { z } from 'zod';

export const roles = ['responder', 'approver', 'manager', 'viewer', 'admin'] as const;
export type Role = (typeof roles)[number];

export interface ApiKey {
  key: string;
  name: string;
  roles: Role[];
}

// Demo keys for `npm start` and the test suite; production sets HERALD_API_KEYS.
export const demoApiKeys: ApiKey[] = [
  { key: 'demo-responder-key', name: 'Riley Responder', roles: ['responder'] },
  { key: 'demo-approver-key', name: 'Avery Approver', roles: ['approver'] },
  { key: 'demo-manager-key', name: 'Morgan Manager', roles: ['manager', 'responder', 'approver'] },
  { key: 'demo-viewer-key', name: 'Vic Viewer', roles: ['viewer'] },
  { key: 'demo-admin-key', name: 'Ada Admin', roles: ['admin', 'manager', 'responder', 'approver'] },
];

const keyList = z.array(
  z.object({ key: z.string().min(16), name: z.string().min(1), roles: z.array(z.enum(roles)).min(1) }),
);

/** HERALD_API_KEYS holds a JSON array of keys; without it the demo keys apply. */
export function loadApiKeys(env: NodeJS.ProcessEnv = process.env): ApiKey[] {
  const raw = env.HERALD_API_KEYS;
  if (!raw) return demoApiKeys;
  return keyList.parse(JSON.parse(raw));
}
