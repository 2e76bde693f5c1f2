import fc from 'fast-check';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils';
import { consistencyProof, inclusionProof, leafHash, nodeHash, rootOf, verifyConsistency, verifyInclusion, type Hash } from '../../../domain/archive/merkle';

/** RFC 9162 §2.1.1 written out as its recursion, independently of the module's level-by-level fold. */
function k(n: number) {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}
function naiveMth(d: Uint8Array[]): Hash {
  if (d.length === 0) return sha256(new Uint8Array(0));
  if (d.length === 1) return sha256(new Uint8Array([0, ...d[0]]));
  const s = k(d.length);
  return sha256(new Uint8Array([1, ...naiveMth(d.slice(0, s)), ...naiveMth(d.slice(s))]));
}
function naivePath(m: number, d: Uint8Array[]): Hash[] {
  if (d.length <= 1) return [];
  const s = k(d.length);
  return m < s ? [...naivePath(m, d.slice(0, s)), naiveMth(d.slice(s))] : [...naivePath(m - s, d.slice(s)), naiveMth(d.slice(0, s))];
}
function naiveSubproof(m: number, d: Uint8Array[], b: boolean): Hash[] {
  if (m === d.length) return b ? [] : [naiveMth(d)];
  const s = k(d.length);
  return m <= s ? [...naiveSubproof(m, d.slice(0, s), b), naiveMth(d.slice(s))] : [...naiveSubproof(m - s, d.slice(s), false), naiveMth(d.slice(0, s))];
}
const hex = (h: Hash[]) => h.map(bytesToHex);

// The leaves of Certificate Transparency's reference tests (RFC 6962 test data).
const ctLeaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hexToBytes);
const ctRoots = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const leavesArb = fc.array(fc.uint8Array({ maxLength: 12 }), { minLength: 1, maxLength: 70 });

describe('[X5] the archive Merkle tree (RFC 9162 §2.1)', () => {
  it('[X5] hashes leaves and nodes with domain separation, and the empty tree as SHA-256 of nothing', () => {
    expect(bytesToHex(rootOf([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(bytesToHex(leafHash(new Uint8Array(0)))).toBe(ctRoots[0]);
    const a = leafHash(new Uint8Array([1]));
    const b = leafHash(new Uint8Array([2]));
    expect(bytesToHex(nodeHash(a, b))).toBe(bytesToHex(sha256(new Uint8Array([1, ...a, ...b]))));
    // A node's preimage is never read as a leaf's.
    expect(bytesToHex(leafHash(new Uint8Array([...a, ...b])))).not.toBe(bytesToHex(nodeHash(a, b)));
  });

  it('[X5] gives the roots of the Certificate Transparency reference tree for sizes 1 to 8', () => {
    const hashes = ctLeaves.map(leafHash);
    for (let n = 1; n <= 8; n++) {
      expect(bytesToHex(rootOf(hashes.slice(0, n)))).toBe(ctRoots[n - 1]);
      expect(bytesToHex(naiveMth(ctLeaves.slice(0, n)))).toBe(ctRoots[n - 1]);
    }
  });

  it('[X5] builds the audit paths and consistency proofs of the RFC recursion for every size up to 20', () => {
    const leaves = Array.from({ length: 20 }, (_, i) => new Uint8Array([i, i * 7]));
    const hashes = leaves.map(leafHash);
    for (let n = 1; n <= 20; n++) {
      const root = rootOf(hashes.slice(0, n));
      expect(bytesToHex(root)).toBe(bytesToHex(naiveMth(leaves.slice(0, n))));
      for (let m = 0; m < n; m++) {
        const path = inclusionProof(hashes, m, n);
        expect(hex(path)).toEqual(hex(naivePath(m, leaves.slice(0, n))));
        expect(verifyInclusion(m, n, hashes[m], path, root)).toBe(true);
      }
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(hashes, m, n);
        expect(hex(proof)).toEqual(m === n ? [] : hex(naiveSubproof(m, leaves.slice(0, n), true)));
        expect(verifyConsistency(m, n, rootOf(hashes.slice(0, m)), root, proof)).toBe(true);
      }
    }
  });

  it('[X5] property: every leaf proves its inclusion, and no other leaf, index or root passes', () => {
    fc.assert(
      fc.property(leavesArb, fc.nat(), fc.nat(), (leaves, a, b) => {
        const hashes = leaves.map(leafHash);
        const n = hashes.length;
        const m = a % n;
        const root = rootOf(hashes);
        const path = inclusionProof(hashes, m);
        expect(verifyInclusion(m, n, hashes[m], path, root)).toBe(true);
        const other = b % n;
        if (bytesToHex(hashes[other]) !== bytesToHex(hashes[m])) expect(verifyInclusion(m, n, hashes[other], path, root)).toBe(false);
        // Another position passes only where the tree repeats itself (equal leaves): with distinct leaves it never does.
        if (n > 1 && new Set(hashes.map(bytesToHex)).size === n) expect(verifyInclusion((m + 1) % n, n, hashes[m], path, root)).toBe(false);
        expect(verifyInclusion(m, n, hashes[m], path, leafHash(root))).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('[X5] property: a prefix proves consistent, and a changed leaf or a truncated proof does not', () => {
    fc.assert(
      fc.property(leavesArb, fc.nat(), fc.nat(), (leaves, a, c) => {
        const hashes = leaves.map(leafHash);
        const n = hashes.length;
        const m = 1 + (a % n);
        const proof = consistencyProof(hashes, m, n);
        const first = rootOf(hashes.slice(0, m));
        const second = rootOf(hashes);
        expect(verifyConsistency(m, n, first, second, proof)).toBe(true);
        if (m < n) {
          // An attacker rewrites one of the first m leaves: the old head no longer matches.
          const i = c % m;
          const forged = [...hashes];
          forged[i] = leafHash(new Uint8Array([...leaves[i], 0xff]));
          expect(verifyConsistency(m, n, first, rootOf(forged), consistencyProof(forged, m, n))).toBe(false);
          expect(verifyConsistency(m, n, first, second, proof.slice(0, -1))).toBe(false);
          expect(verifyConsistency(m, n, first, second, [])).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });
});
