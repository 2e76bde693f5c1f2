/**
 * The SMTP sink in its own process, reporting each accepted message to the parent as it is
 * accepted, with the wall-clock time of acceptance taken here, so that the parent's busy event
 * loop does not delay the timestamp.
 */
import { startSmtpSink } from './smtp-sink';

async function main() {
  const sink = await startSmtpSink({ onAccepted: (recipients) => process.send!({ accepted: recipients, at: Date.now() }) });
  process.on('disconnect', () => void sink.close().then(() => process.exit(0)));
  process.send!({ url: sink.url });
}

void main();
