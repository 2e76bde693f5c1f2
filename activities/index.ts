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
