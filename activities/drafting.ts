import type { IncidentInput, Phase } from '../domain/incident';
import { impactedComponents } from '../domain/audience';
import { localizedContentHash } from '../domain/messages/content-hash';
import type { LocalizedText, MessageVersion } from '../domain/messages';
import { renderTemplate } from '../domain/messages/render';
import { builtinTemplates, selectTemplate, type MessageTemplate } from '../domain/messages/templates';
import { recordTemplateUse } from '../store/feedback';
import type { StoreDeps } from './deps';

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
  /** The locale the version is written in (the playbook's); 'en' when absent. */
  locale?: string;
  /** Templates the incident's classification tags name, in the playbook's order (they win), and every template any tag names. */
  tagTemplates?: { named: string[]; reserved: string[] };
}

const namesNextUpdate = /\{\{\s*nextUpdate\s*\}\}/;

function formatTime(iso: string): string {
  return new Date(iso).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

export function createDraftActivities({ store }: StoreDeps<'Template' | 'Component' | 'Customer' | 'MessageTemplateUse'>) {
  const { Template, Component, Customer, MessageTemplateUse } = store.models;

  /** The locales of the customers an incident reaches, through the dependency graph (M2.5). */
  async function audienceLocales(components: readonly string[]): Promise<string[]> {
    const graph = await Component.find({}, { _id: 0, componentId: 1, dependsOn: 1 }).lean();
    const impacted = [...impactedComponents(graph, components)];
    const locales = (await Customer.distinct('locale', { subscriptions: { $in: impacted } })) as string[];
    return locales.filter((l) => typeof l === 'string' && l.length > 0).sort();
  }

  return {
    /** Renders a message version from the most specific template for the incident and phase. */
    async draftMessage(req: DraftRequest): Promise<MessageVersion> {
      const stored = await Template.find({ phase: req.phase }).lean<MessageTemplate[]>();
      const query = {
        category: req.incident.category, severity: req.incident.severity, phase: req.phase,
        tagTemplates: req.tagTemplates?.named, reserved: req.tagTemplates?.reserved,
      };
      const template: MessageTemplate | undefined = req.template
        ? { ...req.template, category: req.incident.category, phase: req.phase, severities: [], locale: 'en' }
        // The store's version of a template replaces the built-in one; built-ins it lacks still compete.
        : selectTemplate([...stored, ...builtinTemplates.filter((b) => !stored.some((t) => t.templateId === b.templateId))], query);
      if (!template) throw new Error(`no template for ${req.incident.category}/${req.phase}`);
      const known = await Component.find({ componentId: { $in: req.incident.components } }).lean();
      const names = req.incident.components.map((id) => known.find((c) => c.componentId === id)?.name ?? id);
      const vars = {
        title: req.incident.title,
        severity: req.incident.severity,
        category: req.incident.category,
        components: names.join(', '),
        summary: req.summary ?? req.incident.summary,
        // A time, or nothing (M2.5): without a time the variable is absent, so a template that
        // may be drafted without one names it inside {{#if nextUpdate}}.
        ...(req.nextUpdateAt ? { nextUpdate: formatTime(req.nextUpdateAt) } : {}),
      };
      const rendered = renderTemplate(template, vars);
      // Every other locale of the audience that has a template of its own gets the same version
      // in its language; the rest are left to translators or the playbook's fallback (M2.5).
      const primary = req.locale ?? 'en';
      const translations: Record<string, LocalizedText> = {};
      if (!req.template) {
        for (const locale of await audienceLocales(req.incident.components)) {
          if (locale === primary) continue;
          // The same template in another language (its id plus the locale), so both say the same facts.
          const localized = [...stored, ...builtinTemplates].find((t) => t.locale === locale && t.templateId === `${template.templateId}-${locale}`);
          if (!localized) continue;
          const r = renderTemplate(localized, vars);
          translations[locale] = { subject: r.subject, text: r.text, html: r.html };
        }
      }
      // Which template version this message came from (M6.5): feedback on it reaches that version.
      if (!req.template) {
        await recordTemplateUse({ MessageTemplateUse }, {
          _id: `${req.incident.id}#${req.version}`, incidentId: req.incident.id, version: req.version, templateId: template.templateId,
          ...(typeof (template as { version?: unknown }).version === 'number' ? { templateVersion: (template as unknown as { version: number }).version } : {}),
          draftedAt: req.createdAt,
        });
      }
      const hasTranslations = Object.keys(translations).length > 0;
      return {
        version: req.version,
        hash: hasTranslations ? localizedContentHash(rendered.subject, rendered.text, translations) : rendered.hash,
        locale: primary,
        ...(hasTranslations ? { translations } : {}),
        phase: req.phase,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        templateId: template.templateId,
        ...(req.nextUpdateAt && namesNextUpdate.test(template.body) ? { nextUpdateAt: req.nextUpdateAt } : {}),
        createdAt: req.createdAt,
        author: req.author,
      };
    },
  };
}
