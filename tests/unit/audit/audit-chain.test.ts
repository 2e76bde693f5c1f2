import { canonicalJson, chainRecord, genesisHash, verifyChain, type AuditEntry, type ChainedAuditRecord } from '../../../domain/audit';

function chain(steps: AuditEntry['step'][]): ChainedAuditRecord[] {
  const out: ChainedAuditRecord[] = [];
  let prev = genesisHash;
  steps.forEach((step, i) => {
    const r = chainRecord({ incidentId: 'INC-1', seq: i + 1, step, at: `2026-01-01T00:0${i}:00.000Z`, actor: 'lead', details: { i } }, prev);
    out.push(r);
    prev = r.hash;
  });
  return out;
}

describe('audit hash chain', () => {
  it('[X5] canonical JSON ignores key order and undefined values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('[X5] links each record to the hash of the one before it, starting from the genesis hash', () => {
    const records = chain(['declared', 'drafted', 'published']);
    expect(records[0].prevHash).toBe(genesisHash);
    expect(records[1].prevHash).toBe(records[0].hash);
    expect(records[2].prevHash).toBe(records[1].hash);
    expect(records.every((r) => /^[0-9a-f]{64}$/.test(r.hash))).toBe(true);
    expect(verifyChain(records)).toEqual({ valid: true, records: 3 });
  });

  it('[X5] detects an altered record, a removed record and a re-linked forgery', () => {
    const altered = chain(['declared', 'drafted', 'published']);
    altered[1] = { ...altered[1], actor: 'mallory' };
    expect(verifyChain(altered)).toMatchObject({ valid: false, brokenAt: 2, reason: 'content altered' });

    const removed = chain(['declared', 'drafted', 'published']);
    removed.splice(1, 1);
    expect(verifyChain(removed)).toMatchObject({ valid: false, brokenAt: 3, reason: 'sequence gap' });

    const relinked = chain(['declared', 'drafted']);
    relinked[1] = chainRecord({ ...relinked[1], details: { forged: true } }, 'f'.repeat(64));
    expect(verifyChain(relinked)).toMatchObject({ valid: false, brokenAt: 2, reason: 'broken link' });
  });
});
