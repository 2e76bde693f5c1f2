import nodemailer from 'nodemailer';
import type { CheckpointSinks } from '../config/archive';
import type { SignedTreeHead } from '../domain/archive/entries';
import { witnessEmail, witnessWebhookBody } from '../domain/archive/witness';
import { currentLog } from '../observability/log';

/**
 * Sends a new signed tree head to the configured witnesses (X5): POSTed to each witness URL and
 * emailed to each witness address, beside the checkpoint that signed it. A witness that does not
 * answer misses one head and is logged; the next head covers the whole log, and the checkpoint
 * itself never fails for a witness.
 */
/** How long a witness may stay silent (HTTP answer, SMTP connect, greeting or reply). */
const witnessTimeoutMs = 5_000;

export async function tellWitnesses(sth: SignedTreeHead, sinks: Pick<CheckpointSinks, 'witnesses' | 'witnessEmails' | 'mail' | 'log'>): Promise<void> {
  const log = currentLog();
  const posts = sinks.witnesses.map(async (url) => {
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: witnessWebhookBody(sth), signal: AbortSignal.timeout(witnessTimeoutMs) })
      .then((r) => r.body?.cancel())
      .catch((err: unknown) => log.warn({ err, treeSize: sth.treeSize }, 'an archive witness webhook missed a tree head'));
  });
  const mail = async () => {
    if (!sinks.witnessEmails.length) return;
    // Checkpoints are minutes apart: a connection of its own per head, closed after it. A checkpoint
    // runs inside a publication's last step, so a relay that stalls gives up within seconds.
    const u = new URL(sinks.mail.smtpUrl);
    const transport = nodemailer.createTransport({
      host: u.hostname, ...(u.port ? { port: Number(u.port) } : {}), secure: u.protocol === 'smtps:',
      ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
      connectionTimeout: witnessTimeoutMs, greetingTimeout: witnessTimeoutMs, socketTimeout: witnessTimeoutMs,
    });
    try {
      const m = witnessEmail(sth, sinks.log);
      await Promise.all(sinks.witnessEmails.map((to) => transport.sendMail({
        from: sinks.mail.from, to, subject: m.subject, text: m.text, headers: m.headers,
        messageId: `<herald-sth.${sinks.log}.${sth.treeSize}.${sth.rootHash.slice(0, 16)}@${sinks.mail.messageIdDomain}>`,
      }).catch((err: unknown) => log.warn({ err, treeSize: sth.treeSize }, 'an archive witness address missed a tree head'))));
    } finally {
      transport.close();
    }
  };
  await Promise.all([...posts, mail()]);
}
