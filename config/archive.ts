import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RetentionConfigSchema, type RetentionConfig } from '../domain/archive/retention';
import retentionJson from './retention.json';

/**
 * The archive log's configuration (X5): the Ed25519 key that signs tree heads, where checkpoints
 * go besides the database, and how often the log is checkpointed. Production sets
 * HERALD_LOG_SIGNING_KEY (a PKCS#8 PEM); without it a development key is generated once under
 * HERALD_DATA_DIR (./data) and reused by the API and the worker.
 */

export interface LogSigner {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM. */
  publicPem: string;
  /** The 32 raw public key bytes, base64. */
  publicRaw: string;
  jwk: { kty: string; crv: string; x: string };
  /** SHA-256 (hex) of the public key's SPKI DER. */
  keyId: string;
}

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.HERALD_DATA_DIR || path.join(__dirname, '..', 'data'));
}

function devKeyPem(env: NodeJS.ProcessEnv): string {
  const file = env.HERALD_LOG_KEY_FILE || path.join(dataDir(env), 'log-signing-key.pem');
  try {
    return readFileSync(file, 'utf8');
  } catch {
    mkdirSync(path.dirname(file), { recursive: true });
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    try {
      // 'wx': a process that lost the race reads the winner's key.
      writeFileSync(file, pem, { flag: 'wx', mode: 0o600 });
      return pem;
    } catch {
      return readFileSync(file, 'utf8');
    }
  }
}

export function signerFromPem(pem: string): LogSigner {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('HERALD_LOG_SIGNING_KEY must be an Ed25519 private key (PKCS#8 PEM)');
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const jwk = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string };
  return {
    privateKey, publicKey,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicRaw: Buffer.from(jwk.x, 'base64url').toString('base64'),
    jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x },
    keyId: createHash('sha256').update(der).digest('hex'),
  };
}

let cached: { pem: string; signer: LogSigner } | undefined;

/** The log's signer: HERALD_LOG_SIGNING_KEY, or the development key file. */
export function logSigner(env: NodeJS.ProcessEnv = process.env): LogSigner {
  const pem = env.HERALD_LOG_SIGNING_KEY?.replace(/\\n/g, '\n') || devKeyPem(env);
  if (cached?.pem !== pem) cached = { pem, signer: signerFromPem(pem) };
  return cached.signer;
}

export interface CheckpointSinks {
  /** JSON lines, one signed tree head each: HERALD_CHECKPOINT_FILE, or data/checkpoints.jsonl. */
  file: string;
  /** HERALD_WITNESS_WEBHOOKS: comma-separated URLs each new signed tree head is POSTed to. */
  witnesses: string[];
}

export function checkpointSinks(env: NodeJS.ProcessEnv = process.env): CheckpointSinks {
  return {
    file: env.HERALD_CHECKPOINT_FILE || path.join(dataDir(env), 'checkpoints.jsonl'),
    witnesses: (env.HERALD_WITNESS_WEBHOOKS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
  };
}

/** How often the checkpoint workflow signs a tree head when nothing asks sooner: HERALD_CHECKPOINT_MINUTES, 10 by default. */
export function checkpointIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const minutes = Number(env.HERALD_CHECKPOINT_MINUTES ?? 10);
  return (Number.isFinite(minutes) && minutes > 0 ? minutes : 10) * 60_000;
}

/** The retention policies in force (config/retention.json), validated. */
export function retentionConfig(raw: unknown = retentionJson): RetentionConfig {
  return RetentionConfigSchema.parse(raw);
}
