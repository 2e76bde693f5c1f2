import fs from 'node:fs';
import path from 'node:path';

/** One scenario's figures, as faults/results/NAME.json and the README's table carry them. */
export interface FaultResult {
  scenario: string;
  /** Faults the scenario injected (kills, outages, refused or broken answers, bad requests …). */
  faultsInjected: number;
  /** The work in flight while the faults hit (messages, deliveries, requests, deadlines …). */
  inFlight: number;
  /** Owed effects that never happened. Any loss is a bug, never a figure. */
  lost: number;
  /** Effects that happened more than once beyond what the correctness issue allows (in doubt, recorded, same Message-ID). */
  duplicated: number;
  /** Answers a client saw as an error it could not act on: 5xx other than 503 with Retry-After, hangs, unauthorized successes, leaks. */
  clientErrors: number;
  /** The longest time from a fault's end until the work went on (seconds). */
  recoverySeconds: number;
  /** Per fault, where a scenario injects several (worker-kills: from each replacement polling to its first delivery at a receiver). */
  gapsSeconds?: number[];
  /** What else the scenario measured (per-kill gaps, seeds, counts by outcome). */
  details?: Record<string, unknown>;
}

export type FaultMode = 'quick' | 'full';

export const resultsDir = path.resolve(__dirname, '../results');

/** `npm run faults` runs the full variants (HERALD_FAULTS=full); `npm test` runs the quick ones. */
export function faultMode(): FaultMode {
  return process.env.HERALD_FAULTS === 'full' ? 'full' : 'quick';
}

/** Writes faults/results/NAME.json for a full run; a quick run writes nothing. */
export function recordResult(result: FaultResult, mode: FaultMode = faultMode()): void {
  const line = `${result.scenario} (${mode}): ${result.faultsInjected} faults, ${result.inFlight} in flight, ${result.lost} lost, ${result.duplicated} duplicated, ${result.clientErrors} client errors, recovery ${result.recoverySeconds.toFixed(1)} s`;
  console.log(line);
  if (mode !== 'full') return;
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, `${result.scenario}.json`), `${JSON.stringify({ ...result, recordedAt: new Date().toISOString() }, null, 2)}\n`);
}

export const seconds = (ms: number) => Math.round(ms / 100) / 10;
