import { randomUUID } from 'node:crypto';
import type { ClickCount, LinkContext } from '../domain/tracking';
import type { Models } from './models';
import { collectionOf } from './mongo';

/** The counter a click counts towards: one per incident, channel, segment and message version. */
function clickCounterId(ctx: LinkContext): string {
  return `${ctx.incidentId}#${ctx.channel}#${ctx.segment}#${ctx.version}`;
}

/**
 * Counts one click (M2.6). Every click is its own insert under the counter's key, so concurrent
 * clicks never lose one another (see LinkClickDoc for why this is not an `$inc`).
 */
export async function recordClick(models: Pick<Models, 'LinkClick'>, ctx: LinkContext, at = new Date()): Promise<void> {
  const { incidentId, channel, segment, version } = ctx;
  await collectionOf(models.LinkClick).insertOne({ _id: `${clickCounterId(ctx)}#${randomUUID()}`, incidentId, channel, segment, version, at });
}

/** The click counts of one incident, per message version, channel and segment, in that order. */
export async function clickCounts(models: Pick<Models, 'LinkClick'>, incidentId: string): Promise<ClickCount[]> {
  const groups = await collectionOf(models.LinkClick)
    .aggregate<{ _id: { version: number; channel: string; segment: string }; count: number }>([
      { $match: { incidentId } },
      { $group: { _id: { version: '$version', channel: '$channel', segment: '$segment' }, count: { $sum: 1 } } },
    ])
    .toArray();
  return groups
    .map((g) => ({ incidentId, ...g._id, count: g.count }))
    .sort((a, b) => a.version - b.version || a.channel.localeCompare(b.channel) || a.segment.localeCompare(b.segment));
}
