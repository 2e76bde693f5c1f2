import type { PageStringTables, PageStrings } from '../domain/status-page/strings';
import de from './page-strings/de.json';
import en from './page-strings/en.json';
import es from './page-strings/es.json';
import fr from './page-strings/fr.json';
import ja from './page-strings/ja.json';
import nl from './page-strings/nl.json';
import pt from './page-strings/pt.json';

/**
 * The status page's words as shipped, one JSON file per locale for translators; the order is the
 * language switcher's. `tests/unit/status-page/page-locale.test.ts` checks every file has every key.
 */
export const pageStrings: PageStringTables = { en, de, fr, es, pt, nl, ja } satisfies Record<string, PageStrings>;

/** The page locales, by language, in the order the switcher lists them. */
export const pageLocales = Object.keys(pageStrings);
