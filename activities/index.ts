import type { ActivityDeps } from './deps';
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
import { createIncidentSummaryActivities } from './incident-summary';

/** Every activity Herald's workflows call, bound to their adapters. */
export function createActivities(deps: ActivityDeps) {
  return {
    // The incident's record and its words.
    ...createAuditActivities(deps), ...createPlaybookActivities(deps), ...createDraftActivities(deps), ...createPublicationActivities(deps),
    // Who hears, and on which channel.
    ...createAudienceActivities(deps), ...createChannelActivities(deps), ...createStatusPageActivities(deps), ...createFanoutActivities(deps),
    ...createWebhookActivities(deps), ...createChannelDispatchActivities(deps), ...createEmailActivities(deps), ...createOutreachActivities(deps),
    // What lists and dashboards read.
    ...createIncidentSummaryActivities(deps),
  };
}

export type HeraldActivities = ReturnType<typeof createActivities>;
