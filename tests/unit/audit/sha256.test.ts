import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { constantTimeEqual, hmacSha256, sha256Bytes, sha256Hex } from '../../../domain/audit/sha256';

describe('pure SHA-256 on @noble/hashes (the workflow hashes message versions with it)', () => {
  it('[M3.6] matches the FIPS 180-4 test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('[M3.6] agrees with Node crypto on any text, including multi-byte Unicode', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => {
        expect(sha256Hex(s)).toBe(createHash('sha256').update(s).digest('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('[M3.6] hashes bytes and computes HMAC-SHA256 as Node crypto does, for text and byte keys', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ minLength: 1, maxLength: 100 }), (textKey, data, byteKey) => {
        expect(Buffer.from(sha256Bytes(data)).toString('hex')).toBe(createHash('sha256').update(data).digest('hex'));
        expect(Buffer.from(hmacSha256(textKey, data)).toString('hex')).toBe(createHmac('sha256', textKey).update(data).digest('hex'));
        expect(Buffer.from(hmacSha256(byteKey, textKey)).toString('hex')).toBe(createHmac('sha256', byteKey).update(textKey).digest('hex'));
      }),
      { numRuns: 200 },
    );
  });
});

describe('constant-time comparison', () => {
  it('is true exactly for equal byte strings, of any length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (a, b) => {
        expect(constantTimeEqual(a, Uint8Array.from(a))).toBe(true);
        expect(constantTimeEqual(a, b)).toBe(Buffer.from(a).equals(Buffer.from(b)));
      }),
      { numRuns: 200 },
    );
    expect(constantTimeEqual(Buffer.from('abc'), Buffer.from('abd'))).toBe(false);
    expect(constantTimeEqual(Buffer.from('abc'), Buffer.from('abcd'))).toBe(false);
  });
});
