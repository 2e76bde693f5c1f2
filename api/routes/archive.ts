import type { Writable } from 'node:stream';
import tar from 'tar-stream';
import { z } from 'zod';
import { logSigner } from '../../config/archive';
import { bytesToHex, type LogEntry } from '../../domain/archive/entries';
import { consistencyProof, inclusionProof } from '../../domain/archive/merkle';
import { latestTreeHead, leafHashes, logSize, treeHeadAt, type LegalHoldDoc, type LogLeafDoc } from '../../store/archive';
import { incidentBundle, rangeBundle } from '../../store/archive-bundle';
import { LogRewrittenError } from '../../store/archive-log';
import type { ApiDeps } from '../deps';
import { found, HttpError } from '../errors';
import { IncidentParams } from '../incident-params';
import { defineRoute } from '../route';

/**
 * The archive's proofs and export (M5.1, X5): the log's public key at a well-known URL, its latest
 * signed tree head, inclusion and consistency proofs in the style of Certificate Transparency, and
 * an incident's bundle as a tar that `herald-verify` checks offline.
 */

const readers = ['manager', 'records'] as const;

const TreeHead = z.object({
  treeSize: z.number().int(), rootHash: z.string().describe('SHA-256 Merkle tree hash (RFC 9162 §2.1), hex'),
  timestamp: z.string(), signature: z.string().describe('Ed25519 over "herald-log-sth/1\\n<treeSize>\\n<timestamp>\\n<rootHash>\\n", base64'),
  keyId: z.string().describe('SHA-256 of the public key (SPKI DER), hex'),
});
const Size = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A signed head of exactly this size, or 404 (proofs lead only to heads Herald signed). */
async function signedHead(deps: ApiDeps, treeSize: number | undefined) {
  const models = deps.store.models;
  if (treeSize === undefined) return found(await latestTreeHead(models), 'signed tree head (none yet: the log has not been checkpointed)');
  return found(await treeHeadAt(models, treeSize), `signed tree head of size ${treeSize}`);
}

/** A bundle as the tar the export routes stream: every file under `herald-archive/`. */
/** A bundle as the answer that streams it: a tar download named after what it holds, with its tree size and record count. */
export function bundleAnswer(name: string, bundle: { files: Map<string, Uint8Array>; treeHead: { treeSize: number }; records: number }) {
  return {
    body: undefined, contentType: 'application/x-tar',
    headers: {
      'Content-Disposition': `attachment; filename="${name}-archive.tar"`, 'Cache-Control': 'no-store',
      'X-Herald-Tree-Size': String(bundle.treeHead.treeSize), 'X-Herald-Records': String(bundle.records),
    },
    stream: (out: Writable) => tarOf(bundle.files, out),
  };
}

function tarOf(files: Map<string, Uint8Array>, out: Writable): void {
  const pack = tar.pack();
  pack.pipe(out);
  for (const [name, bytes] of files) pack.entry({ name: `herald-archive/${name}`, size: bytes.length, mode: 0o644, mtime: new Date(0) }, Buffer.from(bytes));
  pack.finalize();
}

/** A checkpoint that found the log rewritten answers 409 with its reason; anything else stays an error. */
export function refusedRewrite(err: unknown): unknown {
  return err instanceof LogRewrittenError ? new HttpError(409, err.message) : err;
}

