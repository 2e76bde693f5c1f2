import { Context } from '@temporalio/activity';
import { defaultGatePolicy } from '../config/gate';
import type { Category, Severity } from '../domain/incident';
import { deliveryKey, messageIdFor, metadataHeaders } from '../domain/messages';
import { textToHtml } from '../domain/messages/content-hash';
import { obligationNoticeMeta } from '../domain/vendors/notices';
import { findReceipt } from '../store/deliveries';
import { forbiddenVendorsForGate } from '../store/vendors';
import { archivingSender, emailRecord } from './archive';
import { deliverOnce } from './delivery-log';
import type { ActivityDeps, StoreDeps } from './deps';
import { gateDispatch } from './gate';
import { customerEmailPath } from './customer-email';

export interface VendorNoticeRequest {
  incident: { id: string; severity: Severity; category: Category; tags: string[] };
  obligationId: string;
  customerId: string;
  /** The sub-processor the notice is about: the DPA names it, so the gate lets its name through here. */
  vendorId: string;
  to: string[];
  subject: string;
  text: string;
}

export interface VendorNoticeResult {
  deliveries: { to: string; messageId: string }[];
  failed: string[];
  sentAt: string;
}

type VendorNoticeCollections = 'ArchiveRecord' | 'Delivery' | 'DeliveryReceipt' | 'NearMiss' | 'Vendor';

/**
 * A DPA customer's notice about a sub-processor (M5.4), through the customer email path: the one
 * gate (its redaction and every vendor rule but the one this customer's agreement lifts), a claim
 * and a receipt per address under its key, the archive and the provider chain. Retried, it sends
 * nothing twice.
 */
export function createVendorNoticeActivities(deps: StoreDeps<VendorNoticeCollections> & Pick<ActivityDeps, 'mailer' | 'config' | 'email'>) {
  const { store, config } = deps;
  const { models } = store;
  const { email, recordReceipt, claim, archive } = customerEmailPath(deps);

  return {
    async sendVendorNotice(req: VendorNoticeRequest): Promise<VendorNoticeResult> {
      const forbiddenVendors = (await forbiddenVendorsForGate(models)).filter((v) => v.vendorId !== req.vendorId);
      const { channel, meta } = obligationNoticeMeta({ incidentId: req.incident.id, severity: req.incident.severity, category: req.incident.category }, req.obligationId);
      const content = await gateDispatch(models, { incidentId: req.incident.id, version: 0, channel: 'email' }, { subject: req.subject, text: req.text, html: textToHtml(req.text) }, { ...defaultGatePolicy, forbiddenVendors });
      const attempts = Context.current().info.attempt;
      const result: VendorNoticeResult = { deliveries: [], failed: [], sentAt: new Date().toISOString() };
      for (const to of req.to) {
        const key = deliveryKey(req.incident.id, 0, channel, to);
        const messageId = messageIdFor(meta, to, config.messageIdDomain);
        const delivery = {
          key,
          email: {
            from: config.fromAddress, to, subject: content.subject, text: content.text, html: content.html, messageId,
            headers: { ...metadataHeaders({ ...meta, incidentId: req.incident.id }), 'X-Herald-Obligation': req.obligationId },
            metadata: { incident_id: req.incident.id, severity: req.incident.severity, category: req.incident.category, message_version: '0' },
          },
        };
        const sender = archivingSender(email, (m, receipt) =>
          archive(emailRecord({ incident: req.incident, version: 0, locale: 'en', key, customerId: req.customerId, channel: 'dpa-notice' }, m, receipt)));
        const outcome = await deliverOnce({
          sender, delivery,
          claim: () => claim({ key, incidentId: req.incident.id, version: 0, channel: 'dpa-notice', recipient: to, status: 'sending', messageId, attempts }),
          findReceipt: (k) => findReceipt(models, k),
          record: (fields) => recordReceipt({ _id: key, incidentId: req.incident.id, version: 0, channel: 'dpa-notice', recipient: to, messageId, at: new Date(), ...fields }),
        });
        if (outcome.kind === 'unsettled') throw new Error(`the DPA notice ${req.obligationId} of ${req.incident.id} to ${to} could not be sent; the notice is retried`);
        if (outcome.kind === 'failed') result.failed.push(to);
        else result.deliveries.push({ to, messageId });
      }
      return result;
    },
  };
}
