import { contrastRatio, palette } from '../../../domain/status-page/palette';
import { pageLocales, pageStrings } from '../../../config/page-strings';
import { negotiatePageLocale as negotiate, pageStringsFor as stringsFor } from '../../../domain/status-page/strings';

const negotiatePageLocale = (lang: string | undefined, accept: string | undefined) => negotiate(pageStrings, lang, accept);
const pageStringsFor = (locale: string) => stringsFor(pageStrings, locale);
import { componentStatuses } from '../../../domain/status-page';
import { emailLocales } from '../../../domain/messages/localization';

describe('status page language and colours', () => {
  it('[M3.3] speaks every locale Herald ships email in, chosen by ?lang= first, then Accept-Language by q', () => {
    expect([...pageLocales].sort()).toEqual([...emailLocales].sort());
    expect(negotiatePageLocale('de', 'fr')).toBe('de');
    expect(negotiatePageLocale('xx', 'fr-CA;q=0.5, ja;q=0.9')).toBe('ja');
    expect(negotiatePageLocale(undefined, 'pt-BR,pt;q=0.9,en;q=0.8')).toBe('pt');
    expect(negotiatePageLocale(undefined, 'sv, da;q=0.5')).toBe('en');
    expect(negotiatePageLocale(undefined, undefined)).toBe('en');
    expect(pageStringsFor('pt').lang).toBe('pt-BR');
    for (const l of pageLocales) expect(Object.keys(pageStringsFor(l)).sort()).toEqual(Object.keys(pageStringsFor('en')).sort());
  });

  it.each(['light', 'dark'] as const)('[M3.1] the %s palette meets WCAG 2.1 AA: text 4.5:1, banner text 4.5:1, bars 3:1', (mode) => {
    const p = palette[mode];
    for (const fg of [p.text, p.muted, p.link, ...componentStatuses.map((s) => p[s])]) {
      expect(contrastRatio(fg, p.bg)).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(fg, p.surface)).toBeGreaterThanOrEqual(4.5);
    }
    for (const s of componentStatuses) expect(contrastRatio(p.on, p[s])).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(p.bg, p.link)).toBeGreaterThanOrEqual(4.5); // button text on its background
  });
});
