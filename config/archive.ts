import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import path from 'node:path';
import { RetentionConfigSchema, type RetentionConfig } from '../domain/archive/retention';
import retentionJson from './retention.json';

/**
 * The archive log's configuration (X5): the Ed25519 key that signs tree heads, where checkpoints
 * go besides the database, and how often the log is checkpointed. Production sets
 * HERALD_ARCHIVE_SIGNING_KEY (a PKCS#8 PEM); without it the fixed development key below signs,
 * so `npm start` and the tests need no setup. The API and the worker must share the key.
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

/**
 * The development key: public, so anyone can forge its tree heads. Its public half (key ID
 * cf52973051102ea32697f8f9029389f8b4a7f505827805f8f11a3fafef7d8465) is printed in the README.
 */
export const devArchiveSigningKey = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIBBMbddn82KXeyO0dTQW/74r1M/tiSkD7cvVxXju8qA8
-----END PRIVATE KEY-----
`;

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.HERALD_DATA_DIR || path.join(__dirname, '..', 'data'));
}

export function signerFromPem(pem: string): LogSigner {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('HERALD_ARCHIVE_SIGNING_KEY must be an Ed25519 private key (PKCS#8 PEM)');
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

/** The log's signer: HERALD_ARCHIVE_SIGNING_KEY (a PEM; `\\n` may stand for its line breaks), or the development key. */
export function logSigner(env: NodeJS.ProcessEnv = process.env): LogSigner {
  const pem = env.HERALD_ARCHIVE_SIGNING_KEY?.replace(/\\n/g, '\n') || devArchiveSigningKey;
  if (cached?.pem !== pem) cached = { pem, signer: signerFromPem(pem) };
  return cached.signer;
}

export interface CheckpointSinks {
  /**
   * JSON lines, one signed tree head each, of one log (one database): HERALD_CHECKPOINT_FILE, in
   * which `{db}` stands for the database's name, or data/checkpoints/{db}.jsonl.
   */
  file: string;
  /** HERALD_ARCHIVE_WITNESS_URLS (and the older HERALD_WITNESS_WEBHOOKS): comma-separated URLs each new signed tree head is POSTed to. */
  witnesses: string[];
  /** HERALD_ARCHIVE_WITNESS_EMAILS: comma-separated addresses each new signed tree head is emailed to. */
  witnessEmails: string[];
  /** How witness email leaves: SMTP_URL's relay, from HERALD_FROM_ADDRESS. */
  mail: { smtpUrl: string; from: string; messageIdDomain: string };
  /** The log's name in what witnesses receive: the database's. */
  log: string;
}

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export function checkpointSinks(database: string, env: NodeJS.ProcessEnv = process.env): CheckpointSinks {
  const file = env.HERALD_CHECKPOINT_FILE || path.join(dataDir(env), 'checkpoints', '{db}.jsonl');
  return {
    file: path.resolve(file.replaceAll('{db}', database.replace(/[^A-Za-z0-9_.-]/g, '_'))),
    witnesses: [...new Set([...list(env.HERALD_ARCHIVE_WITNESS_URLS), ...list(env.HERALD_WITNESS_WEBHOOKS)])],
    witnessEmails: [...new Set(list(env.HERALD_ARCHIVE_WITNESS_EMAILS))],
    mail: {
      smtpUrl: env.SMTP_URL || 'smtp://127.0.0.1:1025',
      from: env.HERALD_FROM_ADDRESS || 'Herald Status <status@herald.example>',
      messageIdDomain: env.HERALD_MESSAGE_ID_DOMAIN || 'herald.example',
    },
    log: database,
  };
}

/** How often the checkpoint workflow signs a tree head when nothing asks sooner: HERALD_CHECKPOINT_MINUTES, 10 by default. */
export function checkpointIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const minutes = Number(env.HERALD_CHECKPOINT_MINUTES ?? 10);
  return (Number.isFinite(minutes) && minutes > 0 ? minutes : 10) * 60_000;
}

/**
 * Whether the worker starts the archive's checkpoint and retention workflows: yes unless
 * HERALD_ARCHIVE_CLOCKS=0 (the test suite's worker processes, which share one Temporal server
 * and come and go with their task queues, leave them to the tests that run them).
 */
export function archiveClocksEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.HERALD_ARCHIVE_CLOCKS !== '0';
}

/** The retention policies in force (config/retention.json), validated. */
export function retentionConfig(raw: unknown = retentionJson): RetentionConfig {
  return RetentionConfigSchema.parse(raw);
}
