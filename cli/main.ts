/**
 * The `herald` command (bin/herald.mjs runs it): an incident's whole lifecycle over Herald's REST
 * API. The core commands are here; the others are registered from cli/commands/. Tables for
 * people, `--json` for scripts; exit codes in cli/api.ts.
 */
import type { Command } from 'commander';
import { call, CliError, exitCodes, table, type Connection } from './api';
import { followPublication } from './broadcasts';
import { registerActionCommands } from './commands/actions';
import { registerAuditCommand } from './commands/audit';
import { registerCompletionCommand } from './commands/completion';
import { registerDrillCommands } from './commands/drill';
import { registerEditCommand } from './commands/edit';
import { registerImportCommand } from './commands/import';
import { registerPlaybookCommands } from './commands/playbooks';
import { registerWatchCommand } from './commands/watch';
import { enc, globals, list, positiveInt, positiveNumber, program, run } from './program';
import { incidentTable, type IncidentState } from './incident-view';
import { broadcastDisplay, displayMode } from './progress';

interface Summary { id: string; severity: string; status: string; title: string; updatedAt: string }
interface Receipt { version: number; hash: string; role: string; pending: string[] }
interface Version { version: number; current: boolean; phase: string; author: string; createdAt: string; publishedAt?: string; hash: string }

program.command('declare')
  .description('Declare an incident (responder key)')
  .requiredOption('--title <text>', 'what customers read as its title')
  .requiredOption('--category <category>', 'outage, degradation, security, data-exposure, …')
  .requiredOption('--severity <sev>', 'SEV1 to SEV4')
  .requiredOption('--component <ids>', 'affected component IDs (repeat or comma-separate)', list)
  .requiredOption('--summary <text>', 'what is happening')
  .option('--tag <tags>', 'classification tags (repeat or comma-separate)', list)
  .option('--id <id>', 'the incident ID (default: Herald picks one)')
  .action(function (this: Command, o: { title: string; category: string; severity: string; component: string[]; summary: string; tag?: string[]; id?: string }) {
    return run(this, (c) => call<{ incidentId: string }>(c, 'POST', '/v1/incidents', {
      id: o.id, title: o.title, category: o.category, severity: o.severity, components: o.component, summary: o.summary, tags: o.tag,
    }), (b) => `declared ${b.incidentId}`)();
  });

program.command('list')
  .description('List incidents (newest first), from the read model')
  .option('--status <statuses>', 'open, resolved or an exact status (comma-separated)')
  .option('--severity <sevs>', 'SEV1,SEV2,…')
  .option('--component <ids>', 'component IDs')
  .option('--q <words>', 'words of the title')
  .option('--limit <n>', 'at most this many (default 25, at most 100)', positiveInt)
  .action(function (this: Command, o: { status?: string; severity?: string; component?: string; q?: string; limit?: number }) {
    const query = new URLSearchParams(Object.entries(o).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, String(v)]));
    return run(this, (c) => call<{ incidents: Summary[]; counts: { total: number } }>(c, 'GET', `/v1/incidents?${query}`), (b) => {
      const rows = b.incidents.map((i) => [i.id, i.severity, i.status, i.title, i.updatedAt]);
      return `${table(['ID', 'SEVERITY', 'STATUS', 'TITLE', 'UPDATED'], rows)}\n${b.counts.total} incident(s)`;
    })();
  });

program.command('show <id>')
  .description("An incident's live state: status, current draft, pending approvers, next update")
  .action(function (this: Command, id: string) {
    return run(this, (c) => call<IncidentState>(c, 'GET', `/v1/incidents/${enc(id)}`), incidentTable)();
  });

interface WaitOptions { wait?: boolean; timeout: number; interval: number }
const waitOptions = (cmd: Command) => cmd
  .option('--wait', "then show the broadcast's delivery (sent of total per channel, rate, ETA) until every channel delivered it")
  .option('--timeout <seconds>', 'with --wait: give up (exit 6) after this long', positiveNumber, 300)
  .option('--interval <seconds>', 'with --wait: how often to read the progress', positiveNumber, 0.5);

