/**
 * `herald audit ID`: the incident's audit chain, oldest first, with the API's verdict and the same
 * verification done again here on the records as received (domain/audit's verifyChain), so a
 * chain altered in the store or on the way is named. Exit 7 when either verdict fails.
 */
import type { Command } from 'commander';
import { verifyChain, type ChainedAuditRecord, type ChainVerdict } from '../../domain/audit';
import { call, CliError, exitCodes, table } from '../api';
import { enc, globals } from '../program';

interface AuditAnswer { incidentId: string; verdict: ChainVerdict; records: ChainedAuditRecord[] }

const brief = (details: Record<string, unknown>, max = 70) => {
  const s = Object.keys(details).length ? JSON.stringify(details) : '';
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};

function verdictLine(who: string, v: ChainVerdict): string {
  return v.valid ? `${who}: ${v.records} records, chain intact` : `${who}: chain BROKEN at record ${v.brokenAt} (${v.reason})`;
}

export function registerAuditCommand(program: Command): void {
  program.command('audit <id>')
    .description("The incident's append-only audit chain with its hash verification, by the API and again here (manager key); exit 7 when it does not verify")
    .option('--full', 'print each record\'s details in full')
    .action(async function (this: Command, id: string, o: { full?: boolean }) {
      const g = globals(this);
      const a = await call<AuditAnswer>(g, 'GET', `/v1/incidents/${enc(id)}/audit`);
      const local = verifyChain(a.records);
      if (g.json) {
        console.log(JSON.stringify({ ...a, localVerdict: local }, null, 2));
      } else {
        console.log(table(
          ['SEQ', 'AT', 'STEP', 'ACTOR', 'HASH', 'DETAILS'],
          a.records.map((r) => [String(r.seq), r.at, r.step, r.actor, r.hash.slice(0, 12), o.full ? JSON.stringify(r.details) : brief(r.details)]),
        ));
        console.log(verdictLine('verified by Herald', a.verdict));
        console.log(verdictLine('verified here', local));
      }
      if (!a.verdict.valid || !local.valid) {
        throw new CliError(`the audit chain of ${id} does not verify`, exitCodes.unverified);
      }
    });
}
