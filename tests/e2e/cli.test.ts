import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { uniqueName } from '../support/env';
import { harnessForFile, keys } from '../support/harness';
import { waitForState } from '../support/incidents';
import { waitFor } from '../support/wait';

/**
 * The `herald` command as a person or a script runs it (node bin/herald.mjs), against the API on
 * the demo data: one SEV2 from declaration to resolution, --json, and the exit codes.
 */
const h = harnessForFile({ data: 'demo' });
const word = uniqueName('Wombat').replace(/-/g, '');

function herald(key: string | undefined, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { HERALD_API_KEY: _unused, ...inherited } = process.env;
  const env = { ...inherited, HERALD_URL: h.baseUrl, ...(key ? { HERALD_API_KEY: key } : {}) };
  const child = spawn(process.execPath, [join(__dirname, '..', '..', 'bin', 'herald.mjs'), ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const declareArgs = (severity: string) => [
  'declare', '--title', `Card payments fail (${word})`, '--category', 'outage', '--severity', severity,
  '--component', 'payments', '--summary', 'Card payments are declined.',
];

describe('the herald CLI', () => {
  it('[M5.2][M3.6] takes a SEV2 from declaration through bound sign-offs (which publish it) to resolution', async () => {
    const declared = await herald(keys.responder, ...declareArgs('SEV2'));
    expect(declared).toMatchObject({ code: 0, stderr: '' });
    const id = /declared (\S+)/.exec(declared.stdout)![1];

    const state = await waitForState(h, id, (s) => s.status === 'awaiting-approval', `${id} awaiting approval`);
    const { version, hash } = state.currentDraft;
    expect(state.requiredApprovers.length).toBeGreaterThan(0);
    const shown = await herald(keys.viewer, 'show', id);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/status\s+awaiting-approval/);
    expect(shown.stdout).toMatch(/severity\s+SEV2/);
    expect(shown.stdout).toContain(`v${version} ${hash}`);
    expect(shown.stdout).toMatch(new RegExp(`pending approvers\\s+${state.requiredApprovers.join(', ')}`));
    expect(shown.stdout).toMatch(new RegExp(`first message due\\s+${state.firstMessageDueAt}`));

    // A sign-off of a version that is not the current one is refused plainly, with the current version and hash.
    const stale = await herald(keys.approver, 'approve', id, '--version', String(version + 1));
    expect(stale.code).toBe(3);
    expect(stale.stderr).toContain('409 conflict');
    expect(stale.stderr).toContain(`currentVersion: ${version}`);
    expect(stale.stderr).toContain(`currentHash: ${hash}`);

    for (const role of state.requiredApprovers as string[]) {
      const signed = await herald(keys.approver, 'approve', id, '--version', String(version), '--hash', hash, '--as', role);
      expect(signed).toMatchObject({ code: 0, stderr: '' });
      expect(signed.stdout).toContain(`approved v${version} (${hash}) as ${role}`);
    }
    // The first version was asked for at declaration: the last sign-off publishes it.

    const listed = await waitFor(() => herald(keys.viewer, 'list', '--q', word), (r) => new RegExp(`${id}\\s+SEV2\\s+published\\s+Card payments fail`).test(r.stdout), `${id} listed as published`);
    expect(listed.stdout).toMatch(/^ID\s+SEVERITY\s+STATUS\s+TITLE\s+UPDATED\n/);

    const json = await herald(keys.viewer, '--json', 'list', '--q', word, '--status', 'published');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ incidents: [{ id, severity: 'SEV2', status: 'published' }], counts: { total: 1 } });
    const published = JSON.parse((await herald(keys.viewer, 'show', id, '--json')).stdout);
    expect(published).toMatchObject({ id, published: [{ version }] });
    expect((await herald(keys.viewer, 'show', id)).stdout).toMatch(new RegExp(`published\\s+v${version}\n(.*\n)?next update due\\s+${published.nextUpdateDueAt}`));

    const history = await herald(keys.viewer, 'history', id);
    expect(history.stdout).toMatch(new RegExp(`v${version}\\*\\s+investigating\\s.*\\s${hash}`));

    expect(await herald(keys.responder, 'resolve', id, '--summary', 'Card payments work again.')).toMatchObject({ code: 0, stdout: `resolution of ${id} accepted\n` });
    const closing = await waitForState(h, id, (s) => s.currentDraft.phase === 'resolved' && s.status === 'awaiting-approval', `${id}'s resolution awaiting approval`);
    expect(closing.currentDraft.version).toBe(version + 1);
    // Publishing the superseded version is refused, with the current one.
    const superseded = await herald(keys.responder, 'publish', id, '--version', String(version));
    expect(superseded.code).toBe(3);
    expect(superseded.stderr).toContain(`currentVersion: ${version + 1}`);
    expect(await herald(keys.approver, 'approve', id, '--version', String(version + 1))).toMatchObject({ code: 0 });
    await waitForState(h, id, (s) => s.status === 'resolved', `${id} resolved`);
    expect((await herald(keys.viewer, 'list', '--q', word, '--status', 'resolved')).stdout).toMatch(new RegExp(`${id}\\s+SEV2\\s+resolved`));
  });

  it('exits 5 on invalid input and prints each issue', async () => {
    const bad = await herald(keys.responder, ...declareArgs('SEV9'));
    expect(bad.code).toBe(5);
    expect(bad.stderr).toMatch(/^400 bad_request: /);
    expect(bad.stderr).toMatch(/\n {2}severity: /);
  });

  it('exits 2 for an unknown incident, 4 without a key or role, 1 on a usage error, 6 when Herald is unreachable', async () => {
    expect(await herald(keys.viewer, 'show', `INC-${word}`)).toMatchObject({ code: 2, stderr: expect.stringMatching(/^404 not_found: /) });
    expect((await herald(undefined, 'list')).code).toBe(4);
    expect((await herald(keys.viewer, 'resolve', `INC-${word}`, '--summary', 'Fixed.')).code).toBe(4);
    expect(await herald(keys.approver, 'approve', 'X')).toMatchObject({ code: 1, stderr: expect.stringContaining("required option '--version <n>'") });
    expect(await herald(keys.viewer, 'list', '--url', 'http://127.0.0.1:65535')).toMatchObject({ code: 6, stderr: expect.stringContaining('cannot reach Herald at http://127.0.0.1:65535') });
  });
});