/** `--wait`: the publication's progress (bars on a terminal, lines otherwise); with --json, the answer and the final progress. */
async function waitForPublication(conn: Connection & { json?: boolean }, id: string, version: number, answer: unknown, o: WaitOptions) {
  const mode = displayMode(conn.json);
  const progress = await followPublication(conn, id, version, broadcastDisplay(mode), {
    intervalMs: o.interval * 1000, timeoutMs: o.timeout * 1000, note: mode === 'quiet' ? undefined : (line) => console.log(line),
  });
  if (conn.json) console.log(JSON.stringify({ ...(answer as object), progress }, null, 2));
}

waitOptions(program.command('approve <id>')
  .description('Sign a message version as an approver role (approver key); refused with exit 3 when the version or hash is stale')
  .requiredOption('--version <n>', 'the version signed', positiveInt)
  .option('--hash <hash>', 'its content hash: binds the sign-off to the exact wording')
  .option('--as <role>', 'the approver role (default: the first pending role the key holds)'))
  .action(async function (this: Command, id: string, o: { version: number; hash?: string; as?: string } & WaitOptions) {
    const g = globals(this);
    const before = o.wait ? await call<{ publishRequested?: number }>(g, 'GET', `/v1/incidents/${enc(id)}`) : undefined;
    const r = await call<Receipt>(g, 'POST', `/v1/incidents/${enc(id)}/approvals`, { version: o.version, hash: o.hash, as: o.as });
    const publishes = o.wait && !r.pending.length && before?.publishRequested === r.version;
    if (!g.json || !publishes) console.log(g.json ? JSON.stringify(r, null, 2) : `approved v${r.version} (${r.hash}) as ${r.role}; pending: ${r.pending.join(', ') || 'none'}`);
    if (o.wait && !publishes && !g.json) console.log(r.pending.length ? `v${r.version} is not published until the pending roles sign it` : `v${r.version} was not asked for publication: run herald publish ${id} --version ${r.version}`);
    if (publishes) {
      if (!g.json) console.log(`the last sign-off publishes v${r.version}`);
      await waitForPublication(g, id, r.version, r, o);
    }
  });

waitOptions(program.command('publish <id>')
  .description('Publish a version: now if every required approver signed it, else once they have (responder key)')
  .requiredOption('--version <n>', 'the version published', positiveInt)
  .option('--critical', 'publish through a communication blackout (recorded)'))
  .action(async function (this: Command, id: string, o: { version: number; critical?: boolean } & WaitOptions) {
    const g = globals(this);
    const answer = await call<{ version: number; status: string }>(g, 'POST', `/v1/incidents/${enc(id)}/publish`, { version: o.version, critical: o.critical ?? false });
    if (!g.json || !o.wait) console.log(g.json ? JSON.stringify(answer, null, 2) : `publication of v${o.version} accepted (${answer.status})`);
    if (o.wait) await waitForPublication(g, id, o.version, answer, o);
  });

program.command('resolve <id>')
  .description('Resolve the incident with the message customers are told (responder key)')
  .requiredOption('--summary <text>', 'the resolution message')
  .action(function (this: Command, id: string, o: { summary: string }) {
    return run(this, (c) => call(c, 'POST', `/v1/incidents/${enc(id)}/resolve`, { summary: o.summary }), () => `resolution of ${id} accepted`)();
  });

program.command('history <id>')
  .description('Every message version of the incident, oldest first')
  .action(function (this: Command, id: string) {
    return run(this, (c) => call<{ versions: Version[] }>(c, 'GET', `/v1/incidents/${enc(id)}/versions`), (b) => table(
      ['VERSION', 'PHASE', 'AUTHOR', 'CREATED', 'PUBLISHED', 'HASH'],
      b.versions.map((v) => [`v${v.version}${v.current ? '*' : ''}`, v.phase, v.author, v.createdAt, v.publishedAt ?? '-', v.hash]),
    ))();
  });

registerEditCommand(program);
registerActionCommands(program);
registerWatchCommand(program);
registerAuditCommand(program);
registerImportCommand(program);
registerPlaybookCommands(program);
registerDrillCommands(program);
registerCompletionCommand(program);

program.parseAsync().catch((err: unknown) => {
  console.error(err instanceof CliError ? err.message : `herald: ${(err as Error).message}`);
  process.exit(err instanceof CliError ? err.exitCode : exitCodes.server);
});
