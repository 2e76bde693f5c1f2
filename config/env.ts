import { z } from 'zod';

const EnvSchema = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  HERALD_TASK_QUEUE: z.string().default('herald'),
  /** Workflows kept in worker memory; 0 turns sticky execution off (used by crash tests). */
  HERALD_WORKFLOW_CACHE_SIZE: z.coerce.number().int().nonnegative().optional(),
  /** A prebuilt workflow bundle (bundleWorkflowCode's code, written to a file): the worker starts without bundling. */
  HERALD_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  MONGODB_URI: z.string().default('mongodb://127.0.0.1:27017/herald'),
  SMTP_URL: z.string().default('smtp://127.0.0.1:1025'),
  /** A second relay customer email fails over to while the first refuses connections or answers 4xx (activities/providers/failover.ts). */
  SMTP_FALLBACK_URL: z.string().min(1).optional(),
  /** How long an SMTP connection may stay silent (connect, greeting, any reply) before the send counts as failed and is retried. */
  HERALD_SMTP_TIMEOUT_SECONDS: z.coerce.number().positive().default(30),
  HERALD_HOST: z.string().default('127.0.0.1'),
  HERALD_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** How long an API request may wait for Temporal (an incident whose worker is down) before it answers 504. */
  HERALD_REQUEST_TIMEOUT_SECONDS: z.coerce.number().positive().optional(),
  HERALD_PUBLIC_URL: z.string().optional(),
  HERALD_FROM_ADDRESS: z.string().default('Herald Status <status@herald.example>'),
  HERALD_MESSAGE_ID_DOMAIN: z.string().default('herald.example'),
  HERALD_ESCALATION_EMAILS: z.string().default('comms-backup@herald.internal'),
  /** How far behind the status page another channel may carry a version (config/channels.ts); checked at start. */
  HERALD_CHANNEL_LAG_BOUND_SECONDS: z.coerce.number().positive().optional(),
});

export type HeraldEnv = z.infer<typeof EnvSchema> & { HERALD_PUBLIC_URL: string };

/** Herald's whole configuration comes from the environment; see the README's table. */
export function loadEnv(env: NodeJS.ProcessEnv = process.env): HeraldEnv {
  const parsed = EnvSchema.parse(env);
  return { ...parsed, HERALD_PUBLIC_URL: parsed.HERALD_PUBLIC_URL ?? `http://127.0.0.1:${parsed.HERALD_PORT}` };
}
