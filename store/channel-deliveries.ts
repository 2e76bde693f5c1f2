import { Schema } from 'mongoose';
import { insertOnce } from './mongo';
import { required, storedIn, type BoundModels } from './schema';
import { channelDeliveryId, type DeliveryChannel } from '../domain/delivery/channel-deliveries';

/**
 * When a channel carried a message version (M3.3), one row per incident, version and channel,
 * keyed by `_id` = `${incidentId}#v${version}#${channel}`. Insert-only: the first record stands,
 * so a retried activity cannot move a delivery time.
 */
export interface ChannelDeliveryDoc {
  _id: string;
  incidentId: string;
  version: number;
  channel: DeliveryChannel;
  deliveredAt: Date;
  count: number;
  failed?: number;
  /** Email only: deliveries a crash left in doubt, resent with the same Message-ID (the only possible duplicates). */
  inDoubtResent?: number;
}

export const channelDeliveryCollections = {
  ChannelDelivery: storedIn('channel_deliveries', new Schema<ChannelDeliveryDoc>({
    ...required({ _id: String, incidentId: String, version: Number, channel: String, deliveredAt: Date, count: Number }),
    failed: Number, inDoubtResent: Number,
  })),
};

export type ChannelDeliveryModels = BoundModels<typeof channelDeliveryCollections>;

export type ChannelDeliveryRecord = Omit<ChannelDeliveryDoc, '_id'>;

/** Records a channel's delivery; false when the channel was already recorded for the version. */
export async function recordChannelDelivery(models: ChannelDeliveryModels, r: ChannelDeliveryRecord): Promise<boolean> {
  const doc: ChannelDeliveryDoc = {
    _id: channelDeliveryId(r.incidentId, r.version, r.channel),
    incidentId: r.incidentId, version: r.version, channel: r.channel, deliveredAt: r.deliveredAt, count: r.count,
    ...(r.failed ? { failed: r.failed } : {}),
    ...(r.inDoubtResent ? { inDoubtResent: r.inDoubtResent } : {}),
  };
  return insertOnce(models.ChannelDelivery, doc);
}
