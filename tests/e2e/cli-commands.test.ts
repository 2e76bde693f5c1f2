import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniqueName } from '../support/env';
import { harnessForFile, keys } from '../support/harness';
import { waitForState } from '../support/incidents';

/**
 * The herald commands beyond the core lifecycle, run as a person runs them (node bin/herald.mjs)
 * against the API on the demo data: edit in $EDITOR with the stale-version refusal, publish --wait
 * with its progress, watch, decide, handoff, blackout, audit, import customers, playbooks
 * validate and completion. What customers receive from the publication is checked in Mailpit.
 */
const h = harnessForFile({ data: 'demo' });
const word = uniqueName('Quokka').replace(/-/g, '');
const low = word.toLowerCase();
const scratch = mkdtempSync(join(tmpdir(), 'herald-cli-'));
const bin = join(__dirname, '..', '..', 'bin', 'herald.mjs');

interface Ran { code: number | null; stdout: string; stderr: string }

function herald(key: string | undefined, args: string[], extra: { env?: Record<string, string>; stdin?: string } = {}): Promise<Ran> {
  const { HERALD_API_KEY: _unused, ...inherited } = process.env;
  // No config file: the key comes from the environment only.
  const env = { ...inherited, HERALD_URL: h.baseUrl, XDG_CONFIG_HOME: scratch, ...(key ? { HERALD_API_KEY: key } : {}), ...extra.env };
  const child = spawn(process.execPath, [bin, ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(extra.stdin ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** An $EDITOR that changes the words the way a person would, in the file herald opens. */
function editor(name: string, script: string): string {
  const path = join(scratch, name);
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
  return path;
}

async function declare(title: string) {
  const r = await herald(keys.responder, [
    'declare', '--title', title, '--category', 'outage', '--severity', 'SEV2', '--component', 'payments', '--summary', 'Card payments are declined.',
  ]);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  const id = /declared (\S+)/.exec(r.stdout)![1];
  return { id, state: await waitForState(h, id, (s) => s.status === 'awaiting-approval', `${id} awaiting approval`) };
}

describe('the herald CLI commands', () => {
  it('[M3.6][M3.3] edit opens $EDITOR on the current version, refuses a stale base plainly, and publish --wait shows the delivery that reaches customers', async () => {
    const { id, state } = await declare(`Card payments fail (${word})`);
    const v1 = state.currentDraft;

    // The editor adds a sentence to the text; herald submits it as v2 based on v1.
    const addLine = editor('add-line.sh', `printf 'We are moving payments to the standby processor (${word}).\\n' >> "$1"`);
    const edited = await herald(keys.responder, ['edit', id], { env: { EDITOR: addLine, VISUAL: '' } });
    expect(edited).toMatchObject({ code: 0, stderr: '' });
    expect(edited.stdout).toMatch(new RegExp(`^drafted v${v1.version + 1} \\(\\w+\\) from v${v1.version}`));
    const v2 = (await waitForState(h, id, (s) => s.currentDraft.version === v1.version + 1, `${id} v2`)).currentDraft;
    expect(v2.text).toContain(`standby processor (${word})`);
    expect(v2.subject).toBe(v1.subject);

    // An edit of v1, now stale: refused with exit 3, the current version and hash shown, the edited text kept.
    const stale = await herald(keys.responder, ['draft', id, '--base', String(v1.version)], { env: { EDITOR: addLine, VISUAL: '' } });
    expect(stale.code).toBe(3);
    expect(stale.stderr).toContain('409 conflict');
    expect(stale.stderr).toContain(`currentVersion: ${v2.version}`);
    expect(stale.stderr).toContain(`currentHash: ${v2.hash}`);
    expect(stale.stderr).toMatch(new RegExp(`your edit of v${v1.version} is kept in \\S+${id}-v${v1.version}\\.txt`));
    // An editor that changes nothing submits nothing; one that fails submits nothing and says so.
    expect((await herald(keys.responder, ['edit', id], { env: { EDITOR: 'true', VISUAL: '' } })).stdout).toBe(`no change to v${v2.version}; nothing submitted\n`);
    const failed = await herald(keys.responder, ['edit', id], { env: { EDITOR: 'false', VISUAL: '' } });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/the editor \(false\) exited with 1; nothing submitted/);

    // The publication asked for at declaration carries to the current version: the last sign-off publishes it.
    const roles = state.requiredApprovers as string[];
    for (const role of roles.slice(0, -1)) {
      expect((await herald(keys.approver, ['approve', id, '--version', String(v2.version), '--hash', v2.hash, '--as', role])).code).toBe(0);
    }
    const published = await herald(keys.approver, [
      'approve', id, '--version', String(v2.version), '--hash', v2.hash, '--as', roles.at(-1)!, '--wait', '--interval', '0.2', '--timeout', '120',
    ]);
    expect(published).toMatchObject({ code: 0, stderr: '' });
    expect(published.stdout).toContain(`the last sign-off publishes v${v2.version}`);
    // Not a terminal: progress lines while sending, then the finished bars per channel.
    expect(published.stdout).toMatch(new RegExp(`v${v2.version} finished: (\\d+) of \\1 sent`));
    expect(published.stdout).toMatch(/\n {2}email +█+ (\d+)\/\1 done/);
    expect(published.stdout).toMatch(/\n {2}status-page +█+ 1\/1 done/);

    // What customers received is the edited version.
    const mails = await h.mailpit.waitForIncident(id, (m) => m.some((x) => x.Subject.includes(v2.subject)));
    expect(await h.mailpit.text(mails.find((x) => x.Subject.includes(v2.subject))!.ID)).toContain(`standby processor (${word})`);
    const progress = JSON.parse((await herald(keys.viewer, ['--json', 'watch', id, '--once'])).stdout);
    const email = progress.broadcasts.at(-1).channels.find((c: { channel: string }) => c.channel === 'email');
    expect(email).toMatchObject({ state: 'done', failed: 0 });
    expect(email.sent + email.deferred).toBe(email.total);

    const watched = await herald(keys.viewer, ['watch', id, '--once']);
    expect(watched.code).toBe(0);
    expect(watched.stdout).toMatch(/status\s+published/);
    expect(watched.stdout).toContain(`delivery of v${v2.version}:`);

    // The audit chain verifies, by the API and again by the CLI.
    const audit = await herald(keys.manager, ['audit', id]);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toMatch(/^SEQ\s+AT\s+STEP\s+ACTOR\s+HASH\s+DETAILS\n/);
    expect(audit.stdout).toMatch(/verified by Herald: \d+ records, chain intact\nverified here: \d+ records, chain intact\n$/);
    expect((await herald(keys.viewer, ['audit', id])).code).toBe(4);
  });

  it('[M4.4][M4.5][M4.6] decide, handoff and blackout act on the incident and are refused plainly when the state does not allow them', async () => {
    const { id } = await declare(`Checkout slow (${word})`);

    const decided = await herald(keys.responder, ['decide', id, '--what', 'Fail over to the standby processor', '--why', 'The primary is degraded']);
    expect(decided).toMatchObject({ code: 0, stdout: expect.stringMatching(/^decision D1 recorded at \S+: Fail over to the standby processor\n$/) });
    const decisions = await herald(keys.viewer, ['decide', id]);
    expect(decisions.stdout).toMatch(/^ID\s+AT\s+BY\s+WHAT\s+WHY\nD1\s+\S+\s+Riley Responder\s+Fail over to the standby processor\s+The primary is degraded/);
    expect((await herald(keys.responder, ['decide', id, '--what', 'Half a decision'])).code).toBe(1);

    const handed = await herald(keys.responder, ['handoff', id, '--to', 'morgan@herald.example', '--notes', 'Payments failover in progress; v1 awaits legal.']);
    expect(handed).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^handed ${id} to morgan@herald.example; to acknowledge by \\S+Z\\n$`)) });
    // Only the person it was handed to can take it over.
    const notYours = await herald(keys.admin, ['handoff', id, '--acknowledge']);
    expect(notYours.code).toBe(4);
    expect(notYours.stderr).toMatch(/^403 /);
    const taken = await herald(keys.manager, ['handoff', id, '--acknowledge']);
    expect(taken).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^morgan@herald.example now owns communication of ${id}; \\d+ open deadline\\(s\\) moved\\n$`)) });

    const blackout = await herald(keys.responder, ['blackout', id, '--minutes', '30', '--reason', 'Legal review of the breach notice']);
    expect(blackout).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^blackout of ${id} until \\S+Z: non-critical communication is held\\n$`)) });
    const again = await herald(keys.responder, ['--json', 'blackout', id, '--minutes', '10', '--reason', 'Twice']);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('a blackout is already active until');
    expect((await herald(keys.responder, ['blackout', id, '--minutes', '10'])).code).toBe(1);
    const ended = await herald(keys.responder, ['--json', 'blackout', id, '--end']);
    expect(ended.code).toBe(0);
    expect(JSON.parse(ended.stdout)).toEqual({ released: expect.any(Number) });
    expect((await herald(keys.responder, ['blackout', id, '--end'])).code).toBe(3);

    const shown = await herald(keys.viewer, ['show', id]);
    expect(shown.stdout).toMatch(/decision D1\s+Fail over to the standby processor/);
    const state = await waitForState(h, id, (s) => s.roles['communication-lead'].includes('morgan@herald.example') && !s.blackout, `${id} led by Morgan`);
    expect(state.decisions).toEqual([expect.objectContaining({ id: 'D1', what: 'Fail over to the standby processor' })]);
  });

  it('[M1.4] import customers reads CSV or NDJSON whole or not at all, naming the refused rows by their line in the file', async () => {
    const csv = join(scratch, 'customers.csv');
    writeFileSync(csv, [
      'customerId,name,tier,locale,emails,subscriptions',
      `cli-${low}-1,Numbat Foods,standard,en,ops@numbat-${low}.example;cto@numbat-${low}.example,payments;api`,
      `cli-${low}-2,Bilby Travel,business,de,it@bilby-${low}.example,payments`,
    ].join('\n'));
    const dry = await herald(keys.admin, ['import', 'customers', csv, '--print']);
    expect(dry.stdout.trim().split('\n').map((l) => JSON.parse(l))[0]).toEqual({
      customerId: `cli-${low}-1`, name: 'Numbat Foods', tier: 'standard', locale: 'en',
      emails: [`ops@numbat-${low}.example`, `cto@numbat-${low}.example`], subscriptions: ['payments', 'api'],
    });
    const imported = await herald(keys.admin, ['import', 'customers', csv]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/import \S+customers\.csv █+ 2 rows in \d+s\nimported 2 customers \(\S+\)\n$/);
    const got = await fetch(`${h.baseUrl}/v1/customers/cli-${low}-2`, { headers: { authorization: `Bearer ${keys.responder}` } });
    expect(await got.json()).toMatchObject({ name: 'Bilby Travel', tier: 'business', locale: 'de' });

    // A bad row: nothing lands, and the refusal names the file's line.
    const ndjson = join(scratch, 'more.ndjson');
    writeFileSync(ndjson, [
      JSON.stringify({ customerId: `cli-${low}-3`, name: 'Dingo Labs', tier: 'standard' }),
      JSON.stringify({ customerId: `cli-${low}-4`, name: 'Emu Bank', tier: 'enterprise' }),
    ].join('\n'));
    const refused = await herald(keys.admin, ['import', 'customers', ndjson]);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain(`more.ndjson:2 (cli-${low}-4): phone: enterprise customers need a phone contact`);
    expect((await fetch(`${h.baseUrl}/v1/customers/cli-${low}-3`, { headers: { authorization: `Bearer ${keys.responder}` } })).status).toBe(404);
    expect((await herald(keys.viewer, ['import', 'customers', csv])).code).toBe(4);
    expect((await herald(keys.admin, ['import', 'customers', join(scratch, 'customers.txt')])).code).toBe(1);
  });

  it('[M7.2] playbooks validate checks a folder offline with the API schema, and completion covers every command', async () => {
    const shipped = await herald(undefined, ['playbooks', 'validate', join(__dirname, '..', '..', 'playbooks')], { env: { HERALD_URL: 'http://127.0.0.1:9' } });
    expect(shipped.code).toBe(0);
    expect(shipped.stdout).toMatch(/\n\d+ playbooks valid\n$/);
    const dir = mkdtempSync(join(scratch, 'playbooks-'));
    writeFileSync(join(dir, 'wrong-name.json'), JSON.stringify({ id: 'other', name: 'x' }));
    writeFileSync(join(dir, 'broken.yaml'), 'id: [unclosed');
    const bad = await herald(undefined, ['--json', 'playbooks', 'validate', dir]);
    expect(bad.code).toBe(5);
    const report = JSON.parse(bad.stdout);
    expect(report).toMatchObject({ valid: false, playbooks: [{ file: 'broken.yaml', valid: false }, { file: 'wrong-name.json', valid: false }] });
    expect(report.playbooks[0].issues[0].message).toMatch(/^not valid YAML/);
    expect(report.playbooks[1].issues.length).toBeGreaterThan(0);

    // The bash script, loaded into bash, completes commands, subcommands, options and their choices.
    const bash = await herald(undefined, ['completion', 'bash']);
    expect(bash.code).toBe(0);
    const script = join(scratch, 'herald.bash');
    writeFileSync(script, bash.stdout);
    const complete = (...words: string[]) => new Promise<string>((resolve) => {
      const child = spawn('bash', ['-c', `source "$1"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _herald; echo "\${COMPREPLY[*]}"`, 'bash', script]);
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('close', () => resolve(out.trim()));
    });
    expect((await complete('herald', '')).split(' ')).toEqual(expect.arrayContaining([
      'declare', 'list', 'show', 'watch', 'edit', 'draft', 'approve', 'publish', 'handoff', 'decide', 'blackout', 'resolve', 'history', 'audit', 'import', 'playbooks', 'completion',
    ]));
    expect(await complete('herald', 'bl')).toBe('blackout');
    expect(await complete('herald', 'import', 'cu')).toBe('customers');
    expect(await complete('herald', 'import', 'customers', '--format', '')).toBe('ndjson csv');
    expect((await complete('herald', 'publish', 'INC-1', '--w'))).toBe('--wait');
    for (const shell of ['zsh', 'fish']) expect((await herald(undefined, ['completion', shell])).code).toBe(0);
  });
});
