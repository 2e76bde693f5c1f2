import { Context } from '@temporalio/activity';
import { broadcastIdFor } from '../domain/delivery';
import type { Category, Severity } from '../domain/incident';
import { surveyChannels, surveyContent, surveyEmail, type SurveyContent, type SurveyRound } from '../domain/surveys';
import { surveyInvitationId, surveyLinkValidMs, surveyUrl } from '../domain/surveys/token';
import { surveySecret } from '../config/surveys';
import { findBroadcast, plannedRecipients } from '../store/broadcasts';
import { findReceipt } from '../store/deliveries';
import { suppressedAmong } from '../store/suppressions';
import { answeredAmong, invitationsOf, markReminded, recordInvitation, type SurveyInvitationDoc } from '../store/surveys';
import { archivingSender, emailRecord } from './archive';
import { deliverOnce } from './delivery-log';
import type { ActivityDeps, StoreDeps } from './deps';
import { gateDispatch } from './gate';
import { customerEmailPath } from './customer-email';
import { unsubscribeLinks } from './unsubscribe-links';

export interface SurveyRoundRequest {
  incidentId: string;
  severity: Severity;
  category: Category;
  /** The key accounts' tiers. */
  tiers: string[];
  round: SurveyRound;
  /** The workflow's time of the round: the links expire counted from it. */
  at: string;
}

export interface SurveyRoundResult {
  round: SurveyRound;
  /** Contacts this round is for: the key-account contacts emailed (invitation), those without an answer (reminder). */
  contacts: number;
  sent: number;
  /** Sent by an earlier attempt of this round. */
  alreadySent: number;
  failed: number;
  /** Left out because the address unsubscribed. */
  suppressed: number;
}

/** One contact of a round; an invitation round also carries what its invitation records. */
interface Contact {
  address: string;
  customerId: string;
  locale: string;
  invitation?: Omit<SurveyInvitationDoc, '_id' | 'invitedAt' | 'language'>;
}

type SurveyCollections =
  | 'ArchiveRecord' | 'Broadcast' | 'BroadcastBatch' | 'Delivery' | 'DeliveryReceipt' | 'MessageTemplateUse' | 'NearMiss' | 'Suppression' | 'SurveyInvitation' | 'SurveyResponse';

/**
 * The survey's rounds (M6.3), through the customer email path: the one gate, a claim and a receipt
 * per delivery under its key, the archive, the provider chain, the unsubscribe link and the
 * suppression list. The invitation goes to the contacts of key accounts that an email of the
 * incident reached, in their account's locale; the reminder to those who have not answered.
 */
