/**
 * Long work as the herald CLI shows it: a broadcast's delivery (sent of total per channel, rate,
 * ETA) and an import. On a terminal, live bars (cli-progress); otherwise plain lines and, at the
 * end, the bars as they finished; with `--json`, nothing here (the command prints JSON).
 */
import { MultiBar, Presets, SingleBar, Format } from 'cli-progress';
import type { BroadcastProgress, ChannelProgress } from '../domain/delivery/progress';

export type DisplayMode = 'bar' | 'lines' | 'quiet';

/** Bars on a terminal, lines when stdout is a pipe or a file, nothing for --json. */
export function displayMode(json: boolean | undefined, out: NodeJS.WriteStream = process.stdout): DisplayMode {
  return json ? 'quiet' : out.isTTY ? 'bar' : 'lines';
}

export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const barsize = 30;
const barOptions = { barsize, barCompleteString: '█'.repeat(barsize), barIncompleteString: '░'.repeat(barsize), barGlue: '' };

/** The bar as cli-progress draws it, for a line that is printed once. */
export function staticBar(done: number, total: number): string {
  return Format.BarFormat(total > 0 ? Math.min(1, done / total) : 1, barOptions as Parameters<typeof Format.BarFormat>[1]);
}

const settled = (c: Pick<ChannelProgress, 'sent' | 'failed' | 'deferred'>) => c.sent + c.failed + c.deferred;
const eta = (p: BroadcastProgress) => (p.etaSeconds === null ? '?' : duration(p.etaSeconds));

/** One line for a person: where the whole version stands. */
export function progressLine(p: BroadcastProgress): string {
  const parts = [`v${p.version} ${p.state}: ${p.sent} of ${p.total} sent`];
  if (p.failed) parts.push(`${p.failed} failed`);
  if (p.deferred) parts.push(`${p.deferred} held for digests`);
  const email = p.channels.find((c) => c.channel === 'email');
  if (email && p.state !== 'finished') parts.push(`email ${settled(email)}/${email.total} at ${p.ratePerSecond}/s, ETA ${eta(p)}`);
  else if (p.state === 'finished' && p.startedAt && p.finishedAt) parts.push(`in ${duration((Date.parse(p.finishedAt) - Date.parse(p.startedAt)) / 1000)}`);
  return parts.join(', ');
}

function channelLine(c: ChannelProgress, width: number): string {
  const extra = [c.failed ? `${c.failed} failed` : '', c.deferred ? `${c.deferred} held for digests` : ''].filter(Boolean).join(', ');
  return `  ${c.channel.padEnd(width)} ${staticBar(settled(c), c.total)} ${settled(c)}/${c.total} ${c.state}${extra ? ` (${extra})` : ''}`;
}

/** The finished (or last seen) progress as lines to print once. */
export function progressSummary(p: BroadcastProgress): string {
  const width = Math.max(8, ...p.channels.map((c) => c.channel.length));
  return [progressLine(p), ...p.channels.map((c) => channelLine(c, width))].join('\n');
}

export interface BroadcastDisplay {
  update(p: BroadcastProgress): void;
  /** The last progress stays on screen (bars stopped, or the summary printed). */
  stop(p?: BroadcastProgress): void;
}

/** Shows a broadcast's progress as it changes, in the given mode. */
export function broadcastDisplay(mode: DisplayMode, out: NodeJS.WriteStream = process.stdout): BroadcastDisplay {
  if (mode === 'quiet') return { update() {}, stop() {} };
  if (mode === 'lines') {
    let last = '';
    let lastAt = 0;
    return {
      update(p) {
        const line = progressLine(p);
        // A line when something moved, at most one a second while sending.
        if (line === last || (p.state === 'sending' && Date.now() - lastAt < 1000)) return;
        last = line;
        lastAt = Date.now();
        out.write(`${line}\n`);
      },
      stop(p) {
        if (p) out.write(`${progressSummary(p)}\n`);
      },
    };
  }
  const bars = new MultiBar(
    {
      stream: out, hideCursor: true, clearOnComplete: false, autopadding: true, ...barOptions,
      format: ' {channel} {bar} {value}/{total} {state}{detail}',
    },
    Presets.shades_classic,
  );
  const byChannel = new Map<string, SingleBar>();
  let header: SingleBar | undefined;
  let width = 12;
  return {
    update(p) {
      width = Math.max(width, ...p.channels.map((c) => c.channel.length));
      header ??= bars.create(p.total, 0, { channel: 'total'.padEnd(width), state: '', detail: '' });
      header.setTotal(Math.max(1, p.total));
      header.update(settled(p), {
        channel: 'total'.padEnd(width), state: `v${p.version} ${p.state}`,
        detail: `  ${p.ratePerSecond}/s  ETA ${eta(p)}${p.failed ? `  ${p.failed} failed` : ''}`,
      });
      for (const c of p.channels) {
        let bar = byChannel.get(c.channel);
        if (!bar) {
          bar = bars.create(c.total, 0, { channel: c.channel.padEnd(width), state: '', detail: '' });
          byChannel.set(c.channel, bar);
        }
        bar.setTotal(Math.max(1, c.total));
        bar.update(c.total === 0 ? 1 : settled(c), {
          channel: c.channel.padEnd(width), state: c.state,
          detail: [c.failed ? `  ${c.failed} failed` : '', c.deferred ? `  ${c.deferred} held` : ''].join(''),
        });
      }
    },
    stop(p) {
      if (p) this.update(p);
      bars.stop();
      if (p) out.write(`${progressLine(p)}\n`);
    },
  };
}

export interface ByteProgress {
  advance(bytes: number, rows: number): void;
  stop(summary: string): void;
}

/** An upload's progress: bytes read of the file's size, with the rows sent so far. */
export function uploadDisplay(mode: DisplayMode, totalBytes: number, label: string, out: NodeJS.WriteStream = process.stdout): ByteProgress {
  let bytes = 0;
  let rows = 0;
  const started = Date.now();
  if (mode === 'quiet') return { advance() {}, stop() {} };
  if (mode === 'lines') {
    let lastAt = 0;
    return {
      advance(b, r) {
        bytes += b;
        rows += r;
        if (Date.now() - lastAt < 1000) return;
        lastAt = Date.now();
        out.write(`${label}: ${rows} rows sent (${Math.floor((100 * bytes) / Math.max(1, totalBytes))}%)\n`);
      },
      stop(summary) {
        const secs = (Date.now() - started) / 1000;
        out.write(`${label} ${staticBar(bytes, totalBytes)} ${rows} rows in ${duration(secs)}\n${summary}\n`);
      },
    };
  }
  const bar = new SingleBar(
    { stream: out, hideCursor: true, clearOnComplete: false, ...barOptions, format: ` ${label} {bar} {percentage}% | {rows} rows | {speed} rows/s | ETA {eta_formatted}` },
    Presets.shades_classic,
  );
  bar.start(Math.max(1, totalBytes), 0, { rows: 0, speed: 0 });
  return {
    advance(b, r) {
      bytes += b;
      rows += r;
      const secs = Math.max(0.001, (Date.now() - started) / 1000);
      bar.update(bytes, { rows, speed: Math.round(rows / secs) });
    },
    stop(summary) {
      bar.update(Math.max(1, totalBytes), { rows });
      bar.stop();
      out.write(`${summary}\n`);
    },
  };
}
