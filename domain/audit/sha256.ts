import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

/**
 * Hashing for the whole domain, on the audited pure `@noble/hashes` rather than Node's crypto,
 * so that workflow code hashes a message version exactly as the activities do. Text is hashed
 * as its UTF-8 bytes.
 */

type Bytes = Uint8Array | string;
const bytesOf = (data: Bytes): Uint8Array => (typeof data === 'string' ? utf8ToBytes(data) : new Uint8Array(data));

/** SHA-256 of some text or bytes. */
export function sha256Bytes(data: Bytes): Uint8Array {
  return sha256(bytesOf(data));
}

/** SHA-256 of a text as 64 lowercase hex digits: the audit chain, content and playbook hashes. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256Bytes(text));
}

/** HMAC-SHA256 of a message under a key (a text key is taken as its UTF-8 bytes). */
export function hmacSha256(key: Bytes, message: Bytes): Uint8Array {
  return hmac(sha256, bytesOf(key), bytesOf(message));
}

/** Whether two byte strings are equal, in time that depends only on their lengths. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
