/**
 * `herald watch ID`: the incident's live state, redrawn when it changes, with the delivery of the
 * version being published (its bars drawn by cli-progress). It polls the incident and its
 * broadcasts (GET /v1/incidents/:id, …/broadcasts) and ends when the incident is resolved or on
 * Ctrl-C. On a terminal it redraws in place; otherwise each change is printed once; `--json`
 * prints one JSON line per change; `--once` prints the state once and exits.
 */
import type { Command } from 'commander';
import type { BroadcastProgress } from '../../domain/delivery/progress';
import { call, type Connection } from '../api';
import { incidentTable, type IncidentState } from '../incident-view';
import { enc, globals, positiveNumber } from '../program';
import { progressSummary } from '../progress';

interface Snapshot { incident: IncidentState; broadcasts: BroadcastProgress[] }

async function snapshot(conn: Connection, id: string): Promise<Snapshot> {
  const [incident, b] = await Promise.all([
    call<IncidentState>(conn, 'GET', `/v1/incidents/${enc(id)}`),
    call<{ broadcasts: BroadcastProgress[] }>(conn, 'GET', `/v1/incidents/${enc(id)}/broadcasts`),
  ]);
  return { incident, broadcasts: b.broadcasts };
}

/** What a person reads: the incident, then the delivery of its latest version. */
export function frame(s: Snapshot): string {
  const latest = s.broadcasts[s.broadcasts.length - 1];
  return [incidentTable(s.incident), ...(latest ? ['', `delivery of v${latest.version}:`, progressSummary(latest)] : [])].join('\n');
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function registerWatchCommand(program: Command): void {
  program.command('watch <id>')
    .description("Follow an incident live: its state and the delivery of the version being published, redrawn on change, until it is resolved (Ctrl-C stops)")
    .option('--interval <seconds>', 'how often to read the state (twice as often while a version is being delivered)', positiveNumber, 2)
    .option('--once', 'print the state once and exit')
    .action(async function (this: Command, id: string, o: { interval: number; once?: boolean }) {
      const g = globals(this);
      const tty = !g.json && !!process.stdout.isTTY;
      process.once('SIGINT', () => {
        if (tty) process.stdout.write('\x1b[?25h\n');
        process.exit(130);
      });
      let last = '';
      for (;;) {
        const s = await snapshot(g, id);
        const text = g.json ? JSON.stringify(s) : frame(s);
        const resolved = s.incident.status === 'resolved';
        if (text !== last) {
          last = text;
          if (g.json) console.log(text);
          else if (tty) process.stdout.write(`\x1b[H\x1b[2J${text}\n\n${resolved || o.once ? '' : `watching ${id}; Ctrl-C to stop\n`}`);
          else console.log(o.once ? text : `--- ${new Date().toISOString()}\n${text}`);
        }
        if (o.once || resolved) return;
        const sending = s.broadcasts.some((b) => b.state === 'sending');
        await pause((sending ? o.interval / 2 : o.interval) * 1000);
      }
    });
}
