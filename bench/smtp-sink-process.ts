/**
 * The SMTP sink in its own process, so that accepting and counting does not compete with the
 * sender for an event loop. Parent messages: 'counts' (answers the per-recipient counts), 'reset'.
 */
import { startSmtpSink } from './smtp-sink';

async function main() {
  const sink = await startSmtpSink();
  process.on('message', (msg: { cmd: string }) => {
    if (msg.cmd === 'counts') process.send!({ counts: [...sink.counts], accepted: sink.accepted() });
    if (msg.cmd === 'reset') {
      sink.reset();
      process.send!({ reset: true });
    }
  });
  process.on('disconnect', () => void sink.close().then(() => process.exit(0)));
  process.send!({ url: sink.url });
}

void main();
