import { ApplicationFailure, Context } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import { channelLagBoundMs } from '../config/channels';
import { channelDeliveryId, channelLagReport, deliveryChannels, isDeliveryChannel, type DeliveryChannel } from '../domain/delivery/channel-deliveries';
import type { IncidentInput } from '../domain/incident';
import { deliveryKey, inLocale, messageIdFor, metadataHeaders, type MessageMetadata, type MessageVersion } from '../domain/messages';
import { slackIncidentMessage } from '../domain/delivery/slack';
import { recordChannelDelivery } from '../store/channel-deliveries';
import { isSecretRef, resolveSlackWebhooks } from '../store/channel-secrets';
import { claimDelivery, settleDelivery } from '../store/deliveries';
import { gateAndRecord } from './gate';
import { loadAudience } from '../store/service-model';
import { firstAttemptTimeoutMs } from '../domain/webhooks/delivery';
import { webhookIdFor } from '../domain/webhooks';
import { sendOnce } from './email';
import { postWithRetry, receiverRetry, type PostHooks } from './http-delivery';
import type { ActivityDeps, AudienceCollections, StoreDeps } from './deps';
import { whileHeartbeating } from './heartbeat';
import { inLanes } from './lanes';
import { staffSegment, statusLinks } from './tracked-links';
import { attemptWebhook, retryBeside, WebhookGateMemo } from './webhooks';
import { approvalsMemo, incidentFields, recipientListLimit, recipientSet } from './archive';
import { archiveOne } from '../store/archive';
import { canonicalJson } from '../domain/audit/canonical-json';
import { inAppNotice } from '../domain/status-page/notices';

export interface ChannelDispatchRequest {
  /** Severity already the current one. */
  incident: IncidentInput;
  /** May carry translations: each customer's webhook is in their locale. */
  message: MessageVersion;
  /** When the status page showed the version. */
  publishedAt: string;
  /** Deliveries the workflow already made, recorded in the channel log: e.g. { channel: 'email', deliveredAt, count }. */
  delivered: { channel: string; deliveredAt: string; count: number; inDoubtResent?: number }[];
  /** From the playbook's distribution policy. */
  internal: { slackWebhooks: string[]; distributionLists: string[] };
}

export interface ChannelDispatchResult {
  /**
   * One attempt per endpoint here; `retrying` ones went on to their retry workflow (beside the
   * incident), `disabled` ones were skipped, `failed` ones the gate refused.
   */
  webhooks: { endpoints: number; sent: number; alreadySent: number; retrying: number; disabled: number; failed: number };
  inApp: { customers: number };
  slack: { sent: number; failed: number };
  internalEmail: { sent: number };
  /** Every channel of the version against the lag bound (M3.3): the late ones are named. */
  lag: { boundMs: number; maxLagMs: number; withinBound: boolean; late: { channel: string; lagMs: number }[] };
}

/** Receivers served at once; each may spend its retries without holding up the others. */
const inFlight = 8;

/** A raw Slack webhook URL (an older playbook snapshot) is a credential: the delivery record names it by host and digest only. */
function slackRecipient(url: string): string {
  return `${new URL(url).host}#${createHash('sha256').update(url).digest('hex').slice(0, 16)}`;
}

/** What the channel dispatch reads and writes: the audience, the channel log, Slack secrets, claims, webhook attempts and the gate's near misses. */
type DispatchCollections = AudienceCollections | 'ArchiveRecord' | 'AuditRecord' | 'ChannelDelivery' | 'ChannelSecret' | 'Delivery' | 'NearMiss' | 'StatusEntry' | 'WebhookAttempt' | 'WebhookEndpoint';

/**
 * The in-app notice as customers read it (M5.1): `GET /v1/customers/:id/notices` serves it from
 * the status entry, so the archived bytes are that entry's notice (everything but the per-reader
 * `via` and `active`), with the customers it reached, the gate's verdict on the entry and the
 * version's approvals. One record per version.
 */
