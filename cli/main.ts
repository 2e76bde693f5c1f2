/**
 * The `herald` command (bin/herald.mjs runs it): declare, list, show, approve, publish and resolve
 * incidents over Herald's REST API. Tables for people, `--json` for scripts; exit codes in cli/api.ts.
 */
import { Command, InvalidArgumentError } from 'commander';
import { call, CliError, exitCodes, table, type Connection } from './api';

const program = new Command('herald')
  .description("Herald's incident communication from the command line")
  .option('--url <url>', 'Herald API (env HERALD_URL)', process.env.HERALD_URL ?? 'http://127.0.0.1:8080')
  .option('--key <key>', 'API key (default: env HERALD_API_KEY)')
  .option('--json', "print the API's JSON answer");

function globals(cmd: Command): Connection & { json?: boolean } {
  const g = cmd.optsWithGlobals<Connection & { json?: boolean }>();
  return { ...g, key: g.key ?? process.env.HERALD_API_KEY };
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive whole number');
  return n;
}

const list = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

/** Runs a command: the API's JSON with --json, else what `human` makes of it. */
function run<T>(cmd: Command, request: (conn: Connection) => Promise<T>, human: (body: T) => string) {
  return async () => {
    const g = globals(cmd);
    const body = await request(g);
    console.log(g.json ? JSON.stringify(body, null, 2) : human(body));
  };
}

const enc = encodeURIComponent;

interface Summary { id: string; severity: string; status: string; title: string; updatedAt: string }
interface Incident {
  id: string; title: string; status: string; severity: string; category: string; components: string[]; firstMessageDueAt: string; nextUpdateDueAt?: string;
  currentDraft?: { version: number; hash: string; phase: string; subject: string };
  requiredApprovers: string[]; approvals: { version: number; role: string; decision: string }[]; published: { version: number }[];
}
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
    return run(this, (c) => call<Incident>(c, 'GET', `/v1/incidents/${enc(id)}`), (s) => {
      const draft = s.currentDraft;
      const signed = new Set(s.approvals.filter((a) => a.version === draft?.version && a.decision === 'approve').map((a) => a.role));
      const pending = s.requiredApprovers.filter((r) => !signed.has(r));
      return table(['FIELD', 'VALUE'], [
        ['id', s.id], ['title', s.title], ['status', s.status], ['severity', s.severity], ['category', s.category],
        ['components', s.components.join(', ')],
        ['draft', draft ? `v${draft.version} ${draft.hash} (${draft.phase})` : '-'],
        ['subject', draft?.subject ?? '-'],
        ['pending approvers', pending.join(', ') || '-'],
        ['published', s.published.map((p) => `v${p.version}`).join(', ') || '-'],
        s.published.length ? ['next update due', s.nextUpdateDueAt ?? '-'] : ['first message due', s.firstMessageDueAt],
      ]);
    })();
  });

program.command('approve <id>')
  .description('Sign a message version as an approver role (approver key); refused with exit 3 when the version or hash is stale')
  .requiredOption('--version <n>', 'the version signed', positiveInt)
  .option('--hash <hash>', 'its content hash: binds the sign-off to the exact wording')
  .option('--as <role>', 'the approver role (default: the first pending role the key holds)')
  .action(function (this: Command, id: string, o: { version: number; hash?: string; as?: string }) {
    return run(this, (c) => call<Receipt>(c, 'POST', `/v1/incidents/${enc(id)}/approvals`, { version: o.version, hash: o.hash, as: o.as }),
      (r) => `approved v${r.version} (${r.hash}) as ${r.role}; pending: ${r.pending.join(', ') || 'none'}`)();
  });

program.command('publish <id>')
  .description('Publish a version: now if every required approver signed it, else once they have (responder key)')
  .requiredOption('--version <n>', 'the version published', positiveInt)
  .option('--critical', 'publish through a communication blackout (recorded)')
  .action(function (this: Command, id: string, o: { version: number; critical?: boolean }) {
    return run(this, (c) => call(c, 'POST', `/v1/incidents/${enc(id)}/publish`, { version: o.version, critical: o.critical ?? false }),
      () => `publication of v${o.version} accepted`)();
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

program.parseAsync().catch((err: unknown) => {
  console.error(err instanceof CliError ? err.message : `herald: ${(err as Error).message}`);
  process.exit(err instanceof CliError ? err.exitCode : exitCodes.server);
});
