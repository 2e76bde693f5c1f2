import { versionConsistency, versionTexts } from '../../../domain/messages/version-locales';

describe('the locales of one message version', () => {
  it('[M2.5] lists subject and text of the primary locale and every translation, the primary never twice', () => {
    const texts = versionTexts({
      locale: 'de', subject: 'Verzögerte Webhooks', text: 'Bis 14:30 UTC.',
      translations: { de: { subject: 'ignored', text: 'ignored' }, en: { subject: 'Webhook delays', text: 'Until 14:30 UTC.' } },
    });
    expect(texts).toEqual({ de: 'Verzögerte Webhooks\n\nBis 14:30 UTC.', en: 'Webhook delays\n\nUntil 14:30 UTC.' });
    expect(Object.keys(versionTexts({ subject: 'S', text: 'T' }, 'fr'))).toEqual(['fr']);
  });

  it('[M2.5] compares every translation with the primary locale, subjects included', () => {
    const ok = versionConsistency({ subject: 'Delays of 30 minutes', text: 'Next update at 2:30 pm.', translations: { de: { subject: 'Verzögerungen von 30 Minuten', text: 'Nächstes Update um 14:30 Uhr.' } } });
    expect(ok).toEqual({ consistent: true, reference: 'en', disagreements: [] });
    const primaryDe = versionConsistency({
      locale: 'de', subject: 'Verzögerungen von 1,5 Stunden', text: 'Siehe https://status.example/de/incidents/1',
      translations: { en: { subject: 'Delays of 2.5 hours', text: 'See https://status.example/en/incidents/1' } },
    });
    expect(primaryDe.reference).toBe('de');
    expect(primaryDe.disagreements).toEqual([{ kind: 'number', locale: 'en', values: { de: ['1.5'], en: ['2.5'] } }]);
  });
});