async function archiveInAppNotice(
  models: StoreDeps<'ArchiveRecord' | 'StatusEntry'>['store']['models'],
  config: Pick<ActivityDeps['config'], 'publicUrl'>,
  req: ChannelDispatchRequest,
  customerIds: string[],
  readableAt: Date,
  approvals: ReturnType<typeof approvalsMemo>,
): Promise<void> {
  const { incident, message } = req;
  const entry = await models.StatusEntry.findOne({ incidentId: incident.id, version: message.version }).lean();
  if (!entry) return;
  const locale = message.locale ?? 'en';
  const notice = inAppNotice(entry, config.publicUrl);
  const page = await models.ArchiveRecord.findById(`status-page:${incident.id}#v${message.version}#${locale}`, { detail: 1 }).lean();
  await archiveOne(models, {
    key: `in-app:${incident.id}#v${message.version}#${locale}`, kind: 'in-app', ...incidentFields(incident),
    version: message.version, channel: 'in-app', locale, customerIds: customerIds.length <= recipientListLimit ? customerIds : [],
    body: Buffer.from(canonicalJson(notice)), contentType: 'application/json',
    detail: {
      ...recipientSet(customerIds, { audience: 'affected customers whose preferences allow in-app notices', components: incident.components, severity: incident.severity }),
      gate: { ...((page?.detail as { gate?: object } | undefined)?.gate ?? { allowed: true }), on: 'status-page' },
      ...(await approvals(incident.id, message.version)),
      outcome: { status: 'readable', since: readableAt.toISOString(), customers: customerIds.length },
    },
  });
}

