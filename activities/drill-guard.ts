import { ApplicationFailure } from '@temporalio/activity';

/** True when an activity's request concerns a drill incident (its `incident`, or itself, carries the flag). */
export function concernsDrill(request: unknown): boolean {
  if (!request || typeof request !== 'object') return false;
  const r = request as { drill?: unknown; incident?: { drill?: unknown }; input?: { drill?: unknown } };
  return r.drill === true || r.incident?.drill === true || r.input?.drill === true;
}

/**
 * The last line of the drill sandbox (drill/sandbox.ts): a worker that is not a drill's refuses
 * every activity of a drill incident, so that a drill started by mistake on a production task
 * queue fails loudly and sends nothing, rather than reaching real customers.
 */
export function refuseDrills<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      async (...args: never[]) => {
        if (args.some(concernsDrill)) {
          throw ApplicationFailure.nonRetryable(`${name}: a drill incident reached a worker without a drill sandbox; nothing was sent`, 'DrillOutsideSandbox');
        }
        return fn(...args);
      },
    ]),
  ) as T;
}
