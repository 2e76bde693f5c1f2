import { canonicalJson } from '../audit/canonical-json';
import type { SignedTreeHead } from './entries';

/**
 * Witnesses of the archive log (X5): each new signed tree head also goes to people and systems
 * outside Herald's reach (an email, a webhook), so that a log rewritten later, every hash
 * recomputed, is caught against a head someone else kept. `herald-verify --against` reads what a
 * witness got: the saved email, the webhook's body, or the head itself.
 */

const begin = '-----BEGIN HERALD TREE HEAD-----';
const end = '-----END HERALD TREE HEAD-----';

/** The body a witness webhook receives. */
export function witnessWebhookBody(sth: SignedTreeHead): string {
  return JSON.stringify({ type: 'herald.tree-head', sth });
}

/** The email a witness receives: the head in words and, between markers, as the JSON the verifier reads. */
export function witnessEmail(sth: SignedTreeHead, log: string): { subject: string; text: string; headers: Record<string, string> } {
  return {
    subject: `Herald archive log ${log}: signed tree head of size ${sth.treeSize}`,
    headers: { 'X-Herald-Archive-Log': log, 'X-Herald-Tree-Size': String(sth.treeSize), 'X-Herald-Root-Hash': sth.rootHash },
    text: [
      `Herald's archive log ${log} signed a new tree head (Ed25519, key ${sth.keyId}):`,
      '',
      `  tree size  ${sth.treeSize}`,
      `  timestamp  ${sth.timestamp}`,
      `  root hash  ${sth.rootHash}`,
      '',
      'Keep this message where Herald cannot change it. Any later bundle of the log must extend this',
      'head; to check one, save this message (or the block below) as a file and run',
      '',
      '  npx herald-verify BUNDLE --key herald-archive-key.json --against THIS-FILE',
      '',
      begin,
      canonicalJson(sth),
      end,
      '',
    ].join('\n'),
  };
}

function decodeQuotedPrintable(s: string): string {
  const bytes: number[] = [];
  const text = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < text.length; i++) {
    const hex = text[i] === '=' ? text.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(text.charCodeAt(i) & 0xff);
  }
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

/** An email's text body, its transfer encoding undone (a single-part message, as witness email is). */
function emailBody(raw: string): string | undefined {
  const split = /\r?\n\r?\n/.exec(raw);
  if (!split || !/^[\w-]+:/.test(raw)) return undefined;
  const headers = raw.slice(0, split.index).replace(/\r?\n[ \t]+/g, ' ');
  const body = raw.slice(split.index + split[0].length);
  const cte = /^content-transfer-encoding:\s*([\w-]+)/im.exec(headers)?.[1].toLowerCase();
  if (cte === 'quoted-printable') return decodeQuotedPrintable(body);
  if (cte === 'base64') return new TextDecoder().decode(Uint8Array.from(atob(body.replace(/\s+/g, '')), (c) => c.charCodeAt(0)));
  return body;
}

/**
 * A witnessed tree head from what the witness kept: the email (raw, as saved from a mailbox), the
 * webhook's body, a checkpoint file (its last line) or the head's JSON. Throws when none is found.
 */
export function parseWitnessedHead(text: string): SignedTreeHead {
  const body = text.includes(begin) ? text : (emailBody(text) ?? text);
  const at = body.indexOf(begin);
  if (at >= 0) {
    const stop = body.indexOf(end, at);
    if (stop < 0) throw new Error(`the tree head block has no ${end} line`);
    return headOf(JSON.parse(body.slice(at + begin.length, stop).trim()));
  }
  const lines = text.split('\n').filter((l) => l.trim());
  if (!lines.length) throw new Error('no tree head given');
  return headOf(JSON.parse(lines[lines.length - 1]));
}

function headOf(v: unknown): SignedTreeHead {
  const o = (v && typeof v === 'object' && 'sth' in v ? (v as { sth: unknown }).sth : v) as Partial<SignedTreeHead> | null;
  if (!o || typeof o.treeSize !== 'number' || typeof o.rootHash !== 'string' || typeof o.timestamp !== 'string' || typeof o.signature !== 'string') {
    throw new Error('the tree head given has no treeSize, rootHash, timestamp and signature');
  }
  return { treeSize: o.treeSize, rootHash: o.rootHash, timestamp: o.timestamp, signature: o.signature, keyId: String(o.keyId ?? '') };
}
