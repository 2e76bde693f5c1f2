import { broadcastEmail } from '../../../domain/delivery';
import { checkLocaleConsistency, emailStringsFor, requiredLocalesPresent } from '../../../domain/messages/localization';

describe('localization', () => {
  it('[M2.5] finds the same facts consistent across locales whatever their number, time and date formats', () => {
    const r = checkLocaleConsistency({
      en: 'About 1,250 customers saw errors from 2:30 PM to 14:45 on 05/01/2024. 99.5% are back. See https://status.example.com/en/incidents/42?lang=en',
      de: 'Etwa 1.250 Kunden sahen Fehler von 14:30 bis 14:45 Uhr am 01.05.2024. 99,5 % sind zurück. Siehe https://status.example.com/de/incidents/42?lang=de',
      fr: 'Environ 1 250 clients ont vu des erreurs de 14h30 à 14h45 le 01/05/2024. 99,5 % sont rétablis. Voir https://status.example.com/fr/incidents/42',
    });
    expect(r).toEqual({ consistent: true, reference: 'en', disagreements: [] });
    // The same digits mean another number in a decimal-comma locale.
    expect(checkLocaleConsistency({ en: 'about 1,250 customers', de: 'etwa 1,250 Kunden' }).disagreements).toEqual([
      { kind: 'number', locale: 'de', values: { en: ['1250'], de: ['1.25'] } },
    ]);
  });

  it('[M2.5] reports each kind of disagreement with the values on both sides', () => {
    const r = checkLocaleConsistency({
      en: { text: 'Fixed at 14:30 UTC for 3 regions. https://status.example.com/i/1', variables: { components: 'Payments' } },
      de: { text: 'Behoben um 15:30 UTC für 4 Regionen. https://status.example.com/i/2', variables: { components: 'Zahlungen' } },
    });
    expect(r.consistent).toBe(false);
    expect(r.disagreements).toEqual([
      { kind: 'number', locale: 'de', values: { en: ['3'], de: ['4'] } },
      { kind: 'time', locale: 'de', values: { en: ['14:30'], de: ['15:30'] } },
      { kind: 'link', locale: 'de', values: { en: ['https://status.example.com/i/1'], de: ['https://status.example.com/i/2'] } },
      { kind: 'variable', locale: 'de', values: { en: ['components=Payments'], de: ['components=Zahlungen'] } },
    ]);
    const localized = checkLocaleConsistency(
      { en: { text: 'ok', variables: { components: 'Payments' } }, de: { text: 'ok', variables: { components: 'Zahlungen' } } },
      { localizedVariables: ['components'] },
    );
    expect(localized.consistent).toBe(true);
  });

  it('[M2.5] requires every audience locale, or a named fallback that is recorded', () => {
    expect(requiredLocalesPresent(['en', 'de', 'fr'], ['en', 'de', 'fr'])).toEqual({ ok: true, missing: [], served: { de: 'de', en: 'en', fr: 'fr' }, fallbackUsed: [] });
    expect(requiredLocalesPresent(['en', 'de', 'fr'], ['en', 'de'])).toMatchObject({ ok: false, missing: ['fr'] });
    expect(requiredLocalesPresent(['en', 'de', 'fr'], ['en', 'de'], 'en')).toEqual({ ok: true, missing: [], served: { de: 'de', en: 'en', fr: 'en' }, fallbackUsed: ['fr'] });
    expect(requiredLocalesPresent(['de-AT'], ['de'])).toMatchObject({ ok: true, served: { 'de-AT': 'de' }, fallbackUsed: [] });
    expect(requiredLocalesPresent(['fr'], ['de'], 'en')).toMatchObject({ ok: false, missing: ['fr'] });
  });
});

describe('an email\'s own words (M2.5)', () => {
  const meta = { incidentId: 'INC-7', severity: 'SEV2' as const, category: 'outage' as const, version: 1 };
  const config = { fromAddress: 'Status <status@herald.test>', publicUrl: 'https://status.test', messageIdDomain: 'herald.test' };
  const content = { subject: 'S', text: 'T', html: '<p>T</p>' };
  const english = emailStringsFor('en');

  it('[M2.5] ships the link and unsubscribe lines in every language the demo customers read, else English', () => {
    for (const locale of ['en', 'de', 'ja', 'fr', 'es', 'pt-BR', 'nl']) {
      const words = emailStringsFor(locale);
      if (locale !== 'en') for (const key of Object.keys(english) as (keyof typeof english)[]) expect([locale, key, words[key]]).not.toEqual([locale, key, english[key]]);
    }
    expect(emailStringsFor('de-AT')).toEqual(emailStringsFor('de'));
    expect(emailStringsFor('pt-BR')).toEqual(emailStringsFor('pt'));
    expect(emailStringsFor('sw')).toEqual(english);
    expect(emailStringsFor(undefined)).toEqual(english);
  });

  it('[M2.5] a German email has no English line: link and unsubscribe in German, in text and HTML', () => {
    const { email } = broadcastEmail(meta, content, 'it@globex.example', config, {
      locale: 'de', statusLink: 'https://status.test/r/t1', unsubscribeUrl: 'https://status.test/v1/unsubscribe/t&k',
    });
    expect(email.text).toBe('T\n\nDiesen Vorfall verfolgen: https://status.test/r/t1\n\nUm diese E-Mails nicht mehr zu erhalten: https://status.test/v1/unsubscribe/t&k');
    expect(email.html).toContain('<a href="https://status.test/r/t1">Diesen Vorfall auf unserer Statusseite verfolgen</a>');
    expect(email.html).toContain('<small>Um diese E-Mails nicht mehr zu erhalten: <a href="https://status.test/v1/unsubscribe/t&amp;k">Abmelden</a></small>');
    for (const phrase of Object.values(english)) {
      expect(email.text).not.toContain(phrase);
      expect(email.html).not.toContain(phrase);
    }
  });

  it('[M2.5] content served by the fallback locale gets that locale\'s words, so the email reads in one language', () => {
    const { email } = broadcastEmail(meta, content, 'sre@kaiju.example', config, { locale: 'en' });
    expect(email.text).toBe(`T\n\n${english.follow} https://status.test/status#INC-7`);
  });
});
