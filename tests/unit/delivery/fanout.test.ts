import fc from 'fast-check';
import {
  batchIdFor,
  broadcastEmail,
  broadcastIdFor,
  byAddress,
  decideAmbiguousClaim,
  digestChannel,
  planBatches,
  resumePoint,
  SettledPrefix,
} from '../../../domain/delivery';
import { deliveryKey } from '../../../domain/messages';

describe('planning a broadcast in batches', () => {
  it('[M7.3] cuts an audience into contiguous batches that cover every recipient once', () => {
    expect(planBatches(1050, 500)).toEqual([
      { batchIndex: 0, start: 0, end: 500 },
      { batchIndex: 1, start: 500, end: 1000 },
      { batchIndex: 2, start: 1000, end: 1050 },
    ]);
    expect(planBatches(0, 500)).toEqual([]);
    expect(() => planBatches(10, 0)).toThrow(RangeError);
    expect(() => planBatches(-1, 10)).toThrow(RangeError);
  });

  it('[M7.3, X2] covers each position exactly once for any count and batch size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 700 }), (count, size) => {
        const plan = planBatches(count, size);
        const seen = plan.flatMap((b) => Array.from({ length: b.end - b.start }, (_, i) => b.start + i));
        expect(seen).toEqual(Array.from({ length: count }, (_, i) => i));
        expect(plan.every((b) => b.end - b.start <= size && b.end > b.start)).toBe(true);
        expect(plan.map((b) => b.batchIndex)).toEqual(plan.map((_, i) => i));
      }),
    );
  });

  it('[X2] orders addresses by code unit, case-insensitively, so every machine slices alike', () => {
    const r = (email: string) => ({ customerId: 'c', email, locale: 'en' });
    const sorted = [r('b@x.test'), r('Zed@x.test'), r('a@x.test'), r('é@x.test'), r('A2@x.test')].sort(byAddress);
    expect(sorted.map((x) => x.email)).toEqual(['A2@x.test', 'a@x.test', 'b@x.test', 'Zed@x.test', 'é@x.test']);
  });

  it('[X2] names broadcasts and batches deterministically', () => {
    const id = broadcastIdFor('INC-7', 3, 'email');
    expect(id).toBe('INC-7|v3|email');
    expect(batchIdFor(id, 12)).toBe('INC-7|v3|email#12');
  });
});

describe('resuming a batch after a crash', () => {
  it('[X2] resumes at the heartbeat position, clamped, and starts over on anything unreadable', () => {
    expect(resumePoint({ next: 120 }, 500)).toBe(120);
    expect(resumePoint({ next: 900 }, 500)).toBe(500);
    expect(resumePoint(undefined, 500)).toBe(0);
    expect(resumePoint({ next: -3 }, 500)).toBe(0);
    expect(resumePoint({ next: 1.5 }, 500)).toBe(0);
    expect(resumePoint('garbage', 500)).toBe(0);
  });

  it('[X2] reports progress only as far as every earlier recipient is settled', () => {
    const p = new SettledPrefix(10);
    expect(p.settle(12)).toBe(10);
    expect(p.settle(11)).toBe(10);
    expect(p.settle(10)).toBe(13);
    expect(p.settle(14)).toBe(13);
    expect(p.settle(13)).toBe(15);
  });

  it('[X2] an out-of-order completion never moves the prefix past an unsettled position', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(Array.from({ length: 60 }, (_, i) => i)), (order) => {
        const p = new SettledPrefix(0);
        const done = new Set<number>();
        for (const i of order) {
          done.add(i);
          const next = p.settle(i);
          for (let k = 0; k < next; k++) expect(done.has(k)).toBe(true);
          expect(done.has(next)).toBe(false);
        }
      }),
    );
  });

  it('[X2] an in-doubt claim is recorded as sent when a provider has the message, waits for one that cannot answer yet, and is otherwise resent as in doubt', () => {
    expect(decideAmbiguousClaim(['not-found', 'found'])).toBe('record-as-sent');
    expect(decideAmbiguousClaim(['cannot-tell', 'ask-later'])).toBe('wait');
    expect(decideAmbiguousClaim(['not-found', 'not-found'])).toBe('send');
    expect(decideAmbiguousClaim(['cannot-tell'])).toBe('resend-in-doubt');
    expect(decideAmbiguousClaim(['not-found', 'cannot-tell'])).toBe('resend-in-doubt');
    expect(decideAmbiguousClaim([])).toBe('resend-in-doubt');
  });
});

