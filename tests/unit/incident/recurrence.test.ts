import { capped, matchRecurrence, recurrenceWindow, recurringRateLimitMinutes, shortRecurrenceMessage, type RecurrenceCandidate } from '../../../domain/incident/recurrence';
import { chronicRecurrenceNotice } from '../../../domain/incident/notices';
import { recurringAlertIncidentId, alertIncidentId } from '../../../domain/alerts';

const probe = {
  id: 'INC-NEW', category: 'performance-degradation' as const, components: ['api', 'search'], detectedAt: '2026-03-31T12:00:00.000Z', windowDays: 30, chronicThreshold: 2,
};
const candidate = (over: Partial<RecurrenceCandidate>): RecurrenceCandidate => ({
  id: 'INC-1', title: 'Slow search', category: 'performance-degradation', components: ['search', 'api'], detectedAt: '2026-03-20T09:00:00.000Z', ...over,
});

describe('recurrence detection (M7.5)', () => {
  it('[M7.5] matches the same category on the same components within the window, newest first', () => {
    const r = matchRecurrence(probe, [
      candidate({ id: 'INC-1', detectedAt: '2026-03-10T09:00:00.000Z', rootCause: 'An index rebuild' }),
      candidate({ id: 'INC-2', detectedAt: '2026-03-25T09:00:00.000Z', resolvedAt: '2026-03-25T10:00:00.000Z' }),
      candidate({ id: 'OLD', detectedAt: '2026-02-28T11:59:59.000Z' }),
      candidate({ id: 'DRILL', drill: true }),
      candidate({ id: 'OTHER-CAT', category: 'outage' }),
      candidate({ id: 'MORE-COMPONENTS', components: ['api', 'search', 'billing'] }),
      candidate({ id: 'LATER', detectedAt: '2026-04-01T00:00:00.000Z' }),
      candidate({ id: 'INC-NEW' }),
    ]);
    expect(r).toEqual({
      count: 2, windowDays: 30, chronic: true,
      priorIncidents: [
        { id: 'INC-2', title: 'Slow search', detectedAt: '2026-03-25T09:00:00.000Z', resolvedAt: '2026-03-25T10:00:00.000Z', matchedBy: 'components' },
        { id: 'INC-1', title: 'Slow search', detectedAt: '2026-03-10T09:00:00.000Z', rootCause: 'An index rebuild', matchedBy: 'components' },
      ],
    });
  });

  it('[M7.5] matches the same alert fingerprint whatever the components, and counts as chronic only at the threshold', () => {
    const r = matchRecurrence({ ...probe, alertFingerprint: 'fp-1' }, [candidate({ id: 'A', category: 'outage', components: ['db'], alertFingerprints: ['fp-0', 'fp-1'] })]);
    expect(r).toMatchObject({ count: 1, chronic: false, priorIncidents: [{ id: 'A', matchedBy: 'alert-fingerprint' }] });
    expect(matchRecurrence(probe, [candidate({ id: 'A', category: 'outage', components: ['db'], alertFingerprints: ['fp-1'] })])).toBeUndefined();
    expect(matchRecurrence({ ...probe, chronicThreshold: undefined }, [candidate({})])?.chronic).toBe(false);
  });

  it('[M7.5] looks back exactly the window before detection', () => {
    expect(recurrenceWindow({ detectedAt: '2026-03-31T12:00:00.000Z', windowDays: 30 })).toEqual({ from: '2026-03-01T12:00:00.000Z', to: '2026-03-31T12:00:00.000Z' });
    expect(matchRecurrence(probe, [candidate({ detectedAt: '2026-03-01T12:00:00.000Z' })])?.count).toBe(1);
    expect(matchRecurrence(probe, [candidate({ detectedAt: '2026-03-01T11:59:59.999Z' })])).toBeUndefined();
  });

  it('[M7.5] a recurrence opened by the same alert gets the next occurrence ID', () => {
    expect(recurringAlertIncidentId('fp', 1)).toBe(alertIncidentId('fp'));
    expect(recurringAlertIncidentId('fp', 3)).toBe(`${alertIncidentId('fp')}-3`);
  });
});

describe('how a recurring incident adapts (M7.5)', () => {
  const prior = { id: 'INC-1', title: 'Slow search', detectedAt: '2026-03-10T09:00:00.000Z', rootCause: 'An index rebuild', matchedBy: 'components' as const };
  const content = { subject: 'Search is slow', text: 'Search is slower than usual.\n\nWe are looking into it and will update you by 14:00 UTC.', html: '<p>Search is slower than usual.</p>', locale: 'en' };

  it('[M7.5] the short message keeps the first paragraph and links the earlier occurrence with its root cause', () => {
    const s = shortRecurrenceMessage(content, prior, 'https://status.example/l/abc', 'en');
    expect(s.subject).toBe('Search is slow');
    expect(s.locale).toBe('en');
    expect(s.text).toBe('Search is slower than usual.\n\nThis is the same problem as "Slow search" on 2026-03-10.\nWhat caused it then: An index rebuild\nWhat we said then and what we say now: https://status.example/l/abc\n');
    expect(s.text.length).toBeLessThan(content.text.length + 160);
    expect(s.html).toContain('<a href="https://status.example/l/abc">');
  });

  it('[M7.5] the short message is in the reader\'s locale, escapes HTML and leaves out a root cause not yet known', () => {
    const s = shortRecurrenceMessage({ ...content, text: 'Die Suche ist langsam.' }, { ...prior, title: 'A <b> title', rootCause: undefined }, 'https://x/l', 'de-DE');
    expect(s.text).toContain('Es handelt sich um dasselbe Problem wie „A <b> title“ am 2026-03-10.');
    expect(s.text).not.toContain('Ursache');
    expect(s.html).toContain('A &#60;b&#62; title');
  });

  it('[M7.5] only minor updates are capped, and only at the cap; digest mode widens the rate limit', () => {
    expect(capped(4, 4, true)).toBe(true);
    expect(capped(3, 4, true)).toBe(false);
    expect(capped(9, 4, false)).toBe(false);
    expect(capped(9, 0, true)).toBe(false);
    expect(recurringRateLimitMinutes(10, { digestMinutes: 30 })).toBe(30);
    expect(recurringRateLimitMinutes(45, { digestMinutes: 30 })).toBe(45);
    expect(recurringRateLimitMinutes(10, undefined)).toBe(10);
  });

  it('[M7.5] a chronic recurrence is escalated with its history', () => {
    const n = chronicRecurrenceNotice({ id: 'INC-3', title: 'Slow search', severity: 'SEV3' }, {
      count: 2, windowDays: 30, chronic: true,
      priorIncidents: [{ ...prior, id: 'INC-2', detectedAt: '2026-03-25T09:00:00.000Z', resolvedAt: '2026-03-25T10:00:00.000Z' }, prior],
    });
    expect(n.subject).toBe('[SEV3] Slow search: recurring for the 3rd time in 30 days');
    expect(n.text).toContain('- 2026-03-25 09:00 UTC  INC-2  Slow search, resolved 2026-03-25 10:00 UTC');
    expect(n.text).toContain('- 2026-03-10 09:00 UTC  INC-1  Slow search, still open\n  Root cause: An index rebuild');
  });
});
