import { XMLValidator } from 'fast-xml-parser';
import { parseAtomFeed } from 'feedsmith';

/**
 * Reads an Atom feed as a feed reader would: the XML must be well-formed (fast-xml-parser's
 * validator, which refuses a bare "&" or an unclosed tag), then feedsmith's Atom parser decodes it.
 */
export function readAtom(xml: string) {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`the feed is not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  return parseAtomFeed(xml);
}