describe('the broadcast email', () => {
  it('[M7.6, X2] carries the idempotency key, a deterministic Message-ID and the incident metadata', () => {
    const meta = { incidentId: 'INC-9', severity: 'SEV2' as const, category: 'outage' as const, version: 4 };
    const config = { fromAddress: 'Status <status@herald.test>', publicUrl: 'https://status.test', messageIdDomain: 'herald.test' };
    const unsubscribeUrl = 'https://status.test/v1/unsubscribe/abc.def';
    const a = broadcastEmail(meta, { subject: 'S', text: 'T', html: '<p>T</p>' }, 'Ops@Acme.test', config, { unsubscribeUrl });
    const b = broadcastEmail(meta, { subject: 'S', text: 'T', html: '<p>T</p>' }, 'Ops@Acme.test', config, { unsubscribeUrl });
    expect(a).toEqual(b);
    expect(a.key).toBe(deliveryKey('INC-9', 4, 'email', 'ops@acme.test'));
    expect(a.email.messageId).toBe('<INC-9.v4.ops_acme.test@herald.test>');
    expect(a.email.headers).toMatchObject({
      'X-Herald-Incident-Id': 'INC-9', 'X-Herald-Severity': 'SEV2', 'X-Herald-Category': 'outage', 'X-Herald-Message-Version': '4',
    });
    // RFC 8058 one-click: the signed per-recipient URL and the POST marker.
    expect(a.email.headers['List-Unsubscribe']).toBe('<https://status.test/v1/unsubscribe/abc.def>');
    expect(a.email.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(a.email.metadata).toEqual({ incident_id: 'INC-9', severity: 'SEV2', category: 'outage', message_version: '4' });
    expect(a.email.text).toContain('https://status.test/status#INC-9');
  });

  it('[M2.5, M2.6, M3.4] carries the given link and locale, and gives a digest its own key and Message-ID', () => {
    const meta = { incidentId: 'INC-9', severity: 'SEV2' as const, category: 'outage' as const, version: 6 };
    const config = { fromAddress: 'Status <status@herald.test>', publicUrl: 'https://status.test', messageIdDomain: 'herald.test' };
    const content = { subject: 'S', text: 'T', html: '<p>T</p>' };
    const update = broadcastEmail(meta, content, 'ops@acme.test', config, { statusLink: 'https://status.test/r/abc.def', locale: 'de' });
    expect(update.key).toBe(deliveryKey('INC-9', 6, 'email', 'ops@acme.test'));
    expect(update.email.headers['Content-Language']).toBe('de');
    // The email's own words are in the content's locale (M2.5).
    expect(update.email.text).toBe('T\n\nDiesen Vorfall verfolgen: https://status.test/r/abc.def');
    expect(update.email.html).toContain('<a href="https://status.test/r/abc.def">Diesen Vorfall auf unserer Statusseite verfolgen</a>');
    const digest = broadcastEmail(meta, content, 'ops@acme.test', config, { digestOf: [4, 5, 6] });
    expect(digest.key).toBe(deliveryKey('INC-9', 4, digestChannel, 'ops@acme.test'));
    expect(digest.email.messageId).toBe('<INC-9.digest.v4.ops_acme.test@herald.test>');
    expect(digest.email.headers['X-Herald-Digest-Versions']).toBe('4,5,6');
    expect(digest.email.headers['X-Herald-Message-Version']).toBe('6');
  });
});
