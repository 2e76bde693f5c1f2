import { isLocale, localeHint } from '../../../domain/messages/locale';
import { LocaleSchema } from '../../../domain/messages/locale-schema';

describe('the locale pattern', () => {
  it('[M2.5] takes a language with an optional region, and nothing else', () => {
    expect(['en', 'de', 'pt-BR', 'fr-CA'].filter(isLocale)).toEqual(['en', 'de', 'pt-BR', 'fr-CA']);
    expect(['EN', 'pt-br', 'eng', 'de-', 'de_DE', 'pt-BRA', ''].filter(isLocale)).toEqual([]);
  });

  it('[M2.5] the zod schema of requests and documents refuses what isLocale refuses, with the hint', () => {
    expect(LocaleSchema.safeParse('pt-BR').success).toBe(true);
    const refused = LocaleSchema.safeParse('pt_BR');
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0].message).toBe(localeHint);
  });
});
