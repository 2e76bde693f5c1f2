import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { scopeWords, verifyBundle, type BundleFiles, type SignatureCheck } from '../domain/archive/bundle';
import type { SignedTreeHead } from '../domain/archive/entries';
import { parseWitnessedHead } from '../domain/archive/witness';

/**
 * `herald-verify BUNDLE [--key PUBKEY] [--against TREEHEAD]` (X5): checks an archive bundle
 * offline, with no server and no network, and exits 0 when every check holds, 1 otherwise,
 * naming what failed. BUNDLE is the tar `GET /v1/incidents/:id/archive` streams, or a directory
 * it was unpacked into. PUBKEY is the key published at /.well-known/herald-archive-key: that
 * answer saved as a file, a PEM file or string, or the 32 raw bytes in base64 or hex. TREEHEAD is
 * an earlier signed tree head: a JSON file, a checkpoint file (its last line), what a witness
 * received (the email as saved, the webhook's body), or the JSON itself.
 */

const usage = 'usage: herald-verify BUNDLE [--key PUBKEY] [--against TREEHEAD]';

async function untar(bytes: Buffer): Promise<BundleFiles> {
  const files: BundleFiles = new Map();
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        if (header.type === 'file') files.set(header.name.replace(/^(\.\/)?herald-archive\//, ''), new Uint8Array(Buffer.concat(chunks)));
        next();
      });
      stream.on('error', reject);
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  Readable.from([bytes]).pipe(extract);
  await done;
  return files;
}

function readDirectory(dir: string): BundleFiles {
  const files: BundleFiles = new Map();
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(dir, r)).isDirectory()) walk(r);
      else files.set(r, new Uint8Array(readFileSync(path.join(dir, r))));
    }
  };
  walk(existsSync(path.join(dir, 'herald-archive')) ? 'herald-archive' : '');
  return new Map([...files].map(([name, b]) => [name.replace(/^herald-archive\//, ''), b]));
}

/** A bundle's files by their names in it: from its tar, or the directory it was unpacked into. */
export async function readBundle(bundlePath: string): Promise<BundleFiles> {
  return statSync(bundlePath).isDirectory() ? readDirectory(bundlePath) : untar(readFileSync(bundlePath));
}

/** The text of an argument that names a file, or the argument itself. */
const fileOrText = (arg: string) => (existsSync(arg) && statSync(arg).isFile() ? readFileSync(arg, 'utf8') : arg).trim();

export function parseKey(arg: string): KeyObject {
  const text = fileOrText(arg);
  if (text.startsWith('{')) return createPublicKey((JSON.parse(text) as { publicKeyPem: string }).publicKeyPem);
  if (text.includes('-----BEGIN')) return createPublicKey(text);
  const raw = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (raw.length !== 32) throw new Error('the key is neither a PEM, the JSON of /.well-known/herald-archive-key, nor 32 bytes in base64 or hex');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

export function signatureCheck(key: KeyObject): SignatureCheck {
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the key is not an Ed25519 key');
  return {
    keyId: createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex'),
    verify: (message, signature) => {
      try {
        return verify(null, message, key, Buffer.from(signature, 'base64'));
      } catch {
        return false;
      }
    },
  };
}

/** node:crypto's SHA-256, many times noble's on large bundles. */
export const nodeSha256 = (bytes: Uint8Array) => new Uint8Array(createHash('sha256').update(bytes).digest());

/** An earlier signed head: its JSON, a checkpoint file (its last line), a witness webhook's body or a witness email as saved. */
export function parseTreeHead(arg: string): SignedTreeHead {
  return parseWitnessedHead(fileOrText(arg));
}

export async function main(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  let bundlePath: string | undefined;
  let keyArg: string | undefined;
  let againstArg: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--key' || a === '--against') {
      const v = argv[++i];
      if (v === undefined) return (out(`herald-verify: ${a} needs a value\n${usage}`), 1);
      if (a === '--key') keyArg = v;
      else againstArg = v;
    } else if (a === '--help' || a === '-h') return (out(usage), 0);
    else if (!bundlePath && !a.startsWith('--')) bundlePath = a;
    else return (out(`herald-verify: unexpected argument ${a}\n${usage}`), 1);
  }
  if (!bundlePath) return (out(usage), 1);
  let files: BundleFiles;
  let key: SignatureCheck;
  let against: SignedTreeHead | undefined;
  try {
    files = await readBundle(bundlePath);
    const bundled = files.get('public-key.pem');
    if (!keyArg && !bundled) throw new Error('the bundle carries no public-key.pem and no --key was given');
    key = signatureCheck(keyArg ? parseKey(keyArg) : createPublicKey(Buffer.from(bundled!)));
    against = againstArg ? parseTreeHead(againstArg) : undefined;
  } catch (err) {
    out(`herald-verify: ${(err as Error).message}`);
    out('NOT VERIFIED');
    return 1;
  }
  const verdict = verifyBundle(files, key, { ...(against ? { against } : {}), digest: nodeSha256 });
  const s = verdict.summary;
  out(`herald-verify ${bundlePath}`);
  if (s) out(`  ${scopeWords(s.scope ?? {})}: ${s.records} records, tree head of size ${s.treeSize} at ${s.timestamp}`);
  out(`  key ${key.keyId}${keyArg ? '' : ' (the bundle\'s own: pass --key with the published key to pin it)'}`);
  for (const p of verdict.passed) out(`ok    ${p}`);
  for (const f of verdict.failures) out(`FAIL  ${f}`);
  out(verdict.ok ? 'VERIFIED' : `NOT VERIFIED: ${verdict.failures.length} problem(s)`);
  return verdict.ok ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
    console.error(`herald-verify: ${(err as Error).message}`);
    process.exit(1);
  });
}
