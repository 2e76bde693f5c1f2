import { lintRoutes } from './lint';
import { nearMissRoutes } from './near-misses';
import { snippetRoutes } from './snippets';
import { templateRoutes } from './templates';
import { trackingRoutes } from './tracking';

/** Templates, snippets, lint, tracked links and near misses: what keeps messages safe and clear. */
export const messageSafetyRoutes = [...templateRoutes, ...snippetRoutes, ...lintRoutes, ...trackingRoutes, ...nearMissRoutes];
