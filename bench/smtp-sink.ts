import net from 'node:net';

/**
 * A minimal SMTP server that accepts and discards, counting each accepted message per
 * recipient: the far end for the fan-out benchmark, and a relay tests can make misbehave
 * (refuse recipients or whole connections, drop a connection mid-DATA, stall; the SMTP fault
 * scenario, faults/scenarios/smtp-faults.ts). Speaks EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP and
 * QUIT (RFC 5321), without pipelining.
 */
export interface SmtpSinkOptions {
  /** A reply for RCPT TO instead of 250, e.g. { code: 550, text: 'no such user' }. */
  refuseRecipient?: (address: string) => { code: number; text: string } | undefined;
  /** A greeting that refuses the connection instead of 220 (e.g. 421, a relay that is down), after which the sink hangs up. */
  refuseConnection?: () => { code: number; text: string } | undefined;
  /**
   * A fault for a message in DATA, decided as its first bytes arrive: `drop` closes the connection
   * there (mid-DATA), `stall` reads the whole message and never answers it. Neither counts as accepted.
   */
  duringData?: (recipients: string[]) => 'drop' | 'stall' | undefined;
  /** Called as each message is accepted (after the final 250 is decided), with its recipients. */
  onAccepted?: (recipients: string[]) => void;
  /** Keep each accepted message's Message-ID per recipient (`messageIds`), for tests that tell duplicates apart. */
  keepMessageIds?: boolean;
}

export interface SmtpSink {
  port: number;
  url: string;
  /** Accepted messages per recipient address (lower case). */
  counts: Map<string, number>;
  /** With `keepMessageIds`: the Message-ID of every message accepted for each recipient, in order. */
  messageIds: Map<string, string[]>;
  /** When each RCPT TO for an address (lower case) arrived (ms since the epoch), refused or not: the sender's retry schedule. */
  attempts: Map<string, number[]>;
  accepted(): number;
  /** Closes every open connection (a relay going down under its clients); the sink keeps listening. */
  dropConnections(): void;
  reset(): void;
  close(): Promise<void>;
}

const terminator = Buffer.from('\r\n.\r\n');

export async function startSmtpSink(opts: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const counts = new Map<string, number>();
  const messageIds = new Map<string, string[]>();
  const attempts = new Map<string, number[]>();
  let total = 0;
  let queueId = 0;
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setNoDelay(true);
    let recipients: string[] = [];
    let sender = false;
    let inData = false;
    let dataFault: 'drop' | 'stall' | undefined | null = null;
    let pending: Buffer = Buffer.alloc(0);
    // The header section of the message in DATA, while it is still being read (keepMessageIds only).
    let header: Buffer | undefined;
    const reply = (line: string) => socket.write(`${line}\r\n`);

    function command(line: string) {
      const verb = line.slice(0, 4).toUpperCase();
      switch (verb) {
        case 'EHLO':
          return reply('250-herald-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 52428800');
        case 'HELO':
          return reply('250 herald-sink');
        case 'MAIL':
          sender = true;
          recipients = [];
          return reply('250 2.1.0 Ok');
        case 'RCPT': {
          if (!sender) return reply('503 5.5.1 MAIL first');
          const address = (/<([^>]*)>/.exec(line)?.[1] ?? line.slice(8).trim()).toLowerCase();
          attempts.set(address, [...(attempts.get(address) ?? []), Date.now()]);
          const refusal = opts.refuseRecipient?.(address);
          if (refusal) return reply(`${refusal.code} ${refusal.text}`);
          recipients.push(address);
          return reply('250 2.1.5 Ok');
        }
        case 'DATA':
          if (recipients.length === 0) return reply('503 5.5.1 RCPT first');
          inData = true;
          dataFault = null;
          if (opts.keepMessageIds) header = Buffer.alloc(0);
          // The CRLF that ended the DATA line also starts the terminator of an empty body.
          pending = Buffer.concat([Buffer.from('\r\n'), pending]);
          return reply('354 End data with <CR><LF>.<CR><LF>');
        case 'RSET':
          sender = false;
          recipients = [];
          return reply('250 2.0.0 Ok');
        case 'NOOP':
          return reply('250 2.0.0 Ok');
        case 'QUIT':
          reply('221 2.0.0 Bye');
          return socket.end();
        default:
          return reply('502 5.5.2 Command not recognized');
      }
    }

    socket.on('data', (chunk: Buffer) => {
      if (inData && dataFault === null) {
        dataFault = opts.duringData?.(recipients);
        if (dataFault === 'drop') return socket.destroy();
      }
      // Without pipelining, everything that arrives during DATA is the message itself.
      if (inData && header && !header.includes('\r\n\r\n') && header.length < 65_536) header = Buffer.concat([header, chunk]);
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        if (inData) {
          const end = pending.indexOf(terminator);
          if (end < 0) {
            // Keep only what could begin the terminator.
            pending = pending.subarray(Math.max(0, pending.length - 4));
            return;
          }
          pending = pending.subarray(end + terminator.length);
          if (dataFault === 'stall') {
            // Read everything from here on and answer nothing: the sender's timeout must end it.
            socket.removeAllListeners('data');
            socket.on('data', () => undefined);
            return;
          }
          for (const r of recipients) counts.set(r, (counts.get(r) ?? 0) + 1);
          if (header) {
            const id = /^message-id:\s*(<[^>]*>)/im.exec(header.toString('utf8'))?.[1] ?? '';
            for (const r of recipients) messageIds.set(r, [...(messageIds.get(r) ?? []), id]);
            header = undefined;
          }
          opts.onAccepted?.(recipients);
          total++;
          queueId++;
          inData = false;
          sender = false;
          recipients = [];
          reply(`250 2.0.0 Ok: queued as S${queueId.toString(16).toUpperCase()}`);
          continue;
        }
        const eol = pending.indexOf('\r\n');
        if (eol < 0) return;
        const line = pending.subarray(0, eol).toString('utf8');
        pending = pending.subarray(eol + 2);
        command(line);
      }
    });
    const refusal = opts.refuseConnection?.();
    if (refusal) {
      reply(`${refusal.code} ${refusal.text}`);
      socket.end();
      return;
    }
    reply('220 herald-sink ESMTP');
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    counts,
    messageIds,
    attempts,
    accepted: () => total,
    dropConnections() {
      for (const s of sockets) s.destroy();
    },
    reset() {
      counts.clear();
      messageIds.clear();
      attempts.clear();
      total = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
