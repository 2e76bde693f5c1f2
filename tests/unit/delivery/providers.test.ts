import { classifyHttpStatus, classifySmtpFailure, parseAddress } from '../../../domain/delivery/providers';
import { sendGridMailBody } from '../../../activities/providers/sendgrid';
import { SendGridMail } from '../../support/receivers';

describe('provider failure classification', () => {
  it('[M7.3] fails over on throttling, timeouts and server errors, never on other client errors', () => {
    expect([200, 201, 202].map(classifyHttpStatus)).toEqual(['accepted', 'accepted', 'accepted']);
    expect([408, 429, 500, 502, 503].map(classifyHttpStatus)).toEqual(Array(5).fill('transient'));
    expect([400, 401, 403, 404, 413].map(classifyHttpStatus)).toEqual(Array(5).fill('permanent'));
  });

  it('[M7.3] treats an SMTP 5xx as permanent, a 4xx or a lost connection as transient', () => {
    expect(classifySmtpFailure({ responseCode: 550 })).toBe('permanent');
    expect(classifySmtpFailure({ responseCode: 451 })).toBe('transient');
    expect(classifySmtpFailure({})).toBe('transient');
  });

  it('splits display names from addresses', () => {
    expect(parseAddress('Herald Status <status@herald.test>')).toEqual({ email: 'status@herald.test', name: 'Herald Status' });
    expect(parseAddress('"Ops, Team" <ops@x.test>')).toEqual({ email: 'ops@x.test', name: 'Ops, Team' });
    expect(parseAddress('ops@x.test')).toEqual({ email: 'ops@x.test' });
  });

  it('[M7.3, M7.6] builds a SendGrid v3 body that the documented format accepts, with metadata as custom_args', () => {
    const body = sendGridMailBody({
      from: 'Herald <status@herald.test>', to: 'ops@acme.test', subject: 'S', text: 'T', html: '<p>T</p>',
      messageId: '<INC-1.v1.ops@herald.test>', headers: { 'X-Herald-Incident-Id': 'INC-1' },
      metadata: { incident_id: 'INC-1', message_version: '1' },
    });
    expect(SendGridMail.safeParse(body).success).toBe(true);
    expect(body.content.map((c) => c.type)).toEqual(['text/plain', 'text/html']);
    expect(body.custom_args).toEqual({ incident_id: 'INC-1', message_version: '1', herald_message_id: 'INC-1.v1.ops@herald.test' });
  });
});
