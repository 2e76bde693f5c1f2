import { checkDisclosure, mentionsRootCause, type DisclosureCheck } from '../../../domain/gate/disclosure';

const base: DisclosureCheck = {
  rootCause: { statement: 'A faulty cache node may have caused this.', status: 'hypothesis' },
  incidentRootCauseConfirmed: false,
  approvals: [],
  versionHash: 'v2hash',
  audience: 'external',
};

describe('disclosure level', () => {
  it('[M2.4] keeps a hypothesis from external audiences without a disclosure approval of this exact version', () => {
    expect(checkDisclosure(base)).toEqual({ ok: false, reason: expect.stringContaining('disclosure right') });
    expect(checkDisclosure({ ...base, approvals: [{ approver: 'Pat PR', rights: ['pr'], versionHash: 'v2hash' }] }).ok).toBe(false);
    expect(checkDisclosure({ ...base, approvals: [{ approver: 'Lee Legal', rights: ['disclosure'], versionHash: 'v1hash' }] }).ok).toBe(false);
    expect(checkDisclosure({ ...base, approvals: [{ approver: 'Lee Legal', rights: ['legal', 'disclosure'], versionHash: 'v2hash' }] })).toEqual({
      ok: true,
      reason: 'Lee Legal approved disclosing this hypothesis in this exact version',
    });
  });

  it('[M2.4] lets internal audiences read hypotheses', () => {
    expect(checkDisclosure({ ...base, audience: 'internal' }).ok).toBe(true);
  });

  it('[M2.4] publishes a confirmed root cause only once the incident has confirmed it', () => {
    const confirmed = { ...base, rootCause: { statement: 'A faulty cache node caused this.', status: 'confirmed' as const } };
    expect(checkDisclosure(confirmed).ok).toBe(false);
    expect(checkDisclosure({ ...confirmed, incidentRootCauseConfirmed: true }).ok).toBe(true);
    expect(checkDisclosure({ ...base, rootCause: undefined }).ok).toBe(true);
  });

  it('[M2.4] recognises causal wording that states a root cause', () => {
    expect(mentionsRootCause('The outage was caused by a failed update.')).toBe(true);
    expect(mentionsRootCause('We are investigating errors.')).toBe(false);
    expect(mentionsRootCause('Die Störung wurde durch ein Update ausgelöst durch Fehler.', 'de')).toBe(true);
    expect(mentionsRootCause("La panne est due à une mise à jour.", 'fr')).toBe(true);
  });
});