export const archiveRoutes = [
  defineRoute({
    method: 'get', path: '/.well-known/herald-archive-key', tags: ['archive'],
    summary: "The Ed25519 public key that signs the archive log's tree heads and bundles: pin it with `herald-verify --key`",
    responses: {
      200: {
        description: 'The key',
        schema: z.object({
          algorithm: z.literal('Ed25519'), keyId: z.string(), publicKeyPem: z.string(),
          publicKey: z.string().describe('The 32 raw key bytes, base64'), jwk: z.object({ kty: z.string(), crv: z.string(), x: z.string() }),
        }),
      },
    },
    async handler() {
      const s = logSigner();
      return { body: { algorithm: 'Ed25519', keyId: s.keyId, publicKeyPem: s.publicPem, publicKey: s.publicRaw, jwk: s.jwk }, headers: { 'Cache-Control': 'public, max-age=300' } };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/archive/tree-head', tags: ['archive'], roles: [...readers],
    summary: 'The latest signed tree head of the archive log (a checkpoint: after every publication and on a timer)',
    responses: { 200: { description: 'The signed tree head', schema: TreeHead } },
    errors: { 404: 'The log has not been checkpointed yet' },
    async handler({ deps }) {
      return { body: await signedHead(deps, undefined) };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/archive/inclusion', tags: ['archive'], roles: [...readers],
    summary: "An inclusion proof (RFC 9162 §2.1.3) for one leaf of the log, by index or by its record's key, in a signed tree head (the latest by default)",
    query: z.strictObject({
      index: Size.optional().describe('The leaf'),
      key: z.string().min(1).max(500).optional().describe("The archived record's key (e.g. email:<delivery key>)"),
      treeSize: Size.optional().describe('The size of a signed tree head; the latest by default'),
    }).refine((q) => (q.index === undefined) !== (q.key === undefined), 'give exactly one of index and key'),
    responses: {
      200: {
        description: 'The leaf, its entry and its audit path',
        schema: z.object({ index: z.number().int(), leafHash: z.string(), entry: z.record(z.string(), z.unknown()), proof: z.array(z.string()), treeHead: TreeHead }),
      },
    },
    errors: { 404: 'No such leaf, record or signed tree head', 409: 'The leaf is not in that tree head (it was appended later)' },
    async handler({ query, deps }) {
      const models = deps.store.models;
      const head = await signedHead(deps, query.treeSize);
      const leaf = found(
        await models.LogLeaf.findOne(query.key !== undefined ? { key: query.key } : { _id: query.index }).lean<LogLeafDoc>(),
        query.key !== undefined ? `archive log leaf for record ${query.key}` : `archive log leaf ${query.index}`,
      );
      if (leaf._id >= head.treeSize) throw new HttpError(409, `leaf ${leaf._id} was appended after the tree head of size ${head.treeSize}; ask for a later one`);
      const proof = inclusionProof(await leafHashes(models, head.treeSize), leaf._id, head.treeSize).map(bytesToHex);
      return { body: { index: leaf._id, leafHash: leaf.hash, entry: leaf.entry as LogEntry as unknown as Record<string, unknown>, proof, treeHead: head } };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/archive/consistency', tags: ['archive'], roles: [...readers],
    summary: 'A consistency proof (RFC 9162 §2.1.4) that the signed tree head of size `first` is a prefix of the one of size `second` (the latest by default)',
    query: z.strictObject({ first: Size.refine((n) => n > 0, 'first must be at least 1'), second: Size.optional() }),
    responses: {
      200: { description: 'The proof and both signed heads', schema: z.object({ first: TreeHead, second: TreeHead, proof: z.array(z.string()) }) },
    },
    errors: { 404: 'No signed tree head of that size', 409: '`first` is larger than `second`' },
    async handler({ query, deps }) {
      const second = await signedHead(deps, query.second);
      if (query.first > second.treeSize) throw new HttpError(409, `first (${query.first}) is larger than the tree head of size ${second.treeSize}`);
      const first = await signedHead(deps, query.first);
      const size = await logSize(deps.store.models);
      if (size < second.treeSize) throw new HttpError(409, `the log holds ${size} leaves, fewer than its tree head of size ${second.treeSize}`);
      const proof = consistencyProof(await leafHashes(deps.store.models, second.treeSize), first.treeSize, second.treeSize).map(bytesToHex);
      return { body: { first, second, proof } };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/archive/export', tags: ['archive'], roles: [...readers],
    summary: "Everything the log appended in a time range (`from`, `to`: when each leaf was appended, [from, to)), or what a legal hold covers (`hold`, within the range if one is given), as the same tar bundle `GET /v1/incidents/:id/archive` gives; a range of the whole log is consecutive leaves, so `herald-verify` also finds any left out. The holds role exports a hold's bundle at `GET /v1/legal-holds/:holdId/archive`",
    query: z.strictObject({
      from: z.iso.datetime({ offset: true }).optional().describe('ISO date-time: leaves appended at or after it'),
      to: z.iso.datetime({ offset: true }).optional().describe('ISO date-time: leaves appended before it'),
      hold: z.string().regex(/^hold-[a-z0-9-]+$/, 'not a legal hold ID').optional().describe('A legal hold: only what it covers'),
      since: z.string().regex(/^\d+(,\d+)*$/, 'tree sizes, comma-separated').optional()
        .describe('Sizes of earlier signed tree heads the auditor holds: the bundle carries a consistency proof from each (herald-verify --against)'),
    })
      .refine((q) => q.from !== undefined || q.to !== undefined || q.hold !== undefined, 'give a time range (from, to) or a legal hold (hold)')
      .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), 'from must be before to'),
    responses: { 200: { description: 'The bundle (a tar of herald-archive/…)', contentType: 'application/x-tar' } },
    errors: { 404: 'Unknown legal hold', 409: 'The archive log no longer extends its last signed tree head: Herald refuses to sign it' },
    async handler({ query, deps }) {
      const models = deps.store.models;
      const hold = query.hold !== undefined ? found(await models.LegalHold.findById(query.hold).lean<LegalHoldDoc>(), `legal hold ${query.hold}`) : undefined;
      const bundle = await rangeBundle(models, {
        ...(query.from ? { from: new Date(query.from) } : {}), ...(query.to ? { to: new Date(query.to) } : {}), ...(hold ? { hold } : {}),
      }, { since: query.since?.split(',').map(Number) }).catch((err: unknown) => {
        throw refusedRewrite(err);
      });
      return bundleAnswer(hold ? hold._id : `archive-${(query.from ?? 'start').replace(/[:.]/g, '')}-${(query.to ?? 'now').replace(/[:.]/g, '')}`, bundle);
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/incidents/:id/archive', tags: ['archive'], roles: [...readers],
    summary: "The incident's archive as a tar bundle for auditors and litigation: a signed manifest, every archived record (email MIME as handed to the provider, status-page entries…) as JSON with its raw bytes, each leaf's inclusion proof in a fresh signed tree head, and consistency proofs from earlier heads; check it offline with `npx herald-verify BUNDLE --key KEY`",
    params: IncidentParams,
    query: z.strictObject({
      since: z.string().regex(/^\d+(,\d+)*$/, 'tree sizes, comma-separated').optional()
        .describe('Sizes of earlier signed tree heads the auditor holds: the bundle carries a consistency proof from each (herald-verify --against)'),
    }),
    responses: { 200: { description: 'The bundle (a tar of herald-archive/…)', contentType: 'application/x-tar' } },
    errors: { 404: 'Unknown incident', 409: 'The archive log no longer extends its last signed tree head: Herald refuses to sign it' },
    async handler({ params, query, deps }) {
      const models = deps.store.models;
      const known = (await models.IncidentSummary.exists({ _id: params.id })) || (await models.ArchiveRecord.exists({ incidentId: params.id }));
      if (!known) throw new HttpError(404, `incident ${params.id} not found`);
      const bundle = await incidentBundle(models, params.id, { since: query.since?.split(',').map(Number) }).catch((err: unknown) => {
        throw refusedRewrite(err);
      });
      return bundleAnswer(params.id, bundle);
    },
  }),
];
