import { z } from 'zod';

export const roles = ['responder', 'approver', 'manager', 'viewer', 'admin', 'executive', 'records', 'holds'] as const;
export type Role = (typeof roles)[number];

/** Sign-off rights an approver key carries (M5.2). */
export const approverRoleNames = ['legal', 'pr', 'executive', 'dpo'] as const;

export type ApproverRoleName = (typeof approverRoleNames)[number];

export interface ApiKey {
  key: string;
  name: string;
  /** The person behind the key, as playbooks and handoffs name people. */
  email: string;
  roles: Role[];
  approverRoles?: ApproverRoleName[];
}

// Demo keys for `npm start` and the test suite; production sets HERALD_API_KEYS.
export const demoApiKeys: ApiKey[] = [
  { key: 'demo-responder-key', name: 'Riley Responder', email: 'riley@herald.example', roles: ['responder'] },
  { key: 'demo-approver-key', name: 'Avery Approver', email: 'avery@herald.example', roles: ['approver'], approverRoles: ['legal', 'pr', 'executive', 'dpo'] },
  { key: 'demo-legal-key', name: 'Lee Legal', email: 'lee@herald.example', roles: ['approver'], approverRoles: ['legal'] },
  { key: 'demo-manager-key', name: 'Morgan Manager', email: 'morgan@herald.example', roles: ['manager', 'responder'] },
  { key: 'demo-viewer-key', name: 'Vic Viewer', email: 'vic@herald.example', roles: ['viewer'] },
  { key: 'demo-admin-key', name: 'Ada Admin', email: 'ada@herald.example', roles: ['admin', 'manager', 'responder'] },
  { key: 'demo-executive-key', name: 'Eden Executive', email: 'eden@herald.example', roles: ['executive'] },
  { key: 'demo-records-key', name: 'Rene Records', email: 'rene@herald.example', roles: ['records'] },
  { key: 'demo-holds-key', name: 'Harper Holds', email: 'harper@herald.example', roles: ['holds'] },
];

const keyList = z.array(
  z.object({
    key: z.string().min(16),
    name: z.string().min(1),
    email: z.string().email(),
    roles: z.array(z.enum(roles)).min(1),
    approverRoles: z.array(z.enum(approverRoleNames)).optional(),
  }),
);

/** HERALD_API_KEYS holds a JSON array of keys; without it the demo keys apply. */
export function loadApiKeys(env: NodeJS.ProcessEnv = process.env): ApiKey[] {
  const raw = env.HERALD_API_KEYS;
  if (!raw) return demoApiKeys;
  return keyList.parse(JSON.parse(raw));
}
