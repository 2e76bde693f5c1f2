import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { canonicalJson } from '../audit/canonical-json';
import { leafHash } from './merkle';

/**
 * What the archive's log holds (M5.1, X5): one leaf per archived communication and one per
 * deletion. A leaf carries digests of the record's bytes, never the bytes or the recipients, so
 * retention can delete those and the leaf (and every proof through it) still stands.
 */

export const archiveKinds = ['publication', 'email', 'webhook', 'status-page', 'in-app', 'tombstone'] as const;
export type ArchiveKind = (typeof archiveKinds)[number];

/** Where an archived record belongs: its incident and message version, channel and locale, and what retention and holds select it by. */
export interface ArchiveCoordinates {
  incidentId?: string;
  version?: number;
  channel?: string;
  locale?: string;
  category?: string;
  /** Classification tags of the incident (the regimes retention policies name). */
  regimes?: string[];
  /** Customers the record reached, for legal holds by customer. */
  customerIds?: string[];
}

/** One leaf of the log: the canonical JSON of this object, as UTF-8, is the leaf's input. */
export interface LogEntry extends ArchiveCoordinates {
  /** The leaf format. */
  v: 1;
  /** Position in the log: leaves are appended in order, without gaps. */
  index: number;
  kind: ArchiveKind;
  /** The archived record's idempotency key (incident, version, channel, locale, recipient). */
  key: string;
  /** When the activity archived it (ISO). */
  recordedAt: string;
  /** When the log appended it (ISO); non-decreasing along the log. */
  loggedAt: string;
  /** SHA-256 (hex) of the bytes as sent. */
  bodySha256?: string;
  /** SHA-256 (hex) of the canonical JSON of the record's detail (recipients, headers, approvals, verdict, outcome). */
  detailSha256?: string;
  /** The record's position among the incident's leaves (0, 1, …): a record missing from an incident's bundle leaves a gap. */
  incidentSeq?: number;
  /** A tombstone's deleted record and the policy that deleted it. */
  deleted?: { index: number; key: string; policy: string; policyVersion: number; reason: string };
}

export function leafBytes(entry: LogEntry): Uint8Array {
  return utf8ToBytes(canonicalJson(entry));
}

export function entryLeafHash(entry: LogEntry): Uint8Array {
  return leafHash(leafBytes(entry));
}

/** A signed tree head: the log's size and root at a moment, signed with Ed25519. */
export interface TreeHead {
  treeSize: number;
  /** Hex. */
  rootHash: string;
  /** ISO. */
  timestamp: string;
}

export interface SignedTreeHead extends TreeHead {
  /** Base64 Ed25519 signature over treeHeadMessage. */
  signature: string;
  /** SHA-256 (hex) of the public key's DER (SPKI): which key signed. */
  keyId: string;
}

/** The exact bytes an STH's signature covers. */
export function treeHeadMessage(h: TreeHead): Uint8Array {
  return utf8ToBytes(`herald-log-sth/1\n${h.treeSize}\n${h.timestamp}\n${h.rootHash}\n`);
}

export { bytesToHex };
