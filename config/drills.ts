import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { DrillWeights } from '../domain/drills/score';
import defaults from './drill-weights.json';

const weight = z.number().min(0).max(100);
const WeightsSchema = z.object({
  firstMessage: weight, deadlines: weight, cadence: weight, approvals: weight, coverage: weight, safety: weight, regulatory: weight.default(0),
  approvalTargetMinutes: z.number().positive().max(24 * 60),
  cadenceGraceMinutes: z.number().min(0).max(24 * 60),
}).strict();

/** The scorecard's weights and targets: config/drill-weights.json, or the file HERALD_DRILL_WEIGHTS_FILE names. */
export function drillWeights(env: NodeJS.ProcessEnv = process.env): DrillWeights {
  const file = env.HERALD_DRILL_WEIGHTS_FILE;
  return WeightsSchema.parse(file ? JSON.parse(fs.readFileSync(path.resolve(file), 'utf8')) : defaults);
}
