// herald:transport — the provider chain of customer email; broadcasts, surveys and DPA notices gate what they hand it first (see tests/unit/gate/gate-channels.test.ts).
import { archiveWriter } from './archive';
import { claimLog, receiptLog } from './delivery-log';
import type { ActivityDeps, StoreDeps } from './deps';
import { failoverChain } from './providers/failover';
import { smtpProvider } from './providers/smtp';

/**
 * What every sender of customer email shares (broadcasts, surveys, DPA notices): the worker's
 * provider chain (its relays and their failover, `SMTP_FALLBACK_URL`), the claim and the receipt
 * of each delivery, and the archive of what was sent.
 */
export function customerEmailPath(deps: StoreDeps<'ArchiveRecord' | 'Delivery' | 'DeliveryReceipt'> & Pick<ActivityDeps, 'mailer' | 'email'>) {
  const { models } = deps.store;
  return {
    email: deps.email ?? failoverChain([smtpProvider({ transport: deps.mailer })]),
    recordReceipt: receiptLog(models),
    claim: claimLog(models),
    archive: archiveWriter(models),
  };
}
