import { sha256 } from '@noble/hashes/sha2';

/**
 * The archive's Merkle tree as Certificate Transparency defines it (RFC 9162 §2.1): leaves and
 * interior nodes hashed with different prefixes, so a leaf can never pass for a node; the tree of
 * n leaves splits at the largest power of two below n. Proofs are built and checked exactly by
 * §2.1.3 and §2.1.4, so any CT-style verifier reads them.
 */

export type Hash = Uint8Array;

/** HASH(0x00 || leaf). */
export function leafHash(leaf: Uint8Array): Hash {
  const input = new Uint8Array(leaf.length + 1);
  input[0] = 0x00;
  input.set(leaf, 1);
  return sha256(input);
}

/** HASH(0x01 || left || right). */
export function nodeHash(left: Hash, right: Hash): Hash {
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = 0x01;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}

/** The largest power of two smaller than n (n > 1). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH of the leaf hashes [from, to), folded bottom-up in one pass per level (no recursion depth). */
function subtreeRoot(leaves: readonly Hash[], from: number, to: number): Hash {
  const n = to - from;
  if (n === 0) return sha256(new Uint8Array(0));
  // Pairing left to right and carrying an odd last node up gives the same tree as the split at the
  // largest power of two: every left subtree is complete.
  let level = leaves.slice(from, to);
  while (level.length > 1) {
    const next: Hash[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i], level[i + 1]));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0];
}

/** The Merkle Tree Hash of a list of leaf hashes (the hash of the empty string for none). */
export function rootOf(leafHashes: readonly Hash[]): Hash {
  return subtreeRoot(leafHashes, 0, leafHashes.length);
}

/** PATH(m, D[n]) (§2.1.3.1): the audit path of leaf m in the tree of the first n leaves. */
export function inclusionProof(leafHashes: readonly Hash[], m: number, n = leafHashes.length): Hash[] {
  return inclusionProver(leafHashes, n)(m);
}

/**
 * Audit paths of many leaves of one tree (an export proves every record of an incident): each
 * subtree's root is computed once and kept, so n proofs cost O(n) hashes, not O(n) each.
 */
export function inclusionProver(leafHashes: readonly Hash[], n = leafHashes.length): (m: number) => Hash[] {
  if (!(Number.isInteger(n) && n >= 0 && n <= leafHashes.length)) throw new RangeError(`no tree of ${n} leaves`);
  const memo = new Map<string, Hash>();
  const root = (from: number, to: number): Hash => {
    if (to - from === 1) return leafHashes[from];
    const key = `${from}:${to}`;
    let h = memo.get(key);
    if (!h) {
      const k = splitPoint(to - from);
      h = nodeHash(root(from, from + k), root(from + k, to));
      memo.set(key, h);
    }
    return h;
  };
  return (m) => {
    if (!(Number.isInteger(m) && m >= 0 && m < n)) throw new RangeError(`no leaf ${m} in a tree of ${n}`);
    const path: Hash[] = [];
    const walk = (from: number, to: number, index: number) => {
      const size = to - from;
      if (size <= 1) return;
      const k = splitPoint(size);
      if (index < k) {
        walk(from, from + k, index);
        path.push(root(from + k, to));
      } else {
        walk(from + k, to, index - k);
        path.push(root(from, from + k));
      }
    };
    walk(0, n, m);
    return path;
  };
}

/** PROOF(m, D[n]) (§2.1.4.1): that the tree of the first m leaves is a prefix of the tree of n. */
export function consistencyProof(leafHashes: readonly Hash[], m: number, n = leafHashes.length): Hash[] {
  if (!(Number.isInteger(m) && Number.isInteger(n) && m > 0 && m <= n && n <= leafHashes.length)) {
    throw new RangeError(`no consistency proof from ${m} to ${n}`);
  }
  const proof: Hash[] = [];
  // SUBPROOF(m, D[from:to], b)
  const sub = (mm: number, from: number, to: number, complete: boolean) => {
    const size = to - from;
    if (mm === size) {
      if (!complete) proof.push(subtreeRoot(leafHashes, from, to));
      return;
    }
    const k = splitPoint(size);
    if (mm <= k) {
      sub(mm, from, from + k, complete);
      proof.push(subtreeRoot(leafHashes, from + k, to));
    } else {
      sub(mm - k, from + k, to, false);
      proof.push(subtreeRoot(leafHashes, from, from + k));
    }
  };
  if (m < n) sub(m, 0, n, true);
  return proof;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** The inclusion check of §2.1.3.2: whether `leaf` sits at `index` of the tree of `treeSize` with `root`. */
export function verifyInclusion(index: number, treeSize: number, leaf: Hash, proof: readonly Hash[], root: Hash): boolean {
  if (!(Number.isInteger(index) && Number.isInteger(treeSize)) || index < 0 || index >= treeSize) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

/** The consistency check of §2.1.4.2: whether the tree (first, firstRoot) is a prefix of (second, secondRoot). */
export function verifyConsistency(first: number, second: number, firstRoot: Hash, secondRoot: Hash, proof: readonly Hash[]): boolean {
  if (!(Number.isInteger(first) && Number.isInteger(second)) || first < 0 || first > second) return false;
  if (first === second) return proof.length === 0 && equal(firstRoot, secondRoot);
  // An empty tree is a prefix of every tree (§2.1.4: proofs are defined for 0 < first).
  if (first === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = [...proof];
  // A power of two: the first tree is a complete left subtree and its root starts the walk.
  if ((first & (first - 1)) === 0) path.unshift(firstRoot);
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(fr, firstRoot) && equal(sr, secondRoot);
}
