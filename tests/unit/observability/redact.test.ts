import { Writable } from 'node:stream';
import { createLogger, logOptionsFromEnv, registerLogSecrets } from '../../../observability/log';
import { scrubText, scrubValue } from '../../../observability/redact';
import { requestIdOf } from '../../../api/request-log';
import { argumentFields } from '../../../observability/activity-log';
import { incidentFields } from '../../../observability/incident-fields';

describe('log redaction', () => {
  it('[M5.5] masks recipient addresses, URL credentials, Slack webhook paths, signed link tokens, bearer tokens and webhook secrets in text', () => {
    const cases: [string, string][] = [
      ['sent to ops@acme.example and +14155550100', 'sent to [email] and [phone]'],
      ['smtp://mailer:hunter2secret@smtp.example:587', 'smtp://[redacted]@smtp.example:587'],
      ['POST https://hooks.slack.com/services/T01/B02/abcDEF123 failed', 'POST https://hooks.slack.com/services/[redacted] failed'],
      ['GET /v1/unsubscribe/eyJhbGci.sig and /r/tok123?x=1', 'GET /v1/unsubscribe/[redacted] and /r/[redacted]?x=1'],
      ['/dashboard?key=demo-executive-key&x=1', '/dashboard?key=[redacted]&x=1'],
      ['Authorization: Bearer abc.def.ghi', 'Authorization: Bearer [redacted]'],
      ['secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw rotated', 'secret [redacted] rotated'],
      ['incident INC-2024-0042 v3 at 2024-05-01T12:00:00Z', 'incident INC-2024-0042 v3 at 2024-05-01T12:00:00Z'],
    ];
    for (const [input, expected] of cases) expect(scrubText(input)).toBe(expected);
    expect(scrubText('key my-very-secret-api-key here', ['my-very-secret-api-key'])).toBe('key [redacted] here');
  });

  it('[M5.5] walks objects and errors: every string scrubbed, errors flattened with their message and stack', () => {
    const out = scrubValue({ a: ['x@y.example'], err: new Error('connect to https://u:p@db.example failed'), n: 3 }) as any;
    expect(out.a).toEqual(['[email]']);
    expect(out.err).toMatchObject({ type: 'Error', message: 'connect to https://[redacted]@db.example failed' });
    expect(out.err.stack).not.toContain('u:p@');
    expect(out.n).toBe(3);
  });

  it('[M5.5, M7.6] a logger line: JSON, secret fields cut by path, the message scrubbed, registered secrets gone', () => {
    const written: string[] = [];
    const stream = new Writable({ write(chunk, _enc, done) { written.push(String(chunk)); done(); } });
    const log = createLogger({ level: 'info', pretty: false, stream });
    registerLogSecrets(['a-registered-secret-value']);
    log.child({ requestId: 'r-1', incidentId: 'INC-1' }).info(
      { headers: { authorization: 'Bearer zzz', 'content-type': 'application/json' }, password: 'pw', recipient: 'a@b.example', nested: { secret: 's' }, note: 'a-registered-secret-value' },
      'sent to %s', 'c@d.example',
    );
    const line = JSON.parse(written.join(''));
    expect(line).toMatchObject({
      level: 'info', requestId: 'r-1', incidentId: 'INC-1', msg: 'sent to [email]',
      headers: { authorization: '[redacted]', 'content-type': 'application/json' }, password: '[redacted]', recipient: '[redacted]', nested: { secret: '[redacted]' }, note: '[redacted]',
    });
    expect(log.isLevelEnabled('debug')).toBe(false);
  });

  it('[M7.6] reads its options from the environment, and ties lines to incidents and requests', () => {
    expect(logOptionsFromEnv({}, true)).toEqual({ level: 'info', pretty: true });
    expect(logOptionsFromEnv({}, false)).toEqual({ level: 'info', pretty: false });
    expect(logOptionsFromEnv({ HERALD_LOG_LEVEL: 'DEBUG', HERALD_LOG_PRETTY: '0' }, true)).toEqual({ level: 'debug', pretty: false });
    expect(logOptionsFromEnv({ HERALD_LOG_FILE: '/tmp/x.log' }, true)).toEqual({ level: 'info', pretty: false, file: '/tmp/x.log' });
    expect(() => logOptionsFromEnv({ HERALD_LOG_LEVEL: 'loud' })).toThrow(/HERALD_LOG_LEVEL/);
    expect(requestIdOf('abc-12345678')).toBe('abc-12345678');
    expect(requestIdOf('bad id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdOf(undefined)).not.toBe(requestIdOf(undefined));
    expect(incidentFields('incident-INC-7')).toEqual({ workflowId: 'incident-INC-7', incidentId: 'INC-7' });
    expect(incidentFields('other-1')).toEqual({ workflowId: 'other-1' });
    expect(argumentFields({ incident: { id: 'INC-7' }, message: { version: 2 } })).toEqual({ incidentId: 'INC-7', version: 2 });
    expect(argumentFields({ incidentId: 'INC-8', details: { version: 4 } })).toEqual({ incidentId: 'INC-8', version: 4 });
    expect(argumentFields('x')).toEqual({});
  });
});
