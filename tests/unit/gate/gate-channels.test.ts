import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The gate is the only path out (M5.5): any activity that can put content in front of customers
 * (sends mail, calls out over HTTP, uses a delivery provider, writes the status page) must pass
 * it through `gateDispatch` (or `gateDispatchVerdict`, which answers the whole verdict) or `passExternalGate`. An activity that only ever talks to staff says
 * so with a `herald:internal-only` comment giving the reason.
 */

const activitiesDir = join(__dirname, '..', '..', '..', 'activities');
// A type-only import of a provider sends nothing.
const dispatches = /\.sendMail\(|\bfetch\(|^import (?!type\b)[^\n]*from '\.\/providers\/|StatusEntry\.(updateOne|create|insertMany|replaceOne|findOneAndUpdate|bulkWrite)\(/m;
const gated = /\b(gateDispatch|gateDispatchVerdict|passExternalGate)\(/;

describe('no channel bypasses the gate', () => {
  it('[M5.5] has every dispatching activity pass its content through the one gate', () => {
    const files = readdirSync(activitiesDir).filter((f) => f.endsWith('.ts'));
    const dispatching = files.filter((f) => dispatches.test(readFileSync(join(activitiesDir, f), 'utf8')));
    expect(dispatching).toEqual(expect.arrayContaining(['email.ts', 'status-page.ts']));
    const read = (f: string) => readFileSync(join(activitiesDir, f), 'utf8');
    // A transport module sends only what its callers hand it; it passes when every activity
    // that imports it passes the gate itself.
    const importers = (f: string) => files.filter((g) => new RegExp(`from '\\./${f.replace(/\.ts$/, '')}'`).test(read(g)));
    const bypassing = dispatching.filter((f) => {
      const source = read(f);
      if (gated.test(source) || /herald:internal-only\b/.test(source)) return false;
      if (/herald:transport\b/.test(source)) {
        const users = importers(f);
        // An importer that cannot reach a receiver itself (no mailer, HTTP or provider) only uses its bookkeeping.
        return users.length === 0 || users.some((u) => !gated.test(read(u)) && dispatches.test(read(u)));
      }
      return true;
    });
    expect(bypassing).toEqual([]);
  });
});
