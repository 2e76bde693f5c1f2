import type { Transporter } from 'nodemailer';
import type { OutboundEmail } from '../domain/delivery/providers';
import type { Store } from '../store/connect';
import type { Models } from '../store/models';
import type { FailoverSender } from './providers/failover';

/** What every activity factory is built from: the store, the SMTP transport and the worker's configuration. */
export interface ActivityDeps {
  store: Store;
  mailer: Transporter;
  config: ActivityConfig;
  /** Customer email's provider chain (the worker's relay, then its fallback); absent, `mailer` alone. */
  email?: FailoverSender<OutboundEmail>;
}

export interface ActivityConfig {
  /** The From address of customer email. */
  fromAddress: string;
  /** Where the public status page lives; links in messages point here. */
  publicUrl: string;
  /** The right-hand side of deterministic Message-IDs. */
  messageIdDomain: string;
  /** Internal addresses told when a deadline is missed (the backup communication lead). */
  escalationEmails: string[];
  /** Signs tracked status-page links on every channel (M2.6); HERALD_LINK_SECRET via config/tracking.ts when absent. */
  linkSecret?: string;
  /** Signs the one-click unsubscribe links of customer email (M3.3); HERALD_UNSUBSCRIBE_SECRET via config/unsubscribe.ts when absent. */
  unsubscribeSecret?: string;
  /** How far behind the first channel another may carry a version; HERALD_CHANNEL_LAG_BOUND_SECONDS via config/channels.ts when absent. */
  channelLagBoundMs?: number;
  /** This worker runs drills (drill/run.ts): its store, mail and endpoints are a sandbox. Every other worker refuses drill incidents. */
  sandbox?: boolean;
}

/** What loadAudience reads: the dependency graph, the customers and the suppression list. */
export type AudienceCollections = 'Component' | 'Customer' | 'Suppression';

/**
 * What an activity needs of the store: the collections it reads and writes, through the
 * functions of `store/`, and nothing else of the connection.
 */
export interface StoreDeps<K extends keyof Models> {
  store: { models: Pick<Models, K> };
}
