export { incidentWorkflow } from './incident';
export { broadcastWorkflow } from './broadcast';
export { webhookDeliveryWorkflow } from './webhook-delivery';
