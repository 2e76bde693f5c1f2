import type { IncidentInput, Phase } from '../domain/incident';
import type { MessageVersion } from '../domain/message';
import { renderTemplate } from '../domain/render';
import { builtinTemplates, selectTemplate, type MessageTemplate } from '../domain/templates';
import type { ActivityDeps } from './index';

export interface DraftRequest {
  incident: IncidentInput;
  phase: Phase;
  version: number;
  author: string;
  /** Overrides the declaration's summary, e.g. the resolution note. */
  summary?: string;
  nextUpdateAt?: string;
  createdAt: string;
  /** A playbook's own text (the holding statement) instead of the template registry. */
  template?: { templateId: string; subject: string; body: string };
}

function formatTime(iso: string): string {
  return new Date(iso).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

export function createDraftActivities({ store }: ActivityDeps) {
  const { Template, Component } = store.models;
  return {
    /** Renders a message version from the most specific template for the incident and phase. */
    async draftMessage(req: DraftRequest): Promise<MessageVersion> {
      const stored = await Template.find({ phase: req.phase }).lean<MessageTemplate[]>();
      const query = { category: req.incident.category, severity: req.incident.severity, phase: req.phase };
      const template: MessageTemplate | undefined = req.template
        ? { ...req.template, category: req.incident.category, phase: req.phase, severities: [], locale: 'en' }
        : selectTemplate(stored, query) ?? selectTemplate(builtinTemplates, query);
      if (!template) throw new Error(`no template for ${req.incident.category}/${req.phase}`);
      const known = await Component.find({ componentId: { $in: req.incident.components } }).lean();
      const names = req.incident.components.map((id) => known.find((c) => c.componentId === id)?.name ?? id);
      const rendered = renderTemplate(template, {
        title: req.incident.title,
        severity: req.incident.severity,
        category: req.incident.category,
        components: names.join(', '),
        summary: req.summary ?? req.incident.summary,
        nextUpdate: req.nextUpdateAt ? formatTime(req.nextUpdateAt) : 'the next significant change',
      });
      return {
        version: req.version,
        hash: rendered.hash,
        phase: req.phase,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        templateId: template.templateId,
        createdAt: req.createdAt,
        author: req.author,
      };
    },
  };
}
