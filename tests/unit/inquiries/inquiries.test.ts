import fc from 'fast-check';
import { customerResponse, stripPersonalData } from '../../../domain/inquiries';

const strip = (text: string, names: string[] = []) => stripPersonalData(text, names);

describe('stripPersonalData', () => {
  it('[M3.2] removes email addresses, including disguised ones', () => {
    const out = strip('Mail jane.doe+ops@acme.example or J.Doe @ sub.acme.co.uk, or jane [at] acme (dot) example, or jane at acme dot example.');
    expect(out.text).toBe('Mail [email removed] or [email removed], or [email removed], or [email removed].');
    expect(out.removed).toEqual({ email: 4 });
  });

  it('[M3.2] removes phone numbers in international and local layouts but keeps dates, times, versions and incident IDs', () => {
    const out = strip('Call +44 20 7946 0958, (415) 555-0100 or 030.5555.0123. Since 2024-05-01 at 10:30, v1.24.0, INC-20240501-abc, 3 users.');
    expect(out.text).toBe('Call [phone removed], [phone removed] or [phone removed]. Since 2024-05-01 at 10:30, v1.24.0, INC-20240501-abc, 3 users.');
    expect(out.removed).toEqual({ phone: 3 });
  });

  it('[M3.2] removes card-like numbers whatever their grouping, valid checksum or not', () => {
    const out = strip('Card 4111 1111 1111 1111, also 5500-0000-0000-0004 and 378282246310005 and 1234567890123456789.');
    expect(out.text).toBe('Card [card number removed], also [card number removed] and [card number removed] and [card number removed].');
    expect(out.removed).toEqual({ card: 4 });
  });

  it('[M3.2] removes known names regardless of case, accents, spacing, order and possessives, and not inside other words', () => {
    const names = ['Zoë Müller', "Seán O'Brien", 'Ann'];
    const out = strip("ZOE MULLER said, then zoë  müller's team, Müller, Zoë and Sean O’Brien. Ann wrote an Announcement; Anna too.", names);
    expect(out.text).toBe("[name removed] said, then [name removed]'s team, [name removed] and [name removed]. [name removed] wrote an Announcement; Anna too.");
    expect(out.removed).toEqual({ name: 5 });
  });

  it('[M3.2] treats names as text, not patterns, and prefers the longest known name', () => {
    const out = strip('A.B. (UK) Ltd and AxB (UK) Ltd; Acme Corp Europe and Acme Corp.', ['A.B. (UK) Ltd', 'Acme Corp', 'Acme Corp Europe', '.*', 'x']);
    expect(out.text).toBe('[name removed] and AxB (UK) Ltd; [name removed] and [name removed].');
  });

  it('[M3.2] is not fooled by invisible characters or full-width digits', () => {
    const out = strip('j\u200Bane@ac\u200Dme.example, ＋４４ ２０ ７９４６ ０９５８, 4111\u00AD1111\u20601111 1111, Ja\uFEFFne Doe', ['Jane Doe']);
    expect(out.text).toBe('[email removed], [phone removed], [card number removed], [name removed]');
  });

  it('[M3.2] leaves ordinary incident prose untouched', () => {
    const text = 'Checkout fails with error 502 since 09:15 UTC; about 40% of requests at peak. Our order #12345 is stuck.';
    expect(strip(text, ['Acme Corp'])).toEqual({ text, removed: {} });
  });
});

describe('customerResponse', () => {
  it('[M3.2] answers from the latest published update only', () => {
    const r = customerResponse(
      { inquiryId: 'inq-1', incidentId: 'INC-1', receivedAt: new Date('2024-05-01T10:00:00Z') },
      { title: 'Checkout errors', phase: 'identified', subject: 'Checkout errors: identified', body: 'We found the cause.', publishedAt: new Date('2024-05-01T10:05:00Z') },
      'https://status.example/status#INC-1',
    );
    expect(Object.keys(r).sort()).toEqual(['incidentId', 'inquiryId', 'receivedAt', 'statusPageUrl', 'subject', 'text']);
    expect(r.text).toContain('We found the cause.');
    expect(r.text).toContain('identified, 2024-05-01 10:05 UTC');
    expect(r.subject).toBe('Re: Checkout errors');
  });
});

describe('stripPersonalData (properties)', () => {
  const prose = fc.constantFrom('Hello', 'checkout is down', 'since 10:30', 'order 42', '');

  it('[M3.2] no generated email address, card number or phone number survives, wherever it sits in the text', () => {
    const card = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 13, maxLength: 19 }).map((d) => d.join(''));
    const phone = fc.tuple(fc.integer({ min: 1, max: 99 }), fc.integer({ min: 100, max: 999 }), fc.integer({ min: 1000000, max: 9999999 })).map(([c, a, n]) => `+${c} ${a} ${n}`);
    fc.assert(
      fc.property(prose, fc.emailAddress(), card, phone, prose, (before, email, cardNo, phoneNo, after) => {
        const out = stripPersonalData(`${before} ${email}, ${cardNo}; ${phoneNo} ${after}`, []).text;
        expect(out).not.toContain('@');
        expect(out).not.toMatch(/\d{7,}/);
        expect(out).not.toContain(phoneNo);
      }),
      { numRuns: 300 },
    );
  });
});

it('[M3.2] leaves the punctuation around a removed phone number in place', () => {
  expect(stripPersonalData('(call +1 415 555 0199), or (415) 555-0100.', []).text).toBe('(call [phone removed]), or [phone removed].');
});
