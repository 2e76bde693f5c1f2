import type { Transporter } from 'nodemailer';
import type { Store } from '../store/connect';
import { createAuditActivities } from './audit';
import { createChannelActivities } from './channels';
import { createDraftActivities } from './drafting';
import { createEmailActivities } from './email';
import { createFanoutActivities } from './fanout';
import { createPlaybookActivities } from './playbooks';
import { createStatusPageActivities } from './status-page';
import { createWebhookActivities } from './webhooks';
import { createAudienceActivities } from './audience';
import { createOutreachActivities } from './outreach';
import { createPublicationActivities } from './publication';
import { createChannelDispatchActivities } from './channels-dispatch';

export interface ActivityDeps {
  store: Store;
  mailer: Transporter;
  config: ActivityConfig;
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
}

/** Every activity Herald's workflows call, bound to their adapters. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createAuditActivities(deps),
    ...createChannelActivities(deps),
    ...createPlaybookActivities(deps),
    ...createDraftActivities(deps),
    ...createEmailActivities(deps),
    ...createFanoutActivities(deps),
    ...createStatusPageActivities(deps),
    ...createWebhookActivities(deps),
    ...createAudienceActivities(deps),
    ...createOutreachActivities(deps),
    ...createPublicationActivities(deps),
    ...createChannelDispatchActivities(deps),
  };
}

export type HeraldActivities = ReturnType<typeof createActivities>;