export function createSurveyActivities(deps: StoreDeps<SurveyCollections> & Pick<ActivityDeps, 'mailer' | 'config' | 'email'>) {
  const { store, config } = deps;
  const { models } = store;
  const { email, recordReceipt, claim, archive } = customerEmailPath(deps);

  /** The key-account contacts an email of the incident reached: their account, tier, locale and the last version they received. */
  async function keyAccountContacts(incidentId: string, tiers: string[]): Promise<Contact[]> {
    const receipts = await models.DeliveryReceipt.find(
      { incidentId, channel: 'email', outcome: { $in: ['sent', 'in-doubt-resent'] } }, { recipient: 1, version: 1 },
    ).lean();
    const lastVersion = new Map<string, number>();
    for (const r of receipts) lastVersion.set(r.recipient.toLowerCase(), Math.max(r.version, lastVersion.get(r.recipient.toLowerCase()) ?? 0));
    // Who each address was, as the broadcasts that reached it planned it (account, tier, locale).
    const planned = new Map<string, { customerId: string; locale: string; tier?: string }>();
    for (const version of [...new Set(lastVersion.values())].sort((a, b) => a - b)) {
      const header = await findBroadcast(models, broadcastIdFor(incidentId, version, 'email'));
      if (!header) continue;
      for (const r of await plannedRecipients(models, header)) planned.set(r.email.toLowerCase(), r);
    }
    const uses = new Map((await models.MessageTemplateUse.find({ incidentId }).lean()).map((u) => [u.version, u]));
    return [...lastVersion.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).flatMap(([address, version]) => {
      const p = planned.get(address);
      if (!p || !p.tier || !tiers.includes(p.tier)) return [];
      const use = uses.get(version);
      const invitation = {
        incidentId, address, customerId: p.customerId, tier: p.tier, version,
        ...(use ? { templateId: use.templateId, ...(use.templateVersion !== undefined ? { templateVersion: use.templateVersion } : {}) } : {}),
      };
      return [{ address, customerId: p.customerId, locale: p.locale, invitation }];
    });
  }

  return {
    /** One round of an incident's survey: the invitation, or the one reminder. */
    async sendSurveys(req: SurveyRoundRequest): Promise<SurveyRoundResult> {
      const at = new Date(req.at);
      const result: SurveyRoundResult = { round: req.round, contacts: 0, sent: 0, alreadySent: 0, failed: 0, suppressed: 0 };
      let contacts: Contact[];
      if (req.round === 'invitation') {
        contacts = await keyAccountContacts(req.incidentId, req.tiers);
      } else {
        const invited = await invitationsOf(models, req.incidentId);
        const answered = await answeredAmong(models, invited.map((i) => i._id));
        contacts = invited.filter((i) => !answered.has(i._id)).map((i) => ({ address: i.address, customerId: i.customerId, locale: i.language }));
      }
      const suppressed = await suppressedAmong(models, contacts.map((c) => c.address));
      result.suppressed = contacts.filter((c) => suppressed.has(c.address)).length;
      contacts = contacts.filter((c) => !suppressed.has(c.address));
      result.contacts = contacts.length;

      // Each language's words pass the gate once, before any link is added (as fan-out does).
      const gated = new Map<string, SurveyContent>();
      const contentFor = async (locale: string | undefined) => {
        const content = surveyContent(req.round, locale);
        let passed = gated.get(content.language);
        if (!passed) {
          passed = { ...content, ...(await gateDispatch(models, { incidentId: req.incidentId, version: 0, channel: 'survey' }, { subject: content.subject, text: content.text, html: content.html })) };
          gated.set(content.language, passed);
        }
        return passed;
      };
      const secret = surveySecret();
      const unsubscribe = unsubscribeLinks(config, req.incidentId, 0);
      const channel = surveyChannels[req.round];
      const attempts = Context.current().info.attempt;
      const sender = (key: string, c: { customerId: string }, language: string) =>
        archivingSender(email, (m, receipt) => archive(emailRecord({ incident: { id: req.incidentId, category: req.category, tags: [] }, version: 0, locale: language, key, customerId: c.customerId, channel: 'survey' }, m, receipt)));

      for (const c of contacts) {
        const content = await contentFor(c.locale);
        const id = surveyInvitationId(req.incidentId, c.address);
        // Written before the email leaves, so an answer always finds its invitation.
        if (c.invitation) await recordInvitation(models, { ...c.invitation, _id: id, language: content.language, invitedAt: at });
        const delivery = surveyEmail(content, {
          incidentId: req.incidentId, severity: req.severity, category: req.category, to: c.address,
          formUrl: surveyUrl(config.publicUrl, { incidentId: req.incidentId, address: c.address, expiresAt: at.getTime() + surveyLinkValidMs }, secret),
          unsubscribeUrl: unsubscribe(c.address, c.customerId),
        }, config);
        const outcome = await deliverOnce({
          sender: sender(delivery.key, c, content.language), delivery,
          claim: () => claim({ key: delivery.key, incidentId: req.incidentId, version: 0, channel, recipient: c.address, status: 'sending', messageId: delivery.email.messageId, attempts }),
          findReceipt: (key) => findReceipt(models, key),
          record: (fields) => recordReceipt({ _id: delivery.key, incidentId: req.incidentId, version: 0, channel, recipient: c.address, messageId: delivery.email.messageId, at: new Date(), ...fields }),
        });
        if (outcome.kind === 'unsettled') throw new Error(`the survey of ${req.incidentId} to ${c.address} could not be sent; the round is retried`);
        if (outcome.kind === 'failed') result.failed++;
        else if (outcome.kind === 'recorded') result.alreadySent++;
        else result.sent++;
        if (req.round === 'reminder') await markReminded(models, id, at);
      }
      return result;
    },
  };
}

export type SurveyActivities = ReturnType<typeof createSurveyActivities>;