export function createChannelDispatchActivities(deps: StoreDeps<DispatchCollections> & Pick<ActivityDeps, 'mailer' | 'config'>) {
  const { store, config } = deps;
  const { Customer, ChannelDelivery } = store.models;
  /** A tracked status-page link for staff on one channel (M2.6), added after the gate so it is never redacted. */
  const staffLink = (channel: 'slack' | 'internal-email', incidentId: string, version: number) => statusLinks(config, incidentId, channel)(staffSegment, version);

  return {
    /**
     * Every channel after the status page and email (M3.3): customer webhooks, in-app notices,
     * Slack-compatible staff channels and internal distribution lists, each recorded in the channel
     * log with when it finished and how many it reached. A receiver that keeps failing is recorded
     * and counted, never fatal; a store error throws and Temporal retries, the delivery keys
     * making the retry send nothing twice.
     */
    async deliverChannels(req: ChannelDispatchRequest): Promise<ChannelDispatchResult> {
      const unknown = req.delivered.filter((d) => !isDeliveryChannel(d.channel)).map((d) => d.channel);
      if (unknown.length) throw ApplicationFailure.nonRetryable(`unknown channels: ${unknown.join(', ')}`, 'UnknownChannel');
      const { incident, message } = req;
      const meta: MessageMetadata = { incidentId: incident.id, severity: incident.severity, category: incident.category, version: message.version };
      const record = (channel: DeliveryChannel, deliveredAt: Date, count: number, failed = 0) =>
        recordChannelDelivery(store.models, { incidentId: incident.id, version: message.version, channel, deliveredAt, count, failed });

      for (const d of req.delivered) {
        await recordChannelDelivery(store.models, {
          incidentId: incident.id, version: message.version, channel: d.channel as DeliveryChannel, deliveredAt: new Date(d.deliveredAt), count: d.count,
          ...(d.inDoubtResent ? { inDoubtResent: d.inDoubtResent } : {}),
        });
      }

      const ctx = Context.current();
      const hooks: PostHooks = { sleep: (ms) => ctx.sleep(ms), signal: ctx.cancellationSignal };
      const result: ChannelDispatchResult = {
        webhooks: { endpoints: 0, sent: 0, alreadySent: 0, retrying: 0, disabled: 0, failed: 0 },
        inApp: { customers: 0 },
        slack: { sent: 0, failed: 0 },
        internalEmail: { sent: 0 },
        lag: { boundMs: config.channelLagBoundMs ?? channelLagBoundMs(), maxLagMs: 0, withinBound: true, late: [] },
      };
      return whileHeartbeating(ctx, () => result, async () => {
        const { audience } = await loadAudience(store.models, incident);
        const approvals = approvalsMemo(store.models);

        // In-app notices are served from the status entry, so they became readable when the page did.
        // Only customers whose preferences allow in-app notices (GET /v1/customers/:id/notices shows them the same).
        // Beside the other channels: a retried dispatch (its worker killed) sends webhooks again
        // without waiting for the in-app notice's archive record first.
        const inAppNotices = async () => {
          const customerIds = audience.filter((m) => m.channels.includes('in-app')).map((m) => m.customerId);
          result.inApp.customers = customerIds.length;
          if (!customerIds.length) return;
          const page = await ChannelDelivery.findById(channelDeliveryId(incident.id, message.version, 'status-page')).lean();
          const readableAt = page?.deliveredAt ?? new Date(req.publishedAt);
          await archiveInAppNotice(store.models, config, req, customerIds, readableAt, approvals);
          await record('in-app', readableAt, customerIds.length);
        };

        const webhooks = async () => {
          const members = audience.filter((m) => m.channels.includes('webhook'));
          const secrets = new Map<string, { url: string; secret: string }[]>();
          for (let i = 0; i < members.length; i += 1000) {
            const ids = members.slice(i, i + 1000).map((m) => m.customerId);
            for (const c of await Customer.find({ customerId: { $in: ids } }, { _id: 0, customerId: 1, webhooks: 1 }).lean()) {
              secrets.set(c.customerId, c.webhooks ?? []);
            }
          }
          const targets = members.flatMap((m) => (secrets.get(m.customerId) ?? []).map((w) => ({ member: m, ...w })));
          result.webhooks.endpoints = targets.length;
          // A retried dispatch (its worker killed) skips what its first attempts delivered with one
          // read per thousand, instead of two reads per endpoint before it sends anything new.
          const sentBefore = new Set<string>();
          for (let i = 0; i < targets.length; i += 1000) {
            const ids = targets.slice(i, i + 1000).map((t) => `${webhookIdFor(incident.id, message.version, t.url)}#1`);
            for (const a of await deps.store.models.WebhookAttempt.find({ _id: { $in: ids }, ok: true }, { _id: 1 }).lean()) sentBefore.add(String(a._id));
          }
          const gates = new WebhookGateMemo();
          await inLanes(targets.length, inFlight, async (i) => {
            const { member, url, secret } = targets[i];
            if (sentBefore.has(`${webhookIdFor(incident.id, message.version, url)}#1`)) {
              result.webhooks.alreadySent++;
              return;
            }
            const localized = inLocale(message, member.locale);
            const delivery = {
              ...meta, phase: message.phase, subject: localized.subject, text: localized.text, locale: localized.locale,
              publishedAt: req.publishedAt, customerId: member.customerId, endpointUrl: url, ...(incident.tags?.length ? { tags: incident.tags } : {}),
            };
            // The first attempt only, with a short timeout: a slow or failing endpoint never holds the incident.
            const r = await attemptWebhook(deps, delivery, { secret, tier: member.tier }, 1, { timeoutMs: firstAttemptTimeoutMs, signal: ctx.cancellationSignal, gates, approvals });
            if (r.outcome === 'sent') result.webhooks.sent++;
            else if (r.outcome === 'already-sent') result.webhooks.alreadySent++;
            else if (r.outcome === 'endpoint-disabled') result.webhooks.disabled++;
            else if (r.outcome === 'failed') {
              await retryBeside(ctx.client, ctx.info.taskQueue, delivery);
              result.webhooks.retrying++;
            } else result.webhooks.failed++;
          });
          const reached = result.webhooks.sent + result.webhooks.alreadySent;
          if (reached) await record('webhook', new Date(), reached, result.webhooks.failed + result.webhooks.retrying);
        };

        // Staff channels show no more than customers see: the same gate, on the primary locale.
        const gate = await gateAndRecord(
          store.models,
          { incidentId: incident.id, version: message.version, channel: 'staff-channels' },
          { subject: message.subject, text: message.text, html: message.html, title: incident.title },
        );

        const slack = async () => {
          // The playbook names its Slack webhooks by reference; the URLs live in the secret store.
          const { resolved, missing } = await resolveSlackWebhooks(store.models, req.internal.slackWebhooks);
          result.slack.failed += missing.length;
          const body = JSON.stringify(slackIncidentMessage(meta, { title: gate.content.title, subject: gate.content.subject, text: gate.content.text, phase: message.phase }, staffLink('slack', incident.id, message.version)));
          let already = 0;
          await inLanes(resolved.length, inFlight, async (i) => {
            const { entry, url } = resolved[i];
            const recipient = isSecretRef(entry) ? entry : slackRecipient(url);
            const claim = await claimDelivery(store.models, deliveryKey(incident.id, message.version, 'slack', recipient), {
              incidentId: incident.id, version: message.version, channel: 'slack', recipient,
            });
            if (claim.status === 'sent') {
              already++;
              return;
            }
            const posted = gate.allowed && (await postWithRetry(url, () => ({ headers: { 'content-type': 'application/json' }, body }), receiverRetry, hooks)).ok;
            await settleDelivery(store.models, claim, posted ? { status: 'sent' } : { status: 'failed' });
            if (posted) result.slack.sent++;
            else result.slack.failed++;
          });
          if (result.slack.sent + already) await record('slack', new Date(), result.slack.sent + already, result.slack.failed);
        };

        const lists = async () => {
          if (!gate.allowed) return;
          const addresses = [...new Map(req.internal.distributionLists.map((a) => [a.toLowerCase(), a])).values()];
          const link = staffLink('internal-email', incident.id, message.version);
          let reached = 0;
          for (const to of addresses) {
            const outcome = await sendOnce(
              deps,
              deliveryKey(incident.id, message.version, 'internal-email', to),
              { incidentId: incident.id, version: message.version, channel: 'internal-email', recipient: to },
              {
                from: config.fromAddress,
                to,
                subject: gate.content.subject,
                text: `${gate.content.text}\n\nStatus page: ${link}`,
                html: `${gate.content.html}\n<p><a href="${link}">Status page</a></p>`,
                messageId: messageIdFor(meta, `list.${to}`, config.messageIdDomain),
                headers: { ...metadataHeaders(meta), 'X-Herald-Channel': 'internal-email' },
              },
            );
            reached++;
            if (outcome === 'sent') result.internalEmail.sent++;
          }
          if (reached) await record('internal-email', new Date(), reached);
        };

        const channels = [webhooks, inAppNotices, slack, lists];
        await inLanes(channels.length, channels.length, (i) => channels[i]());

        // How the version's channels kept pace with the first, now that every one has reported.
        const ids = deliveryChannels.map((c) => channelDeliveryId(incident.id, message.version, c));
        const rows = await ChannelDelivery.find({ _id: { $in: ids } }, { _id: 0, version: 1, channel: 1, deliveredAt: 1, count: 1 }).lean();
        const [report] = channelLagReport(rows, result.lag.boundMs);
        if (report) {
          result.lag = {
            boundMs: result.lag.boundMs,
            maxLagMs: report.maxLagMs,
            withinBound: report.withinBound ?? true,
            late: report.channels.filter((c) => c.late).map((c) => ({ channel: c.channel, lagMs: c.lagMs })),
          };
        }
        return result;
      });
    },
  };
}
