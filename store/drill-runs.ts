import { Schema } from 'mongoose';
import type { Scorecard } from '../domain/drills/score';
import { required, storedIn, type BoundModels } from './schema';

/**
 * Every drill run's scorecard (M6.6), kept in Herald's own store (not the drill's sandbox), so the
 * runs of one drill compare across time. The sandbox's messages are attached as they arrived.
 */
export interface DrillRunDoc {
  _id: string;
  drill: string;
  title: string;
  mode: string;
  startedAt: Date;
  finishedAt: Date;
  /** Wall-clock milliseconds the run took, and the scenario time it covered. */
  wallMs: number;
  scenarioMs: number;
  incidentId: string;
  overall: number;
  scorecard: Scorecard;
  injects: { at: string; kind: string; outcome: string }[];
  mail: { to: string[]; subject: string; messageId: string }[];
  webhooks: { customerId?: string; webhookId?: string; path: string }[];
}

const drillRun = new Schema<DrillRunDoc>({
  ...required({ _id: String, drill: String, title: String, mode: String, startedAt: Date, finishedAt: Date, wallMs: Number, scenarioMs: Number, incidentId: String, overall: Number }),
  scorecard: { type: Schema.Types.Mixed, required: true },
  injects: { type: Schema.Types.Mixed, default: [] },
  mail: { type: Schema.Types.Mixed, default: [] },
  webhooks: { type: Schema.Types.Mixed, default: [] },
});
drillRun.index({ drill: 1, finishedAt: -1 });

export const drillRunCollections = {
  DrillRun: storedIn('drill_runs', drillRun),
};

export type DrillRunModels = BoundModels<typeof drillRunCollections>;

/** The runs of one drill, oldest first (at most the latest `limit`): what its trend is drawn from. */
export async function drillRunsOf(models: DrillRunModels, drill: string, limit = 50): Promise<DrillRunDoc[]> {
  const latest = await models.DrillRun.find({ drill }).sort({ finishedAt: -1 }).limit(limit).lean<DrillRunDoc[]>();
  return latest.reverse();
}
