import type { StatusEntry } from './index';

/**
 * An in-app notice (M3.3): a status entry as customers read it in the product. The same function
 * shapes what `GET /v1/customers/:id/notices` serves and what the archive keeps (M5.1), so the
 * archived bytes are the notice as shown; only the reader's own `via` and `active` are added.
 */
export interface InAppNotice {
  incidentId: string;
  title: string;
  severity: string;
  category: string;
  phase: string;
  version: number;
  subject: string;
  body: string;
  publishedAt: string;
  statusPageUrl: string;
}

export function inAppNotice(e: Pick<StatusEntry, 'incidentId' | 'title' | 'severity' | 'category' | 'phase' | 'version' | 'subject' | 'body' | 'publishedAt'>, publicUrl: string): InAppNotice {
  return {
    incidentId: e.incidentId, title: e.title, severity: e.severity, category: e.category, phase: e.phase, version: e.version,
    subject: e.subject, body: e.body, publishedAt: new Date(e.publishedAt).toISOString(),
    statusPageUrl: `${publicUrl}/status#${encodeURIComponent(e.incidentId)}`,
  };
}
