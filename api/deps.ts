import type { Client } from '@temporalio/client';
import type { Transporter } from 'nodemailer';
import type { ApiKey } from '../config/api-keys';
import type { Store } from '../store/connect';

export interface ApiDeps {
  temporal: Client;
  store: Store;
  mailer: Transporter;
  taskQueue: string;
  apiKeys: ApiKey[];
  publicUrl: string;
  /** How long a request may wait for Temporal before it is answered 504 (HERALD_REQUEST_TIMEOUT_SECONDS, default 20). */
  requestTimeoutMs?: number;
}
