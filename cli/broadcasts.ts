/** Following one version's publication until every channel delivered it: what `--wait` and `watch` poll. */
import type { BroadcastProgress } from '../domain/delivery/progress';
import { call, CliError, exitCodes, type Connection } from './api';
import type { BroadcastDisplay } from './progress';

export type VersionProgress = BroadcastProgress & { incidentId: string };

const enc = encodeURIComponent;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function readProgress(conn: Connection, id: string, version: number): Promise<VersionProgress> {
  return call<VersionProgress>(conn, 'GET', `/v1/incidents/${enc(id)}/broadcasts/${version}`);
}

interface IncidentGate {
  status: string;
  requiredApprovers: string[];
  approvals: { version: number; role: string; decision: string }[];
  blackout?: { until: string; reason: string };
  blockedBy?: { version: number; reasons?: string[] };
}

/**
 * Polls the version's progress into the display until it is finished. Refused with exit 3 when
 * the publication check or the gate stops the version; gives up (exit 6) after `timeoutMs`.
 */
export async function followPublication(
  conn: Connection,
  id: string,
  version: number,
  display: BroadcastDisplay,
  opts: { intervalMs: number; timeoutMs: number; note?: (line: string) => void },
): Promise<VersionProgress> {
  const deadline = Date.now() + opts.timeoutMs;
  let told = '';
  let last: VersionProgress | undefined;
  try {
    for (;;) {
      last = await readProgress(conn, id, version);
      if (last.state === 'finished') {
        display.stop(last);
        return last;
      }
      if (last.state === 'not-started') {
        const s = await call<IncidentGate>(conn, 'GET', `/v1/incidents/${enc(id)}`);
        if (s.blockedBy?.version === version) {
          throw new CliError(`v${version} was stopped before it left: ${(s.blockedBy.reasons ?? []).join('; ') || 'see herald show'}`, exitCodes.conflict);
        }
        const signed = new Set(s.approvals.filter((a) => a.version === version && a.decision === 'approve').map((a) => a.role));
        const pending = s.requiredApprovers.filter((r) => !signed.has(r));
        const why = pending.length
          ? `v${version} waits for sign-offs: ${pending.join(', ')}`
          : s.blackout ? `v${version} is held by the blackout until ${s.blackout.until}` : `v${version} is queued for publication`;
        if (why !== told) opts.note?.(why);
        told = why;
      } else {
        display.update(last);
      }
      if (Date.now() > deadline) {
        throw new CliError(`gave up waiting for v${version} of ${id} after ${Math.round(opts.timeoutMs / 1000)} s (${last.state})`, exitCodes.server);
      }
      await pause(opts.intervalMs);
    }
  } catch (err) {
    display.stop();
    throw err;
  }
}
