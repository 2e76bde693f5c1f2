/**
 * The war-room actions on an incident: `handoff` (and its acknowledgement), `decide` (record a
 * decision, or list them) and `blackout` (start or end one). Each is one workflow Update behind
 * the API, so a state that does not allow it is refused with exit 3 and the reason.
 */
import type { Command } from 'commander';
import { call, table } from '../api';
import type { IncidentState } from '../incident-view';
import { enc, globals, positiveInt } from '../program';

/** Prints the API's JSON with --json, else the line `human` makes of it. */
function print<T>(json: boolean | undefined, body: T, human: (b: T) => string): void {
  console.log(json ? JSON.stringify(body, null, 2) : human(body));
}

export function registerActionCommands(program: Command): void {
  program.command('handoff <id>')
    .description('Hand communication ownership to someone with notes (they must acknowledge within the playbook window), or --acknowledge one made to you')
    .option('--to <email>', 'who takes over communication')
    .option('--notes <text>', 'what they need to know')
    .option('--acknowledge', "take over a handoff made to you (your key's address); open deadlines move to you")
    .action(async function (this: Command, id: string, o: { to?: string; notes?: string; acknowledge?: boolean }) {
      if (o.acknowledge ? o.to || o.notes : !o.to || !o.notes) this.error('give --to and --notes to hand off, or --acknowledge alone', { exitCode: 1 });
      const g = globals(this);
      if (o.acknowledge) {
        const r = await call<{ lead: string; movedDeadlines: number }>(g, 'POST', `/v1/incidents/${enc(id)}/handoffs/acknowledge`, {});
        print(g.json, r, (b) => `${b.lead} now owns communication of ${id}; ${b.movedDeadlines} open deadline(s) moved`);
        return;
      }
      const r = await call<{ acknowledgeBy: string }>(g, 'POST', `/v1/incidents/${enc(id)}/handoffs`, { to: o.to, notes: o.notes });
      print(g.json, r, (b) => `handed ${id} to ${o.to}; to acknowledge by ${b.acknowledgeBy}`);
    });

  program.command('decide <id>')
    .description('Record a war-room decision (what and why; drafts can cite it with herald edit --cite), or list the decisions without options')
    .option('--what <text>', 'what was decided')
    .option('--why <text>', 'why')
    .action(async function (this: Command, id: string, o: { what?: string; why?: string }) {
      if (!!o.what !== !!o.why) this.error('give both --what and --why (or neither, to list the decisions)', { exitCode: 1 });
      const g = globals(this);
      if (!o.what) {
        const s = await call<IncidentState>(g, 'GET', `/v1/incidents/${enc(id)}`);
        const decisions = s.decisions ?? [];
        print(g.json, { incidentId: id, decisions }, (b) => table(['ID', 'AT', 'BY', 'WHAT', 'WHY'], b.decisions.map((d) => [d.id, d.at, d.by, d.what, d.why])));
        return;
      }
      const r = await call<{ id: string; what: string; at: string }>(g, 'POST', `/v1/incidents/${enc(id)}/decisions`, { what: o.what, why: o.why });
      print(g.json, r, (b) => `decision ${b.id} recorded at ${b.at}: ${b.what}`);
    });

  program.command('blackout <id>')
    .description('Start a communication blackout (non-critical notices and scheduled updates are held), or --end it and release what it held')
    .option('--minutes <n>', 'how long it lasts (at most 1440)', positiveInt)
    .option('--reason <text>', 'why communication is held')
    .option('--end', 'end the blackout now')
    .action(async function (this: Command, id: string, o: { minutes?: number; reason?: string; end?: boolean }) {
      if (o.end ? o.minutes || o.reason : !o.minutes || !o.reason) this.error('give --minutes and --reason to start a blackout, or --end alone', { exitCode: 1 });
      const g = globals(this);
      if (o.end) {
        const r = await call<{ released: number }>(g, 'POST', `/v1/incidents/${enc(id)}/blackouts/end`, {});
        print(g.json, r, (b) => `blackout of ${id} ended; ${b.released} held item(s) released in order`);
        return;
      }
      const r = await call<{ until: string }>(g, 'POST', `/v1/incidents/${enc(id)}/blackouts`, { minutes: o.minutes, reason: o.reason });
      print(g.json, r, (b) => `blackout of ${id} until ${b.until}: non-critical communication is held`);
    });
}
