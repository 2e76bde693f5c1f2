import type { ActivityDeps } from './deps';
import { refuseDrills } from './drill-guard';
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
import { createArchiveActivities } from './archive';
import { createSurveyActivities } from './surveys';
import { createVendorNoticeActivities } from './vendor-notices';

/** Every activity Herald's workflows call, bound to their adapters. */
export function createActivities(deps: ActivityDeps) {
  const activities = {
    // The incident's record and its words.
    ...createAuditActivities(deps), ...createPlaybookActivities(deps), ...createDraftActivities(deps), ...createPublicationActivities(deps),
    // Who hears, and on which channel.
    ...createAudienceActivities(deps), ...createChannelActivities(deps), ...createStatusPageActivities(deps), ...createFanoutActivities(deps),
    ...createWebhookActivities(deps), ...createChannelDispatchActivities(deps), ...createEmailActivities(deps), ...createOutreachActivities(deps),
    // What lists and dashboards read.
    ...createIncidentSummaryActivities(deps),
    // What was sent, kept and provable (M5.1, X5).
    ...createArchiveActivities(deps),
    // After the resolution: how customers found what they were told (M6.3).
    ...createSurveyActivities(deps),
    // What a contributing vendor obliges: DPA customers' notices (M5.4).
    ...createVendorNoticeActivities(deps),
  };
  // A drill's incident runs only where everything it could reach is a sandbox (activities/drill-guard.ts).
  return deps.config.sandbox ? activities : refuseDrills(activities);
}

export type HeraldActivities = ReturnType<typeof createActivities>;
