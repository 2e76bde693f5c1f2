/**
 * When each channel carried a message version, and how far each lagged behind the first (M3.3).
 * Pure: the store keeps the rows, the API shows the report.
 */

/** Every channel a published version goes out on, in the order the incident workflow publishes them. */
export const deliveryChannels = ['status-page', 'status-api', 'in-app', 'email', 'webhook', 'slack', 'internal-email'] as const;
export type DeliveryChannel = (typeof deliveryChannels)[number];

export function isDeliveryChannel(channel: string): channel is DeliveryChannel {
  return (deliveryChannels as readonly string[]).includes(channel);
}

/** One row per incident, version and channel: a retried delivery finds the row it already wrote. */
export function channelDeliveryId(incidentId: string, version: number, channel: DeliveryChannel): string {
  return `${incidentId}#v${version}#${channel}`;
}

export interface ChannelDeliveryRow {
  version: number;
  channel: string;
  deliveredAt: Date | string;
  /** Recipients the channel reached (entries, customers, endpoints, lists). */
  count: number;
  /** Recipients it could not reach after its retries. */
  failed?: number;
  /** Email only: deliveries a crash left in doubt, resent with the same Message-ID (the only possible duplicates). */
  inDoubtResent?: number;
}

export interface ChannelLag {
  channel: string;
  deliveredAt: string;
  count: number;
  failed?: number;
  inDoubtResent?: number;
  /** Milliseconds behind the version's first channel; 0 for the first. */
  lagMs: number;
  /** Behind the first by more than the bound, when one is given. */
  late?: boolean;
}

export interface VersionLag {
  version: number;
  firstChannel: string;
  firstAt: string;
  maxLagMs: number;
  /** Every channel within the bound, when one is given. */
  withinBound?: boolean;
  channels: ChannelLag[];
}

const rank = (channel: string) => {
  const i = (deliveryChannels as readonly string[]).indexOf(channel);
  return i < 0 ? deliveryChannels.length : i;
};

/**
 * Per version, oldest first: each channel in the order it delivered (ties in publishing order, so
 * the status page leads the status API it shares an entry with) and its lag behind the first.
 */
export function channelLagReport(rows: readonly ChannelDeliveryRow[], boundMs?: number): VersionLag[] {
  const byVersion = new Map<number, ChannelDeliveryRow[]>();
  for (const r of rows) byVersion.set(r.version, [...(byVersion.get(r.version) ?? []), r]);
  return [...byVersion.entries()]
    .sort(([a], [b]) => a - b)
    .map(([version, rs]) => {
      const timed = rs
        .map((r) => ({ r, at: new Date(r.deliveredAt).getTime() }))
        .sort((a, b) => a.at - b.at || rank(a.r.channel) - rank(b.r.channel) || a.r.channel.localeCompare(b.r.channel));
      const first = timed[0];
      const channels = timed.map(({ r, at }) => ({
        channel: r.channel,
        deliveredAt: new Date(at).toISOString(),
        count: r.count,
        ...(r.failed ? { failed: r.failed } : {}),
        ...(r.inDoubtResent ? { inDoubtResent: r.inDoubtResent } : {}),
        lagMs: at - first.at,
        ...(boundMs !== undefined ? { late: at - first.at > boundMs } : {}),
      }));
      const maxLagMs = Math.max(...channels.map((c) => c.lagMs));
      return {
        version,
        firstChannel: first.r.channel,
        firstAt: new Date(first.at).toISOString(),
        maxLagMs,
        ...(boundMs !== undefined ? { withinBound: maxLagMs <= boundMs } : {}),
        channels,
      };
    });
}
