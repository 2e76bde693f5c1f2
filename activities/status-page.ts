import type { IncidentInput } from '../domain/incident';
import type { MessageVersion } from '../domain/message';
import type { ActivityDeps } from './index';

export interface StatusPublication {
  incident: IncidentInput;
  message: MessageVersion;
  publishedAt: string;
  nextUpdateAt?: string;
}

export function createStatusPageActivities({ store }: ActivityDeps) {
  const { StatusEntry } = store.models;
  return {
    /** Shows a message version on the public status page and status API; idempotent per version. */
    async publishStatusPage(p: StatusPublication): Promise<{ publishedAt: string }> {
      await StatusEntry.updateOne(
        { incidentId: p.incident.id, version: p.message.version },
        {
          $setOnInsert: {
            incidentId: p.incident.id,
            version: p.message.version,
            title: p.incident.title,
            phase: p.message.phase,
            severity: p.incident.severity,
            category: p.incident.category,
            components: p.incident.components,
            subject: p.message.subject,
            body: p.message.text,
            publishedAt: new Date(p.publishedAt),
            nextUpdateAt: p.nextUpdateAt ? new Date(p.nextUpdateAt) : undefined,
          },
        },
        { upsert: true },
      );
      return { publishedAt: p.publishedAt };
    },
  };
}
