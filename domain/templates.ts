import { phases, type Category, type Phase, type Severity } from './incident';

/** The phases a template is written for: the public phases, and the holding statement sent while facts are thin. */
export const templatePhases = [...phases, 'holding'] as const;
export type TemplatePhase = (typeof templatePhases)[number];

/** A message template: Handlebars text with declared variables; HTML escaping is on by default. */
export interface MessageTemplate {
  templateId: string;
  category: Category | '*';
  phase: TemplatePhase;
  /** Empty means every severity. */
  severities: Severity[];
  locale: string;
  subject: string;
  body: string;
}

export interface TemplateQuery {
  category: Category;
  severity: Severity;
  phase: Phase;
  locale?: string;
}

/**
 * The most specific template for a category, severity and phase: an exact category beats the
 * wildcard, a severity list that names the severity beats one that covers all.
 */
export function selectTemplate(templates: MessageTemplate[], q: TemplateQuery): MessageTemplate | undefined {
  const locale = q.locale ?? 'en';
  const score = (t: MessageTemplate) =>
    (t.category === q.category ? 2 : 0) + (t.severities.length > 0 ? 1 : 0) + (t.locale === locale ? 4 : 0);
  return templates
    .filter(
      (t) =>
        t.phase === q.phase &&
        (t.category === q.category || t.category === '*') &&
        (t.severities.length === 0 || t.severities.includes(q.severity)) &&
        (t.locale === locale || t.locale === 'en'),
    )
    .sort((a, b) => score(b) - score(a) || a.templateId.localeCompare(b.templateId))[0];
}

const major: Severity[] = ['SEV1', 'SEV2'];
const minor: Severity[] = ['SEV3', 'SEV4'];

function t(
  templateId: string,
  category: MessageTemplate['category'],
  phase: Phase,
  severities: Severity[],
  subject: string,
  body: string,
  locale = 'en',
): MessageTemplate {
  return { templateId, category, phase, severities, locale, subject, body };
}

/** The house templates Herald ships with; the store may hold newer versions. */
export const builtinTemplates: MessageTemplate[] = [
  t('generic-investigating', '*', 'investigating', [], 'Investigating: {{title}}',
    'We are investigating an issue affecting {{components}}.\n\n{{summary}}\n\nWe will post the next update by {{nextUpdate}}.'),
  t('generic-resolved', '*', 'resolved', [], 'Resolved: {{title}}',
    'The issue affecting {{components}} has been resolved.\n\n{{summary}}\n\nThank you for your patience.'),
  // The same words in the other languages Herald ships; the facts are the same variables.
  t('generic-investigating-de', '*', 'investigating', [], 'Wir untersuchen: {{title}}',
    'Wir untersuchen ein Problem, das {{components}} betrifft.\n\n{{summary}}\n\nDas nächste Update folgt bis {{nextUpdate}}.', 'de'),
  t('generic-resolved-de', '*', 'resolved', [], 'Behoben: {{title}}',
    'Das Problem, das {{components}} betraf, ist behoben.\n\n{{summary}}\n\nVielen Dank für Ihre Geduld.', 'de'),
  t('outage-investigating-major-de', 'outage', 'investigating', major, 'Störung: {{title}}',
    'Einige unserer Dienste sind nicht verfügbar: {{components}}.\n\n{{summary}}\n\nUnsere Techniker arbeiten daran. Das nächste Update folgt bis {{nextUpdate}}.', 'de'),
  t('outage-investigating-minor-de', 'outage', 'investigating', minor, 'Teilweise Störung: {{title}}',
    'Bei einigen Kunden können Fehler in {{components}} auftreten.\n\n{{summary}}\n\nDas nächste Update folgt bis {{nextUpdate}}.', 'de'),
  t('outage-investigating-major-fr', 'outage', 'investigating', major, 'Interruption de service : {{title}}',
    'Certains de nos services sont indisponibles : {{components}}.\n\n{{summary}}\n\nNos ingénieurs y travaillent. La prochaine mise à jour sera publiée avant {{nextUpdate}}.', 'fr'),
  t('outage-investigating-minor-fr', 'outage', 'investigating', minor, 'Interruption partielle : {{title}}',
    'Certains clients peuvent rencontrer des erreurs dans {{components}}.\n\n{{summary}}\n\nLa prochaine mise à jour sera publiée avant {{nextUpdate}}.', 'fr'),
  t('generic-investigating-fr', '*', 'investigating', [], 'Enquête en cours : {{title}}',
    'Nous enquêtons sur un problème qui affecte {{components}}.\n\n{{summary}}\n\nLa prochaine mise à jour sera publiée avant {{nextUpdate}}.', 'fr'),
  t('generic-resolved-fr', '*', 'resolved', [], 'Résolu : {{title}}',
    'Le problème qui affectait {{components}} est résolu.\n\n{{summary}}\n\nMerci de votre patience.', 'fr'),
  t('outage-investigating-major', 'outage', 'investigating', major, 'Service disruption: {{title}}',
    'Some of our services are unavailable: {{components}}.\n\n{{summary}}\n\nOur engineers are working on it now. We will post the next update by {{nextUpdate}}.'),
  t('outage-investigating-minor', 'outage', 'investigating', minor, 'Partial disruption: {{title}}',
    'Some customers may see errors in {{components}}.\n\n{{summary}}\n\nWe will post the next update by {{nextUpdate}}.'),
  t('performance-investigating', 'performance-degradation', 'investigating', [], 'Slower than usual: {{title}}',
    '{{components}} may respond more slowly than usual.\n\n{{summary}}\n\nYour data is safe. We will post the next update by {{nextUpdate}}.'),
  t('maintenance-investigating', 'maintenance-gone-wrong', 'investigating', [], 'Maintenance issue: {{title}}',
    'Planned maintenance on {{components}} did not go as expected.\n\n{{summary}}\n\nWe will post the next update by {{nextUpdate}}.'),
  t('third-party-investigating', 'third-party', 'investigating', [], 'Issue with a provider we use: {{title}}',
    'A provider we rely on is having problems, which affects {{components}}.\n\n{{summary}}\n\nWe will post the next update by {{nextUpdate}}.'),
  t('security-investigating', 'security', 'investigating', [], 'Security notice: {{title}}',
    'We are looking into a security matter that affects {{components}}.\n\n{{summary}}\n\nWe will share what we know as soon as it is confirmed. Next update by {{nextUpdate}}.'),
  t('data-breach-investigating', 'data-breach', 'investigating', [], 'Important notice about your data: {{title}}',
    'We are investigating a possible exposure of data related to {{components}}.\n\n{{summary}}\n\nWe will contact you directly if your data is involved. Next update by {{nextUpdate}}.'),
];
