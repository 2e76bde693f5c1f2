/**
 * How far a published version's fan-out has come (sent of total, per channel, rate, ETA): a plain
 * function of what the store holds about it, read by `GET /v1/incidents/:id/broadcasts…` and shown
 * by `herald publish --wait` and `herald watch`. Pure: times come in as arguments.
 */
import { deliveryChannels, type ChannelDeliveryRow } from './channel-deliveries';

export interface EmailPlanFacts {
  recipients: number;
  plannedAt: Date | string;
}

/** What the store knows about one version's publication. */
export interface PublicationFacts {
  version: number;
  /** The email broadcast's frozen audience, once planned. */
  emailPlan?: EmailPlanFacts;
  /** Receipts of that broadcast so far: accepted by a provider (sent or resent in doubt) and refused for good. */
  emailReceipts: { sent: number; failed: number };
  /** When the incident recorded the email broadcast as returned (its `published` audit record for email). */
  emailDoneAt?: Date | string;
  /** The channel log's rows of the version (status page, status API, in-app, email, webhooks, Slack, lists). */
  channelRows: readonly ChannelDeliveryRow[];
  /** When the incident recorded every channel as delivered (its `channels-delivered` audit record). */
  finishedAt?: Date | string;
}

export type ProgressState = 'not-started' | 'sending' | 'finished';

export interface ChannelProgress {
  channel: string;
  state: 'sending' | 'done';
  total: number;
  sent: number;
  failed: number;
  /** Email only: recipients emailed less than the playbook's window ago, whose update waits for a digest. */
  deferred: number;
  startedAt?: string;
  finishedAt?: string;
}

export interface BroadcastProgress {
  version: number;
  state: ProgressState;
  startedAt?: string;
  finishedAt?: string;
  /** Over the channels known so far: more may join until the state is `finished`. */
  total: number;
  sent: number;
  failed: number;
  deferred: number;
  /** Neither sent, failed nor deferred yet. */
  pending: number;
  /** Email deliveries settled per second since the broadcast was planned (to its end once done). */
  ratePerSecond: number;
  /** Seconds until the email still pending is settled at that rate; 0 once done, null while unknown. */
  etaSeconds: number | null;
  channels: ChannelProgress[];
}

const isoOf = (t: Date | string) => new Date(t).toISOString();
const ms = (t: Date | string) => new Date(t).getTime();
const rank = (channel: string) => {
  const i = (deliveryChannels as readonly string[]).indexOf(channel);
  return i < 0 ? deliveryChannels.length : i;
};

function emailProgress(f: PublicationFacts, now: Date): { channel: ChannelProgress; rate: number; eta: number | null } | undefined {
  if (!f.emailPlan) return undefined;
  const row = f.channelRows.find((r) => r.channel === 'email');
  const doneAt = f.emailDoneAt ?? row?.deliveredAt;
  const total = f.emailPlan.recipients;
  const sent = Math.min(total, f.emailReceipts.sent);
  const failed = Math.min(total - sent, f.emailReceipts.failed);
  // Recipients without a receipt once the broadcast returned were held for their digest.
  const deferred = doneAt ? total - sent - failed : 0;
  const startedAt = isoOf(f.emailPlan.plannedAt);
  const seconds = Math.max(0.001, ((doneAt ? ms(doneAt) : now.getTime()) - ms(startedAt)) / 1000);
  const settled = sent + failed + deferred;
  const rate = settled / seconds;
  const pending = total - settled;
  return {
    channel: {
      channel: 'email', state: doneAt ? 'done' : 'sending', total, sent, failed, deferred, startedAt,
      ...(doneAt ? { finishedAt: isoOf(doneAt) } : {}),
    },
    rate,
    eta: doneAt || pending === 0 ? 0 : rate > 0 ? Math.ceil(pending / rate) : null,
  };
}

/** One version's progress: every channel it reached or is reaching, in publishing order, and the sums. */
export function broadcastProgress(f: PublicationFacts, now: Date): BroadcastProgress {
  const email = emailProgress(f, now);
  const others: ChannelProgress[] = f.channelRows
    .filter((r) => r.channel !== 'email' || !email)
    .map((r) => ({
      channel: r.channel, state: 'done', total: r.count + (r.failed ?? 0), sent: r.count, failed: r.failed ?? 0, deferred: 0,
      startedAt: isoOf(r.deliveredAt), finishedAt: isoOf(r.deliveredAt),
    }));
  const channels = [...others, ...(email ? [email.channel] : [])].sort((a, b) => rank(a.channel) - rank(b.channel));
  const sum = (k: 'total' | 'sent' | 'failed' | 'deferred') => channels.reduce((n, c) => n + c[k], 0);
  const starts = channels.map((c) => c.startedAt).filter((t): t is string => !!t).sort();
  const state: ProgressState = f.finishedAt ? 'finished' : channels.length ? 'sending' : 'not-started';
  const total = sum('total');
  const [sent, failed, deferred] = [sum('sent'), sum('failed'), sum('deferred')];
  return {
    version: f.version,
    state,
    ...(starts.length ? { startedAt: starts[0] } : {}),
    ...(f.finishedAt ? { finishedAt: isoOf(f.finishedAt) } : {}),
    total, sent, failed, deferred,
    pending: total - sent - failed - deferred,
    ratePerSecond: Math.round((email?.rate ?? 0) * 100) / 100,
    etaSeconds: state === 'finished' ? 0 : email ? email.eta : null,
    channels,
  };
}
