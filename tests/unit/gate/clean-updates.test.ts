import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { textToHtml } from '../../../domain/messages/content-hash';
import { defaultGatePolicy } from '../../../config/gate';
import { passExternalGate, previewGate } from '../../../domain/gate';

/**
 * False positives cost customers clarity (M5.5): realistic incident updates with no secret in
 * them (components, versions, times, percentages, regions, status-page URLs, tickets, error codes,
 * product names) leave the gate exactly as written, and lint reports nothing sensitive in them.
 */

const sentences = readFileSync(join(__dirname, '..', '..', 'fixtures', 'clean-updates.txt'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'));

describe('the clean-updates corpus', () => {
  it('[M5.5] holds at least 200 sentences', () => {
    expect(new Set(sentences).size).toBeGreaterThanOrEqual(200);
  });

  it('[M5.5] passes every sentence through the gate unchanged, as subject, text and HTML, with no lint finding', () => {
    const changed = sentences.filter((line) => {
      const content = { subject: line, text: line, html: textToHtml(line) };
      const verdict = passExternalGate(content, defaultGatePolicy);
      return !verdict.allowed || verdict.findings.length > 0 || JSON.stringify(verdict.content) !== JSON.stringify(content);
    });
    expect(changed).toEqual([]);
    expect(sentences.filter((line) => previewGate(line, defaultGatePolicy).sensitive.length > 0)).toEqual([]);
  });

  it('[M5.5] passes whole updates made of these sentences unchanged, across line breaks and paragraphs', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...sentences), { minLength: 2, maxLength: 8 }), fc.constantFrom('\n', '\n\n', ' '), (picked, sep) => {
        const text = picked.join(sep);
        const content = { subject: picked[0], text, html: textToHtml(text) };
        const verdict = passExternalGate(content, defaultGatePolicy);
        expect(verdict.findings).toEqual([]);
        expect(verdict.content).toEqual(content);
        expect(previewGate(text, defaultGatePolicy)).toEqual({ sensitive: [], redacted: text, blocked: false, blockReasons: [] });
      }),
      { numRuns: 300 },
    );
  });
});
