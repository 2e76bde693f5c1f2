export { incidentWorkflow } from './incident';
export { broadcastWorkflow } from './broadcast';
