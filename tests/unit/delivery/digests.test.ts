import { digestContent, digestEntryId, heldVersionId, withHeldUpdates } from '../../../domain/delivery/digests';

const latest = { subject: 'Update 5', text: 'Payments work again for most customers.', html: '<p>Payments work again for most customers.</p>' };
const held = [
  { version: 5, subject: 'Update 5', at: '2026-03-01T10:40:12.000Z' },
  { version: 4, subject: 'Update <4> & more', at: '2026-03-01T10:25:00.000Z' },
];

describe('digests of held updates', () => {
  it('[M3.4] keys held updates by incident, recipient and version, case-insensitively', () => {
    expect(digestEntryId('INC-1', 'Ops@Acme.test', 4)).toBe('INC-1#ops@acme.test#4');
    expect(heldVersionId('INC-1', 4)).toBe('INC-1#v4');
  });

  it('[M3.4] puts the latest text first, then every folded update with its time, in version order', () => {
    const d = digestContent({ title: 'Checkout errors', severity: 'SEV2' }, latest, held);
    expect(d.subject).toBe('[SEV2] Digest: 2 updates on Checkout errors');
    expect(d.text).toBe(
      'Payments work again for most customers.\n\nThis email brings together 2 updates we held back so as not to flood your inbox:\n' +
        '- 2026-03-01 10:25 UTC: Update <4> & more\n- 2026-03-01 10:40 UTC: Update 5',
    );
    expect(d.html.startsWith(latest.html)).toBe(true);
    expect(d.html).toContain('<li>2026-03-01 10:25 UTC: Update &lt;4&gt; &amp; more</li>');
    expect(digestContent({ title: 'X', severity: 'SEV3' }, latest, held.slice(0, 1)).subject).toBe('[SEV3] Digest: 1 update on X');
  });

  it('[M3.4] lists the held updates an email carries, and leaves an email without any as it is', () => {
    expect(withHeldUpdates(latest, [])).toBe(latest);
    const carried = withHeldUpdates(latest, held.slice(1));
    expect(carried.subject).toBe(latest.subject);
    expect(carried.text).toBe(`${latest.text}\n\nEarlier updates since our last email, brought up to date by this one:\n- 2026-03-01 10:25 UTC: Update <4> & more`);
  });
});
