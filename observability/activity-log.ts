import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { incidentFields, type IncidentLogFields } from './incident-fields';
import { rootLogger, withLogScope, type Logger } from './log';

type Fields = Record<string, unknown>;

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

/**
 * The incident and message version an activity works on, read from its first argument as Herald's
 * activities take them (`incidentId`, `incident.id`, `version`, `message.version`, `details.version`).
 */
export function argumentFields(arg: unknown): IncidentLogFields {
  if (!arg || typeof arg !== 'object') return {};
  const a = arg as Fields;
  const incident = a.incident as Fields | undefined;
  const incidentId = str(a.incidentId) ?? str(incident?.id) ?? str(incident?.incidentId);
  const version = num(a.version) ?? num((a.message as Fields | undefined)?.version) ?? num((a.details as Fields | undefined)?.version);
  return { ...(incidentId ? { incidentId } : {}), ...(version !== undefined ? { version } : {}) };
}

/** An activity's logger, from the Temporal activity context: its workflow, incident, message version, type and attempt. */
export function activityLogger(ctx: Context, args: readonly unknown[], base: Logger = rootLogger()): Logger {
  const { workflowExecution, activityType, attempt } = ctx.info;
  return base.child({
    ...(workflowExecution ? { ...incidentFields(workflowExecution.workflowId), runId: workflowExecution.runId } : {}),
    ...argumentFields(args[0]),
    activityType,
    attempt,
  });
}

/**
 * Every activity runs with its logger as the current one (currentLog() inside it carries the
 * incident's fields) and ends with one line: completed at info, failed at warn with the error.
 */
export const activityLogging: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    async execute(input, next) {
      const log = activityLogger(ctx, input.args);
      const started = performance.now();
      return withLogScope(log, async () => {
        try {
          const result = await next(input);
          log.info({ durationMs: Math.round(performance.now() - started) }, 'activity completed');
          return result;
        } catch (err) {
          log.warn({ err, durationMs: Math.round(performance.now() - started) }, 'activity failed');
          throw err;
        }
      });
    },
  },
});
