import type { PublicationCheckRequest } from '../../activities/publication';
import { PlaybookSchema, type Playbook } from '../../domain/playbooks/schema';
import { uniqueName } from '../support/env';
import { harnessForFile } from '../support/harness';
import { nearMisses } from '../support/incidents';
import { basePolicy, checkedAt as at, checkedMessage, publicationCheck, translation, type CheckedMessage as Message } from '../support/publication';

/**
 * Plain language enforced before publication (M2.1): a playbook's `messages.plainLanguage` bar
 * (minimum reading ease, most findings allowed) stops a version in the publication check, as the
 * worker runs it against FerretDB, and the stop is a near miss read back through the API.
 */

const h = harnessForFile({ worker: false });
const checkPublication = publicationCheck(h);

const strict: Playbook['messages'] = { ...basePolicy, plainLanguage: { minReadingEase: 50, maxFindings: 0 } };

const jargon = 'Elevated p99 latency on the authz-gateway cluster caused 5xx errors. We initiated a failover and a rollback of the deployment; mitigation is in progress. ETA unknown.';
const plain = 'Some people cannot sign in. We are fixing it now. We will post the next update by 14:30 UTC.';


const message = (over: Partial<Message> = {}): Message => checkedMessage({ version: 3, subject: 'Sign-in problems', text: plain, ...over });

function request(m: Message, over: Partial<Omit<PublicationCheckRequest, 'message'>> = {}): PublicationCheckRequest {
  return {
    incident: { id: uniqueName('INC'), severity: 'SEV3', category: 'outage', tags: [], components: ['email-delivery'] },
    message: m,
    approvals: [],
    rootCauseConfirmed: false,
    policy: strict,
    at,
    ...over,
  };
}


