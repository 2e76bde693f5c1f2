import type { RuntimeOptions } from '@temporalio/worker';

/**
 * The Temporal SDK's own worker metrics (task slots, poll and schedule-to-start latencies, sticky
 * cache, activity and workflow task failures) served by the SDK's Prometheus exporter at
 * `http://<address>/metrics`. Off unless HERALD_WORKER_METRICS_ADDR names an address, so several
 * workers on one machine (and the test suite's) never contend for a port; give each worker its own.
 * Counters end in `_total` and durations are in seconds with the unit in their names, as promtool
 * and Prometheus' naming rules expect.
 */
export function workerTelemetry(address: string | undefined): Pick<RuntimeOptions, 'telemetryOptions'> {
  if (!address) return {};
  return {
    telemetryOptions: {
      metrics: {
        prometheus: { bindAddress: address, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true },
        globalTags: { service: 'herald-worker' },
      },
    },
  };
}
