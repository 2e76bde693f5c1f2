/**
 * `herald edit ID` (also `herald draft ID`): the current version's subject and text in $VISUAL or
 * $EDITOR, submitted as a new version based on the one opened. When someone else's version landed
 * meanwhile, the API refuses the stale base (409) and the CLI says so with the current version and
 * hash, keeping the edited text for the next try.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { call, CliError, exitCodes } from '../api';
import type { IncidentState } from '../incident-view';
import { enc, globals, list, positiveInt } from '../program';

const comment = '#';

/** What the editor opens: a few comment lines, the subject, a blank line, the text. */
export function editorText(id: string, d: NonNullable<IncidentState['currentDraft']>): string {
  return [
    `${comment} Editing ${id}: version ${d.version} (phase ${d.phase}, hash ${d.hash.slice(0, 12)}).`,
    `${comment} The first line is the subject; the text follows the blank line after it.`,
    `${comment} Lines starting with ${comment} at the top are dropped. An empty message aborts.`,
    d.subject,
    '',
    d.text,
    '',
  ].join('\n');
}

/** The subject and text of what the editor saved; undefined when it is empty. */
export function parseEdited(saved: string): { subject: string; text: string } | undefined {
  const lines = saved.replace(/\r\n/g, '\n').split('\n');
  let i = 0;
  while (i < lines.length && (lines[i].startsWith(comment) || !lines[i].trim())) i++;
  const subject = (lines[i] ?? '').trim();
  const text = lines.slice(i + 1).join('\n').trim();
  return subject ? { subject, text } : undefined;
}

function openEditor(file: string): void {
  const editor = process.env.VISUAL || process.env.EDITOR || 'vi';
  // Through the shell, as git does, so EDITOR may carry arguments ("code --wait").
  const r = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, editor, file], { stdio: 'inherit' });
  if (r.error || r.status !== 0) {
    throw new CliError(`herald: the editor (${editor}) ${r.error ? `did not start: ${r.error.message}` : `exited with ${r.status}`}; nothing submitted, the text is in ${file}`, exitCodes.usage);
  }
}

interface Drafted { version: number; hash: string; parent: number; voidedApprovals: number }

export function registerEditCommand(program: Command): void {
  program.command('edit <id>')
    .alias('draft')
    .description("Edit the current message version in $VISUAL/$EDITOR and submit it as a new version (responder key); refused with exit 3 if another version landed meanwhile")
    .option('--file <path>', "take the subject and text from this file instead of an editor ('-' for stdin)")
    .option('--phase <phase>', "the new version's phase (investigating, identified, monitoring, resolved; default: the current one's)")
    .option('--base <n>', 'the version the edit is based on (default: the current one)', positiveInt)
    .option('--cite <ids>', 'war-room decisions the version relies on (repeat or comma-separate)', list)
    .action(async function (this: Command, id: string, o: { file?: string; phase?: string; base?: number; cite?: string[] }) {
      const g = globals(this);
      const state = await call<IncidentState>(g, 'GET', `/v1/incidents/${enc(id)}`);
      const current = state.currentDraft;
      if (!current) throw new CliError(`${id} has no message version yet; wait for its first draft`, exitCodes.conflict);
      const base = o.base ?? current.version;
      let saved: string;
      let kept: string | undefined;
      if (o.file) {
        saved = readFileSync(o.file === '-' ? 0 : o.file, 'utf8');
      } else {
        const dir = mkdtempSync(join(tmpdir(), 'herald-edit-'));
        kept = join(dir, `${id}-v${base}.txt`);
        writeFileSync(kept, editorText(id, current), { mode: 0o600 });
        openEditor(kept);
        saved = readFileSync(kept, 'utf8');
      }
      const edited = parseEdited(saved);
      if (!edited) throw new CliError('herald: the message is empty; nothing submitted', exitCodes.usage);
      if (edited.subject === current.subject && edited.text === current.text.trim() && !o.phase && !o.cite) {
        if (kept) rmSync(join(kept, '..'), { recursive: true, force: true });
        console.log(`no change to v${current.version}; nothing submitted`);
        return;
      }
      let r: Drafted;
      try {
        r = await call<Drafted>(g, 'POST', `/v1/incidents/${enc(id)}/drafts`, {
          baseVersion: base, subject: edited.subject, text: edited.text, phase: o.phase ?? current.phase, ...(o.cite ? { decisionIds: o.cite } : {}),
        });
      } catch (err) {
        if (err instanceof CliError && err.exitCode === exitCodes.conflict && kept) {
          throw new CliError(`${err.message}\nyour edit of v${base} is kept in ${kept}; run herald edit ${id} again to edit the current version`, err.exitCode, err.refusal);
        }
        throw err;
      }
      if (kept) rmSync(join(kept, '..'), { recursive: true, force: true });
      console.log(g.json ? JSON.stringify(r, null, 2) : `drafted v${r.version} (${r.hash}) from v${r.parent}${r.voidedApprovals ? `; ${r.voidedApprovals} approval(s) of v${r.parent} void` : ''}`);
    });
}