describe('plain language before publication', () => {
  it('[M2.1] a playbook may carry the bar in its message policy', () => {
    const parsed = PlaybookSchema.shape.messages.parse({ plainLanguage: { minReadingEase: 60, maxFindings: 0 } });
    expect(parsed.plainLanguage).toEqual({ minReadingEase: 60, maxFindings: 0 });
    expect(PlaybookSchema.shape.messages.parse({}).plainLanguage).toBeUndefined();
    expect(PlaybookSchema.shape.messages.safeParse({ plainLanguage: { maxFindings: -1 } }).success).toBe(false);
  });

  it('[M2.1, M5.6] blocks jargon-heavy text with its findings, positions, suggestions and score, and records the near miss', async () => {
    const req = request(message({ text: jargon }));
    const result = await checkPublication(req);
    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(1);
    const [problem] = result.problems;
    expect(problem).toMatchObject({ kind: 'blocked-publication', check: 'plain-language' });
    expect(problem.reason).toMatch(/en has \d+ plain-language findings, the playbook allows 0/);
    expect(problem.reason).toMatch(/en reads at 32\.1 \(Flesch reading ease\), the playbook needs 50/);
    const details = problem.details as { findings: any[]; score: number };
    expect(details.score).toBe(32.1);
    expect(details.findings).toHaveLength(10);
    for (const f of details.findings) {
      expect(f).toEqual({ locale: 'en', kind: expect.any(String), start: expect.any(Number), end: expect.any(Number), text: expect.any(String), suggestion: expect.any(String) });
      if (f.kind !== 'readability') expect(jargon.slice(f.start, f.end)).toBe(f.text);
    }
    expect(details.findings).toContainEqual({ locale: 'en', kind: 'jargon', start: 13, end: 20, text: 'latency', suggestion: 'say "delay"' });
    expect(details.findings).toContainEqual({ locale: 'en', kind: 'internal-name', start: 28, end: 41, text: 'authz-gateway', suggestion: 'say "our sign-in system"' });

    const recorded = await nearMisses(h, req.incident.id);
    expect(recorded).toEqual([
      expect.objectContaining({
        kind: 'blocked-publication',
        details: expect.objectContaining({ check: 'plain-language', version: 3, hash: req.message.hash, score: 32.1, findings: details.findings }),
      }),
    ]);
    // A retried activity records the same near miss once.
    await checkPublication(req);
    expect(await nearMisses(h, req.incident.id)).toHaveLength(1);
  });

  it('[M2.1] lets plain text through the same bar', async () => {
    const result = await checkPublication(request(message()));
    expect(result).toMatchObject({ ok: true, problems: [] });
  });

  it('[M2.1] holds each bar on its own: a few findings within maxFindings pass, a low score alone blocks', async () => {
    const twoTerms = 'Some people see a delay. We started a rollback at 14:00 UTC. ETA for the fix is 14:30 UTC.';
    const lenient = await checkPublication(request(message({ text: twoTerms }), { policy: { ...basePolicy, plainLanguage: { maxFindings: 2 } } }));
    expect(lenient).toMatchObject({ ok: true, problems: [] });
    const tight = await checkPublication(request(message({ text: twoTerms }), { policy: { ...basePolicy, plainLanguage: { maxFindings: 1 } } }));
    expect(tight.problems.map((p) => p.check)).toEqual(['plain-language']);
    expect((tight.problems[0].details as any).findings.map((f: any) => f.text)).toEqual(['rollback', 'ETA']);

    const hard = 'Notwithstanding considerable organisational complications, comprehensive infrastructural modernisation necessitates additional investigation.';
    const scoreOnly = await checkPublication(request(message({ text: hard }), { policy: { ...basePolicy, plainLanguage: { minReadingEase: 50 } } }));
    expect(scoreOnly.ok).toBe(false);
    expect(scoreOnly.problems[0]).toMatchObject({ check: 'plain-language', details: { score: -200.9 } });
    expect(scoreOnly.problems[0].reason).not.toMatch(/findings/);
  });

  it('[M2.1, M2.5] checks each translation with its own locale\'s glossary and formula', async () => {
    const de = 'Die Latenz ist hoch. Wir haben ein Rollback gestartet. Nächstes Update um 14:30 UTC.';
    const m = message({ translations: { de: translation('Anmeldeprobleme', de) } });
    const result = await checkPublication(request(m));
    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(1);
    const details = result.problems[0].details as { findings: any[]; score: number; scores: Record<string, number> };
    expect(result.problems[0].reason).toMatch(/^not plain enough: de has 2 plain-language findings/);
    expect(details.findings).toEqual([
      { locale: 'de', kind: 'jargon', start: 4, end: 10, text: 'Latenz', suggestion: 'say "Verzögerung"' },
      { locale: 'de', kind: 'jargon', start: 35, end: 43, text: 'Rollback', suggestion: 'say "Rücknahme der letzten Änderung"' },
    ]);
    expect(details.score).toBe(97.3);
    expect(details.scores).toEqual({ en: 97.3, de: 81.2 });

    const fixed = message({ translations: { de: translation('Anmeldeprobleme', 'Einige Personen können sich nicht anmelden. Wir beheben das Problem. Nächstes Update um 14:30 UTC.') } });
    expect(await checkPublication(request(fixed))).toMatchObject({ ok: true, problems: [] });
  });

  it('[M2.1] without a plain-language policy the text is not checked', async () => {
    const req = request(message({ text: jargon }), { policy: basePolicy });
    expect(await checkPublication(req)).toMatchObject({ ok: true, problems: [] });
    expect(await h.store.models.NearMiss.countDocuments({ incidentId: req.incident.id })).toBe(0);
  });

  it('[M2.1] skips the pre-approved holding statement', async () => {
    const req = request(message({ text: jargon, templateId: 'holding-statement' }), { holdingStatement: true });
    expect(await checkPublication(req)).toMatchObject({ ok: true, problems: [] });
    expect(await h.store.models.NearMiss.countDocuments({ incidentId: req.incident.id })).toBe(0);
  });
});
