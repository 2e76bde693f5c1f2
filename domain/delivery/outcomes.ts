/**
 * What became of a version's email deliveries, counted from their receipts (the delivery log)
 * whichever attempt settled them: the account of a broadcast the audit carries (M5.1, M7.3).
 */
export interface EmailOutcomes {
  /** Accepted by a provider (including those found there by Message-ID after a crash). */
  sent: number;
  /** Sent again with the same Message-ID after a crash or a failure left them in doubt. */
  inDoubtResent: number;
  /** Refused for good (an SMTP 5xx, an HTTP 4xx); never retried. */
  failed: number;
  /** Taken by a later provider of the chain after an earlier one failed for now. */
  failedOver: number;
  /** Accepted deliveries by the provider that took them. */
  byProvider: Record<string, number>;
}

export interface ReceiptOutcome {
  outcome: 'sent' | 'failed' | 'in-doubt-resent';
  provider?: string;
  failedOver?: unknown[];
}

export function countEmailOutcomes(receipts: readonly ReceiptOutcome[]): EmailOutcomes {
  const out: EmailOutcomes = { sent: 0, inDoubtResent: 0, failed: 0, failedOver: 0, byProvider: {} };
  for (const r of receipts) {
    if (r.outcome === 'failed') {
      out.failed++;
      continue;
    }
    if (r.outcome === 'sent') out.sent++;
    else out.inDoubtResent++;
    if (r.failedOver?.length) out.failedOver++;
    const provider = r.provider ?? 'unknown';
    out.byProvider[provider] = (out.byProvider[provider] ?? 0) + 1;
  }
  return out;
}
