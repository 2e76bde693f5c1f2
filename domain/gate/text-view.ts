/**
 * A transformed reading of a text that remembers, for each of its characters, the span of the
 * original it came from. Secrets hide behind entities, zero-width characters, look-alike letters
 * and markup; detectors read the unmasked view and the redaction still lands on the original.
 */
export interface TextView {
  text: string;
  /** Original start of each view code unit. */
  from: number[];
  /** Original end (exclusive) of each view code unit. */
  to: number[];
  /** View positions where a line break was taken out: a word may end or start there. */
  joins?: Set<number>;
}

export function viewOf(text: string): TextView {
  const from: number[] = [];
  const to: number[] = [];
  for (let i = 0; i < text.length; i++) {
    from.push(i);
    to.push(i + 1);
  }
  return { text, from, to };
}

/** Original span of the view range [start, end). */
export function originalSpan(v: TextView, start: number, end: number): { start: number; end: number } {
  return { start: v.from[start], end: v.to[end - 1] };
}

/**
 * Rewrites every match of a global regex; the replacement's characters all map to the matched
 * original span. A replacer answering undefined leaves the match as it is.
 */
export function rewrite(v: TextView, re: RegExp, replace: (m: RegExpExecArray) => string | undefined): TextView {
  return rewriteMarked(v, re, replace).view;
}

function rewriteMarked(v: TextView, re: RegExp, replace: (m: RegExpExecArray) => string | undefined) {
  const marks: number[] = [];
  const chars: string[] = [];
  const from: number[] = [];
  const to: number[] = [];
  const copy = (a: number, b: number) => {
    for (let i = a; i < b; i++) {
      chars.push(v.text[i]);
      from.push(v.from[i]);
      to.push(v.to[i]);
    }
  };
  let last = 0;
  for (const m of v.text.matchAll(re)) {
    const r = replace(m);
    if (r === undefined || m[0].length === 0) continue;
    copy(last, m.index);
    marks.push(chars.length);
    const s = v.from[m.index];
    const e = v.to[m.index + m[0].length - 1];
    for (const ch of r.split('')) {
      chars.push(ch);
      from.push(s);
      to.push(e);
    }
    last = m.index + m[0].length;
  }
  copy(last, v.text.length);
  return { view: { text: chars.join(''), from, to } as TextView, marks };
}

const namedEntities: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', sol: '/', colon: ':', period: '.',
  commat: '@', lowbar: '_', hyphen: '-', dash: '-', num: '#', equals: '=', percnt: '%', plus: '+',
  excl: '!', quest: '?', lsqb: '[', rsqb: ']', lcub: '{', rcub: '}', ndash: '-', mdash: '-',
  shy: '', zwj: '', zwnj: '', newline: '\n', tab: '\t', semi: ';', comma: ',', dollar: '$',
};

/** HTML character references, numeric and the named ones that spell ASCII or nothing. */
export function decodeEntities(v: TextView): TextView {
  return rewrite(v, /&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z]{2,8}));?/gi, (m) => {
    if (m[1] || m[2]) {
      const code = m[1] ? Number(m[1]) : parseInt(m[2], 16);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
    }
    return namedEntities[m[3].toLowerCase()];
  });
}

/** %XX escapes that spell printable ASCII or line breaks: what a URL-encoded secret hides behind. */
export function decodePercent(v: TextView): TextView {
  return rewrite(v, /%([0-9a-f]{2})/gi, (m) => {
    const code = parseInt(m[1], 16);
    return (code >= 0x20 && code < 0x7f) || code === 10 || code === 13 || code === 9 ? String.fromCharCode(code) : undefined;
  });
}

// Look-alike letters from Cyrillic and Greek that read as Latin in most fonts.
const confusables: Record<string, string> = {
  а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', і: 'i', ј: 'j', ѕ: 's', ԁ: 'd', һ: 'h', ԛ: 'q', ԝ: 'w',
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', І: 'I', Ј: 'J', Ѕ: 'S',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Χ: 'X', Υ: 'Y',
  ο: 'o', ν: 'v', ι: 'i', κ: 'k',
};

/**
 * Compatibility forms folded to their plain letters (fullwidth, ligatures, odd spaces), accents,
 * invisible format characters (zero-width, soft hyphen, bidi marks) dropped, look-alikes mapped.
 */
export function foldUnicode(v: TextView): TextView {
  return rewrite(v, /[^\p{ASCII}]/gu, (m) => {
    const ch = m[0];
    if (confusables[ch]) return confusables[ch];
    return ch.normalize('NFKD').replace(/[\p{M}\p{Cf}]/gu, '');
  });
}

/** Markup removed, so that a secret split by inline tags reads whole. */
export function stripTags(v: TextView): TextView {
  return rewrite(v, /<!--[\s\S]*?-->|<\/?[a-z][^<>]*>/gi, () => '');
}

/** Line breaks (with the blanks around them) removed, so that a secret split across lines reads whole. */
export function joinLines(v: TextView): TextView {
  const { view, marks } = rewriteMarked(v, /[ \t]*(?:\r\n|\r|\n)\s*/g, () => '');
  return { ...view, joins: new Set(marks) };
}

export function removeBlanks(v: TextView): TextView {
  return rewrite(v, /\s+/g, () => '');
}

/** Everything a reader could decode by eye: entities and %XX escapes (nested either way), odd Unicode. */
export function unmask(v: TextView): TextView {
  return foldUnicode(decodeEntities(decodePercent(decodeEntities(decodeEntities(foldUnicode(v))))));
}

/** The most aggressive reading of a text, as plain characters: for checking that nothing survived. */
export function flatten(text: string): string {
  return removeBlanks(unmask(stripTags(viewOf(text)))).text.toLowerCase();
}
