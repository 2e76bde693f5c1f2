import type { IncidentInput } from '../domain/incident';
import type { MessageVersion } from '../domain/messages';
import { recordChannelDelivery } from '../store/channel-deliveries';
import { gateAndRecord, gateDispatchVerdict } from './gate';
import { canonicalJson } from '../domain/audit/canonical-json';
import { archiveRecords } from '../store/archive';
import { approvalsOf, archivedVerdict, incidentFields, type ArchivedGateVerdict } from './archive';
import type { StoreDeps } from './deps';

export interface StatusPublication {
  incident: IncidentInput;
  message: MessageVersion;
  publishedAt: string;
  nextUpdateAt?: string;
}

export function createStatusPageActivities({ store }: StoreDeps<'StatusEntry' | 'NearMiss' | 'ChannelDelivery' | 'ArchiveRecord' | 'AuditRecord'>) {
  const { StatusEntry } = store.models;
  return {
    /** Shows a message version on the public status page and status API; idempotent per version. */
    async publishStatusPage(p: StatusPublication): Promise<{ publishedAt: string }> {
      // The one gate: the page and the status API show only what passed it.
      const primaryVerdict = await gateDispatchVerdict(
        store.models,
        { incidentId: p.incident.id, version: p.message.version, channel: 'status-page' },
        { subject: p.message.subject, text: p.message.text, html: p.message.html, title: p.incident.title },
      );
      const safe = primaryVerdict.content;
      const verdicts: Record<string, ArchivedGateVerdict> = { [p.message.locale ?? 'en']: archivedVerdict(primaryVerdict) };
      // Each translation passes the gate in its own locale; one the gate would stop is not shown (readers get the primary text).
      const translations: Record<string, { subject: string; body: string }> = {};
      for (const [locale, t] of Object.entries(p.message.translations ?? {})) {
        const verdict = await gateAndRecord(
          store.models,
          { incidentId: p.incident.id, version: p.message.version, channel: 'status-page', locale },
          { subject: t.subject, text: t.text, html: t.html },
        );
        verdicts[locale] = archivedVerdict(verdict);
        if (verdict.allowed) translations[locale] = { subject: verdict.content.subject, body: verdict.content.text };
      }
      await StatusEntry.updateOne(
        { incidentId: p.incident.id, version: p.message.version },
        {
          $setOnInsert: {
            incidentId: p.incident.id,
            version: p.message.version,
            title: safe.title,
            phase: p.message.phase,
            severity: p.incident.severity,
            category: p.incident.category,
            components: p.incident.components,
            subject: safe.subject,
            body: safe.text,
            publishedAt: new Date(p.publishedAt),
            nextUpdateAt: p.nextUpdateAt ? new Date(p.nextUpdateAt) : undefined,
            ...(Object.keys(translations).length ? { translations } : {}),
          },
        },
        { upsert: true },
      );
      // Archived as shown (M5.1): the entry in each locale the page serves, under its version's key.
      const shown = [
        { locale: p.message.locale ?? 'en', subject: safe.subject, body: safe.text },
        ...Object.entries(translations).map(([locale, t]) => ({ locale, ...t })),
      ];
      const approvals = await approvalsOf(store.models, p.incident.id, p.message.version);
      await archiveRecords(store.models, shown.map((e) => ({
        key: `status-page:${p.incident.id}#v${p.message.version}#${e.locale}`, kind: 'status-page' as const, ...incidentFields(p.incident),
        version: p.message.version, channel: 'status-page', locale: e.locale, contentType: 'application/json',
        body: Buffer.from(canonicalJson({ incidentId: p.incident.id, version: p.message.version, title: safe.title, phase: p.message.phase, subject: e.subject, body: e.body, publishedAt: p.publishedAt })),
        detail: { gate: verdicts[e.locale], ...approvals, audience: 'public', recipients: ['public status page', 'public status API'], outcome: { status: 'shown', channels: ['status-page', 'status-api'] } },
      })));
      // The page and the status API read the same entry, so both carried the version from now on (M3.3).
      const deliveredAt = new Date();
      for (const channel of ['status-page', 'status-api'] as const) {
        await recordChannelDelivery(store.models, { incidentId: p.incident.id, version: p.message.version, channel, deliveredAt, count: 1 });
      }
      return { publishedAt: p.publishedAt };
    },
  };
}
