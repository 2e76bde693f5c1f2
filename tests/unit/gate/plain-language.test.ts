import { defaultLintOptions } from '../../../config/gate';
import { lintPlainLanguage, readingEase, type LintOptions } from '../../../domain/gate/plain-language';

const en = defaultLintOptions('en');
const lint = (text: string, extra: Partial<LintOptions> = {}) => lintPlainLanguage(text, { ...en, ...extra });
const found = (text: string, extra: Partial<LintOptions> = {}) => lint(text, extra).findings.map((f) => `${f.kind}:${f.text}`);

describe('plain-language lint', () => {
  it('[M2.1] flags jargon and acronyms from the glossary with their position and a plain suggestion', () => {
    const text = 'Customers saw high latency because DNS returned 5xx errors.';
    const r = lint(text);
    expect(r.findings).toEqual([
      { kind: 'jargon', start: 19, end: 26, text: 'latency', suggestion: 'say "delay"' },
      { kind: 'acronym', start: 35, end: 38, text: 'DNS', suggestion: 'say "the system that finds our servers"' },
      { kind: 'jargon', start: 48, end: 51, text: '5xx', suggestion: 'say "errors"' },
    ]);
    for (const f of r.findings) expect(text.slice(f.start, f.end)).toBe(f.text);
    expect(r.passes).toBe(false);
  });

  it('[M2.1] matches whatever the case and punctuation, plurals too, but never inside another word', () => {
    expect(found('LATENCY! Latency, (latency). Timeouts; DNS-based')).toEqual([
      'jargon:LATENCY', 'jargon:Latency', 'jargon:latency', 'jargon:Timeouts', 'acronym:DNS',
    ]);
    expect(found('prelatency latencyMs DNSSEC_x xlatency 5xxx a5xx')).toEqual([]);
  });

  it('[M2.1] treats letters of any script as part of a word and still matches next to symbols and emoji', () => {
    expect(found('Größe🔥DNS🔥 und «latency» ok')).toEqual(['acronym:DNS', 'jargon:latency']);
    expect(found('ÉDNS latencyé ДNS')).toEqual([]);
    expect(found('packet\nloss and packet   loss')).toEqual(['jargon:packet\nloss', 'jargon:packet   loss']);
  });

  it('[M2.1] flags internal service names and codenames with what to say instead', () => {
    const r = lint('Project Falcon moved ledgerd to new hardware; Payments-Core followed.');
    expect(r.findings.map((f) => [f.kind, f.text, f.suggestion])).toEqual([
      ['codename', 'Project Falcon', 'leave the codename out; say what changed for customers'],
      ['internal-name', 'ledgerd', 'say "our billing system"'],
      ['internal-name', 'Payments-Core', 'say "our payment system"'],
    ]);
  });

  it('[M2.1] flags unknown acronyms unless customers know them or the text explains them', () => {
    expect(found('The BGP issue hit EU customers at 10:00 UTC; single sign-on (SSO) works.')).toEqual(['acronym:BGP']);
  });

  it('[M2.1] scores readability by the locale formula and fails below the playbook minimum', () => {
    const plain = 'We fixed the problem. Your data is safe. Sign in again to continue.';
    const dense = 'Intermittent authentication infrastructure degradation necessitated comprehensive reconfiguration of organizational identity federation components.';
    expect(readingEase(plain, 'en')!.score).toBeGreaterThan(70);
    expect(readingEase(dense, 'en')!.score).toBeLessThan(0);
    expect(lint(plain, { minReadingEase: 60 }).passes).toBe(true);
    const failing = lint(dense, { minReadingEase: 60 });
    expect(failing.passes).toBe(false);
    expect(failing.findings.find((f) => f.kind === 'readability')?.suggestion).toMatch(/Flesch reading ease is -?\d+(\.\d)?, the playbook needs 60/);
  });

  it('[M2.1] uses the Amstad formula for German and Kandel-Moles for French, and none where no formula exists', () => {
    const de = lintPlainLanguage('Wir haben den Fehler behoben. Ihre Daten sind sicher.', defaultLintOptions('de'));
    expect(de.formula).toBe('Flesch reading ease (Amstad)');
    expect(de.score).toBeGreaterThan(50);
    const fr = lintPlainLanguage('Nous avons corrigé le problème. Vos données sont en sécurité.', defaultLintOptions('fr'));
    expect(fr.formula).toBe('Flesch reading ease (Kandel & Moles)');
    expect(lintPlainLanguage('データは安全です。', defaultLintOptions('ja'))).toMatchObject({ score: null, formula: null });
    expect(found('Die Latenz war hoch.', defaultLintOptions('de'))).toEqual(['jargon:Latenz']);
  });

  it('[M2.1] flags a sentence too long to read at once', () => {
    const long = `We ${'really '.repeat(30)}care.`;
    expect(lint(long).findings).toEqual([expect.objectContaining({ kind: 'readability', start: 0, end: long.length, suggestion: 'split this sentence of 32 words' })]);
  });
});
