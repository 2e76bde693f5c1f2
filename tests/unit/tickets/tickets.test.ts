import { bucketMs, componentsNamed, correlate, customerOf, defaultCorrelationPolicy, matchIncident } from '../../../domain/tickets';
import { ticketFromIntercom, ticketFromZendesk, IntercomNotificationSchema, ZendeskWebhookSchema } from '../../../domain/tickets/intake';
import { intercomSignature, verifyIntercom, verifyZendesk, zendeskSignature } from '../../../domain/tickets/signatures';

const minute = 60_000;

describe('support-desk signatures', () => {
  // Vectors computed with openssl: printf '%s' "$TS$BODY" | openssl dgst -sha256 -hmac zd-secret -binary | base64
  const zdBody = '{"ticket":{"id":"42"}}';
  const zdTs = '2026-03-01T10:00:00Z';
  it('[M6.2] Zendesk: base64(HMAC-SHA256(secret, timestamp + body)) matches the known vector and verifies', () => {
    expect(zendeskSignature('zd-secret', zdTs, zdBody)).toBe('8j6UlAXyifiT34JArViodR/6xYyheuZszlJMLo/7o8I=');
    const headers = { 'x-zendesk-webhook-signature': '8j6UlAXyifiT34JArViodR/6xYyheuZszlJMLo/7o8I=', 'x-zendesk-webhook-signature-timestamp': zdTs };
    const now = Date.parse(zdTs) + minute;
    expect(verifyZendesk(headers, Buffer.from(zdBody), 'zd-secret', now)).toEqual({ ok: true });
    expect(verifyZendesk(headers, Buffer.from(zdBody.replace('42', '43')), 'zd-secret', now).ok).toBe(false);
    expect(verifyZendesk(headers, Buffer.from(zdBody), 'other-secret', now).ok).toBe(false);
    // A replay: the same signed request an hour later.
    expect(verifyZendesk(headers, Buffer.from(zdBody), 'zd-secret', now + 60 * minute)).toMatchObject({ ok: false, reason: expect.stringContaining('5 minutes') });
    expect(verifyZendesk({}, Buffer.from(zdBody), 'zd-secret', now).ok).toBe(false);
  });

  it('[M6.2] Intercom: sha1=hex(HMAC-SHA1(client secret, body)) matches the known vector and verifies', () => {
    const body = '{"type":"notification_event"}';
    // printf '%s' "$BODY" | openssl dgst -sha1 -hmac ic-secret
    expect(intercomSignature('ic-secret', body)).toBe('sha1=45b00c17792dd1a95e5edaa3100cc294a365ec08');
    expect(verifyIntercom({ 'x-hub-signature': 'sha1=45b00c17792dd1a95e5edaa3100cc294a365ec08' }, Buffer.from(body), 'ic-secret')).toEqual({ ok: true });
    expect(verifyIntercom({ 'x-hub-signature': 'sha1=45b00c17792dd1a95e5edaa3100cc294a365ec09' }, Buffer.from(body), 'ic-secret').ok).toBe(false);
    expect(verifyIntercom({}, Buffer.from(body), 'ic-secret').ok).toBe(false);
  });
});

describe('ticket wire formats', () => {
  it('[M6.2] reads a Zendesk trigger body (placeholders as strings, tags space-separated) and the ticket.created event', () => {
    const trigger = ZendeskWebhookSchema.parse({ ticket: { id: '981', subject: 'API down', description: 'Calls fail', created_at: '2026-03-01T10:02:00Z', requester_email: 'Ops@Acme.example', organization: 'acme', tags: 'api urgent' } });
    expect(ticketFromZendesk(trigger)).toEqual({
      source: 'zendesk', externalId: '981', createdAt: '2026-03-01T10:02:00.000Z', requesterEmail: 'ops@acme.example', organization: 'acme',
      labels: ['api', 'urgent'], subject: 'API down', text: 'Calls fail',
    });
    const event = ZendeskWebhookSchema.parse({ type: 'zen:event-type:ticket.created', id: 'e1', time: '2026-03-01T10:02:01Z', detail: { id: 982, subject: 'x', description: 'y', created_at: '2026-03-01T10:02:00Z', organization_id: 77, tags: ['payments'] } });
    expect(ticketFromZendesk(event)).toMatchObject({ externalId: '982', organization: '77', labels: ['payments'] });
  });

  it('[M6.2] reads an Intercom conversation.user.created notification, HTML taken out of the words', () => {
    const n = IntercomNotificationSchema.parse({
      type: 'notification_event', topic: 'conversation.user.created', id: 'notif_1', created_at: 1772359320,
      data: { type: 'notification_event_data', item: { type: 'conversation', id: '123', created_at: 1772359300, source: { subject: '', body: '<p>Checkout &amp; API fail</p>', author: { type: 'user', email: 'cto@acme.example' } }, tags: { type: 'tag.list', tags: [{ type: 'tag', name: 'payments' }] } } },
    });
    expect(ticketFromIntercom(n)).toEqual({
      source: 'intercom', externalId: '123', createdAt: new Date(1772359300 * 1000).toISOString(), requesterEmail: 'cto@acme.example',
      labels: ['payments'], subject: '', text: 'Checkout & API fail',
    });
  });
});

