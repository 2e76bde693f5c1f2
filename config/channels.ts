/** The bound when HERALD_CHANNEL_LAG_BOUND_SECONDS is not set: five minutes. */
const defaultChannelLagBoundSeconds = 300;

/**
 * How far behind the first channel (the status page) any other channel may carry a version
 * (M3.3): HERALD_CHANNEL_LAG_BOUND_SECONDS, validated at start by config/env.ts. A channel past
 * it is reported late in the channel log and in the `channels-delivered` audit record.
 */
export function channelLagBoundMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.HERALD_CHANNEL_LAG_BOUND_SECONDS);
  return Math.round((Number.isFinite(seconds) && seconds > 0 ? seconds : defaultChannelLagBoundSeconds) * 1000);
}
