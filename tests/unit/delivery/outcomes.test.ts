import type { Transporter } from 'nodemailer';
import { failoverTransport } from '../../../activities/providers/smtp';
import { countEmailOutcomes } from '../../../domain/delivery/outcomes';

describe('the account of a broadcast, from its receipts', () => {
  it('[M5.1, M7.3] counts sent, resent in doubt, refused for good and failed over, and who took each', () => {
    expect(countEmailOutcomes([
      { outcome: 'sent', provider: 'smtp' },
      { outcome: 'sent', provider: 'smtp-fallback', failedOver: [{ provider: 'smtp', error: '421' }] },
      { outcome: 'in-doubt-resent', provider: 'smtp-fallback', failedOver: [{ provider: 'smtp', error: 'timeout' }] },
      { outcome: 'failed', provider: 'smtp', failedOver: [] },
      { outcome: 'sent' },
    ])).toEqual({ sent: 3, inDoubtResent: 1, failed: 1, failedOver: 2, byProvider: { smtp: 1, 'smtp-fallback': 2, unknown: 1 } });
    expect(countEmailOutcomes([])).toEqual({ sent: 0, inDoubtResent: 0, failed: 0, failedOver: 0, byProvider: {} });
  });
});

/** A relay that answers each send with the next of its answers: an info, or an error with an SMTP reply code (none: no connection). */
function relay(answers: ({ response: string } | { responseCode?: number; message: string })[]) {
  const sent: unknown[] = [];
  const t = {
    sent,
    sendMail: async (mail: unknown) => {
      const a = answers.shift() ?? { response: '250 ok' };
      if ('message' in a) throw Object.assign(new Error(a.message), a);
      sent.push(mail);
      return a;
    },
    verify: async () => true as const,
    close: () => undefined,
  };
  return t as typeof t & Transporter;
}

describe("the worker's own mail over a relay and its fallback", () => {
  it('[M7.3] a relay failing for now (4xx, no connection) passes the mail to the next; a 5xx refusal is final', async () => {
    const [a, b] = [relay([{ responseCode: 421, message: 'busy' }, { message: 'ECONNREFUSED' }, { responseCode: 550, message: 'no such user' }]), relay([])];
    const t = failoverTransport([a, b]);
    await t.sendMail({ to: 'lead@herald.internal' });
    await t.sendMail({ to: 'backup@herald.internal' });
    await expect(t.sendMail({ to: 'nobody@herald.internal' })).rejects.toMatchObject({ responseCode: 550 });
    expect([a.sent.length, b.sent.length]).toEqual([0, 2]);
    await t.sendMail({ to: 'lead@herald.internal' });
    expect(a.sent.length).toBe(1);
    expect(failoverTransport([a])).toBe(a);
  });
});
