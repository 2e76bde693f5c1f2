import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The gate is the only path out (M5.5): any activity that can put content in front of customers
 * (sends mail, calls out over HTTP, uses a delivery provider, writes the status page) must pass
 * it through `gateDispatch` or `passExternalGate`. An activity that only ever talks to staff says
 * so with a `herald:internal-only` comment giving the reason.
 */

const activitiesDir = join(__dirname, '..', '..', 'activities');
const dispatches = /\.sendMail\(|\bfetch\(|from '\.\/providers\/|StatusEntry\.(updateOne|create|insertMany|replaceOne|findOneAndUpdate|bulkWrite)\(/;
const gated = /\b(gateDispatch|passExternalGate)\(/;

describe('no channel bypasses the gate', () => {
  it('[M5.5] has every dispatching activity pass its content through the one gate', () => {
    const files = readdirSync(activitiesDir).filter((f) => f.endsWith('.ts'));
    const dispatching = files.filter((f) => dispatches.test(readFileSync(join(activitiesDir, f), 'utf8')));
    expect(dispatching).toEqual(expect.arrayContaining(['email.ts', 'status-page.ts']));
    const bypassing = dispatching.filter((f) => {
      const source = readFileSync(join(activitiesDir, f), 'utf8');
      return !gated.test(source) && !/herald:internal-only\b/.test(source);
    });
    expect(bypassing).toEqual([]);
  });
});