describe('matching and correlation', () => {
  const components = [{ componentId: 'api', name: 'Public API' }, { componentId: 'payments', name: 'Payments' }];
  it('[M6.2] a ticket names components by tag or by name, and comes from a customer by ID, organisation or email domain', () => {
    expect(componentsNamed(['API'], 'my payments are stuck', components)).toEqual(['api', 'payments']);
    const customers = [{ customerId: 'acme', name: 'Acme Corp', emails: ['ops@acme.example'] }, { customerId: 'globex', name: 'Globex', emails: ['it@globex.example'] }];
    expect(customerOf({ requesterEmail: 'someone@acme.example' }, customers)?.customerId).toBe('acme');
    expect(customerOf({ organization: 'globex' }, customers)?.customerId).toBe('globex');
    expect(customerOf({ customerId: 'nobody' }, customers)).toBeUndefined();
  });

  it('[M6.2] matches a ticket to the incident of its time window and component or customer, the one detected nearer first', () => {
    const t0 = Date.parse('2026-03-01T10:00:00Z');
    const incidents = [
      { id: 'INC-old', detectedAt: new Date(t0 - 120 * minute).toISOString(), resolvedAt: new Date(t0 - 90 * minute).toISOString(), impacted: ['api'] },
      { id: 'INC-a', detectedAt: new Date(t0 - 60 * minute).toISOString(), impacted: ['api', 'payments'] },
      { id: 'INC-b', detectedAt: new Date(t0 - 10 * minute).toISOString(), impacted: ['api'] },
    ];
    expect(matchIncident({ at: t0, components: ['payments'] }, incidents)).toEqual({ incidentId: 'INC-a', reasons: ['time', 'component'] });
    expect(matchIncident({ at: t0, components: ['api'] }, incidents)).toEqual({ incidentId: 'INC-b', reasons: ['time', 'component'] });
    expect(matchIncident({ at: t0, components: ['api'], customerSubscriptions: ['payments'] }, incidents)).toEqual({ incidentId: 'INC-a', reasons: ['time', 'component', 'customer'] });
    expect(matchIncident({ at: t0, components: ['dashboard'] }, incidents)).toBeUndefined();
    // Before the window of every incident.
    expect(matchIncident({ at: t0 - 200 * minute, components: ['api'] }, incidents)).toBeUndefined();
  });

  it('[M6.2] counts tickets per 5-minute bucket, flags a surge above the segment baseline during a silent gap, names the segments without a message, and reports the rate change after each message', () => {
    const t0 = Date.parse('2026-03-01T10:00:00Z');
    const policy = defaultCorrelationPolicy;
    // Baseline: 288 enterprise tickets in the 24 h before → 1 per bucket; the surge threshold is 3.
    const baselineTickets = Array.from({ length: 288 }, (_, i) => ({ at: t0 - policy.leadMs - (i + 1) * bucketMs, segment: 'enterprise' }));
    const tickets = [
      // 10:05–10:10: 2 enterprise (below 3), 10:10–10:15: 4 enterprise and 3 business, nothing published yet.
      ...[6, 8].map((m) => ({ at: t0 + m * minute, segment: 'enterprise' })),
      ...[10, 11, 12, 13].map((m) => ({ at: t0 + m * minute, segment: 'enterprise' })),
      ...[10, 11, 14].map((m) => ({ at: t0 + m * minute, segment: 'business' })),
      // After the first message at 10:20: one ticket in the next half hour.
      { at: t0 + 25 * minute, segment: 'business' },
    ];
    const c = correlate({
      detectedAt: t0, endAt: t0 + 40 * minute, tickets, baselineTickets,
      marks: [{ version: 1, phase: 'investigating', at: t0 + 20 * minute }],
      firstMessageAt: { enterprise: t0 + 20 * minute },
      audienceSegments: ['enterprise', 'business', 'standard'],
    });
    expect(c.baselinePerBucket).toEqual({ enterprise: 1 });
    const at = (m: number) => c.buckets.find((b) => b.start === t0 + m * minute)!;
    expect(c.buckets[0].start).toBe(t0 - 30 * minute);
    expect(at(5)).toMatchObject({ tickets: 2, surging: [], silent: true });
    expect(at(10)).toMatchObject({ tickets: 7, bySegment: { enterprise: 4, business: 3 }, surging: ['business', 'enterprise'], silent: true });
    expect(at(20).silent).toBe(false);
    expect(c.gaps).toEqual([{ from: t0 + 10 * minute, to: t0 + 15 * minute, tickets: 7, surgingSegments: ['business', 'enterprise'], segmentsWithoutMessage: ['business', 'enterprise', 'standard'] }]);
    // 9 tickets in the 30 minutes before the message (1.5 per bucket), 1 after (0.17).
    expect(c.deltas).toEqual([{ version: 1, phase: 'investigating', at: t0 + 20 * minute, ratePerBucketBefore: 1.5, ratePerBucketAfter: 0.17, change: -1.33 }]);
  });
});
