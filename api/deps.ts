import type { Client } from '@temporalio/client';
import type { Transporter } from 'nodemailer';
import type { ApiKey } from '../config/api-keys';
import type { Store } from '../store/connect';
import type { ApiMetrics } from './metrics';

export interface ApiDeps {
  temporal: Client;
  store: Store;
  mailer: Transporter;
  taskQueue: string;
  apiKeys: ApiKey[];
  publicUrl: string;
  /** How long a request may wait for Temporal before it is answered 504 (HERALD_REQUEST_TIMEOUT_SECONDS, default 20). */
  requestTimeoutMs?: number;
  /**
   * Set only by the drill runner (drill/run.ts): every incident this API declares is a drill, and
   * its detection time is read from the drill's clock (the time-skipping server's), not the wall.
   */
  drill?: { now(): Promise<number> };
  /** GET /metrics' registry; createApp makes one when none is given. */
  metrics?: ApiMetrics;
}
