export { incidentWorkflow } from './incident';
export { broadcastWorkflow } from './broadcast';
export { webhookDeliveryWorkflow } from './webhook-delivery';
export { archiveCheckpointWorkflow, archiveRetentionWorkflow } from './archive';
export { surveyWorkflow } from './survey';
