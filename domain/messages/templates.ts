import { phases, type Category, type Phase, type Severity } from '../incident';

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
  /** Templates the incident's classification tags name, in the playbook's order: they come first. */
  tagTemplates?: readonly string[];
  /** Templates any tag of the playbook names: written for tagged incidents, so never chosen for others. */
  reserved?: readonly string[];
}

/**
 * The template a message is drafted from. A template that one of the incident's tags names wins
 * (the first, in the playbook's order, written for this phase); otherwise the most specific of the
 * rest: an exact category beats the wildcard, a severity list that names the severity beats one
 * that covers all. Templates reserved for tags are never chosen for an incident without them.
 */
export function selectTemplate(templates: MessageTemplate[], q: TemplateQuery): MessageTemplate | undefined {
  const locale = q.locale ?? 'en';
  const score = (t: MessageTemplate) =>
    (t.category === q.category ? 2 : 0) + (t.severities.length > 0 ? 1 : 0) + (t.locale === locale ? 4 : 0);
  const fits = templates.filter(
    (t) =>
      t.phase === q.phase &&
      (t.category === q.category || t.category === '*') &&
      (t.severities.length === 0 || t.severities.includes(q.severity)) &&
      (t.locale === locale || t.locale === 'en'),
  );
  const best = (list: MessageTemplate[]) => list.sort((a, b) => score(b) - score(a) || a.templateId.localeCompare(b.templateId))[0];
  for (const id of q.tagTemplates ?? []) {
    const named = best(fits.filter((t) => t.templateId === id));
    if (named) return named;
  }
  const reserved = new Set([...(q.reserved ?? []), ...(q.tagTemplates ?? [])]);
  return best(fits.filter((t) => !reserved.has(t.templateId)));
}

const major: Severity[] = ['SEV1', 'SEV2'];
const minor: Severity[] = ['SEV3', 'SEV4'];

type Wording = readonly [subject: string, body: string];

/**
 * One template in each locale it is written in, by locale: `<id>` in English, `<id>-<locale>` in
 * the others (the name drafting and the playbook check look a locale's sibling up by). Every
 * locale says the same, with the same variables.
 */
function written(templateId: string, category: MessageTemplate['category'], phase: Phase, severities: Severity[], wordings: Record<string, Wording>): MessageTemplate[] {
  return Object.entries(wordings).map(([locale, [subject, body]]) => ({
    templateId: locale === 'en' ? templateId : `${templateId}-${locale}`,
    category,
    phase,
    severities,
    locale,
    subject,
    body,
  }));
}

/** The house templates Herald ships with; the store may hold newer versions. */
export const builtinTemplates: MessageTemplate[] = [
  ...written('generic-investigating', '*', 'investigating', [], {
    en: ['Investigating: {{title}}', 'We are investigating an issue affecting {{components}}.\n\n{{summary}}\n\nWe will post the next update by {{nextUpdate}}.'],
    de: ['Wir untersuchen: {{title}}', 'Wir untersuchen ein Problem, das {{components}} betrifft.\n\n{{summary}}\n\nDas nächste Update folgt bis {{nextUpdate}}.'],
    fr: ['Enquête en cours : {{title}}', 'Nous enquêtons sur un problème qui affecte {{components}}.\n\n{{summary}}\n\nLa prochaine mise à jour sera publiée avant {{nextUpdate}}.'],
  }),
  ...written('generic-resolved', '*', 'resolved', [], {
    en: ['Resolved: {{title}}', 'The issue affecting {{components}} has been resolved.\n\n{{summary}}\n\nThank you for your patience.'],
    de: ['Behoben: {{title}}', 'Das Problem, das {{components}} betraf, ist behoben.\n\n{{summary}}\n\nVielen Dank für Ihre Geduld.'],
    fr: ['Résolu : {{title}}', 'Le problème qui affectait {{components}} est résolu.\n\n{{summary}}\n\nMerci de votre patience.'],
  }),
  ...written('outage-investigating-major', 'outage', 'investigating', major, {
    en: ['Service disruption: {{title}}', 'Some of our services are unavailable: {{components}}.\n\n{{summary}}\n\nOur engineers are working on it now. We will post the next update by {{nextUpdate}}.'],
    de: ['Störung: {{title}}', 'Einige unserer Dienste sind nicht verfügbar: {{components}}.\n\n{{summary}}\n\nUnsere Techniker arbeiten daran. Das nächste Update folgt bis {{nextUpdate}}.'],
    fr: ['Interruption de service : {{title}}', 'Certains de nos services sont indisponibles : {{components}}.\n\n{{summary}}\n\nNos ingénieurs y travaillent. La prochaine mise à jour sera publiée avant {{nextUpdate}}.'],
  }),
  ...written('outage-investigating-minor', 'outage', 'investigating', minor, {
    en: ['Partial disruption: {{title}}', 'Some customers may see errors in {{components}}.\n\n{{summary}}\n\nWe will post the next update by {{nextUpdate}}.'],
    de: ['Teilweise Störung: {{title}}', 'Bei einigen Kunden können Fehler in {{components}} auftreten.\n\n{{summary}}\n\nDas nächste Update folgt bis {{nextUpdate}}.'],
    fr: ['Interruption partielle : {{title}}', 'Certains clients peuvent rencontrer des erreurs dans {{components}}.\n\n{{summary}}\n\nLa prochaine mise à jour sera publiée avant {{nextUpdate}}.'],
  }),
  ...written('performance-investigating', 'performance-degradation', 'investigating', [], { en: ['Slower than usual: {{title}}', '{{components}} may respond more slowly than usual.\n\n{{summary}}\n\nYour data is safe. We will post the next update by {{nextUpdate}}.'] }),
  ...written('maintenance-investigating', 'maintenance-gone-wrong', 'investigating', [], { en: ['Maintenance issue: {{title}}', 'Planned maintenance on {{components}} did not go as expected.\n\n{{summary}}\n\nWe will post the next update by {{nextUpdate}}.'] }),
  ...written('third-party-investigating', 'third-party', 'investigating', [], { en: ['Issue with a provider we use: {{title}}', 'A provider we rely on is having problems, which affects {{components}}.\n\n{{summary}}\n\nWe will post the next update by {{nextUpdate}}.'] }),
  ...written('security-investigating', 'security', 'investigating', [], { en: ['Security notice: {{title}}', 'We are looking into a security matter that affects {{components}}.\n\n{{summary}}\n\nWe will share what we know as soon as it is confirmed. Next update by {{nextUpdate}}.'] }),
  ...written('data-breach-investigating', 'data-breach', 'investigating', [], { en: ['Important notice about your data: {{title}}', 'We are investigating a possible exposure of data related to {{components}}.\n\n{{summary}}\n\nWe will contact you directly if your data is involved. Next update by {{nextUpdate}}.'] }),
  // The templates the playbooks' classification tags name (playbooks/*.json, classificationTags):
  // a tagged incident is drafted from these. data-exposure-notice is in every locale the demo
  // customers read, since the law may require that notice in the reader's language.
  ...written('regulated-customer-notice', '*', 'investigating', [], { en: ['Notice for regulated customers: {{title}}', 'An incident affects {{components}}, which you may use for regulated work.\n\n{{summary}}\n\nThis message is part of our contractual and regulatory notice to you. We will tell you what we find and what it means for your own obligations. Next update by {{nextUpdate}}.'] }),
  ...written('vendor-involvement-notice', '*', 'investigating', [], { en: ['Issue involving one of our suppliers: {{title}}', 'A supplier we work with is involved in an incident that affects {{components}}.\n\n{{summary}}\n\nWe are working with them on it and will tell you what it means for you. Next update by {{nextUpdate}}.'] }),
  ...written('payment-data-notice', '*', 'investigating', [], { en: ['Important notice about payment data: {{title}}', 'We are investigating an incident that may involve payment data related to {{components}}.\n\n{{summary}}\n\nWe are working with our payment partners. We will tell you directly if your payment data is involved and what to do. Next update by {{nextUpdate}}.'] }),
  ...written('credential-rotation-notice', '*', 'investigating', [], { en: ['Your credentials may need to be changed: {{title}}', 'Some credentials used with {{components}} may have been exposed.\n\n{{summary}}\n\nWe will tell you which credentials to change, and how, as soon as we know. Next update by {{nextUpdate}}.'] }),
  ...written('data-exposure-notice', '*', 'investigating', [], {
    en: ['Important notice about your data: {{title}}', 'Data related to {{components}} may have been seen by someone who should not have seen it.\n\n{{summary}}\n\nWe are working to contain this and to find out exactly which data and accounts are involved. We will tell you directly if your data is involved and what you can do. Next update by {{nextUpdate}}.'],
    de: ['Wichtiger Hinweis zu Ihren Daten: {{title}}', 'Daten im Zusammenhang mit {{components}} wurden möglicherweise von Unbefugten eingesehen.\n\n{{summary}}\n\nWir arbeiten daran, dies einzudämmen und genau festzustellen, welche Daten und Konten betroffen sind. Wir informieren Sie direkt, wenn Ihre Daten betroffen sind, und sagen Ihnen, was Sie tun können. Das nächste Update folgt bis {{nextUpdate}}.'],
    fr: ['Information importante sur vos données : {{title}}', 'Des données liées à {{components}} ont pu être consultées par une personne non autorisée.\n\n{{summary}}\n\nNous travaillons à contenir l’incident et à déterminer précisément quelles données et quels comptes sont concernés. Nous vous contacterons directement si vos données sont concernées et vous dirons ce que vous pouvez faire. La prochaine mise à jour sera publiée avant {{nextUpdate}}.'],
    es: ['Aviso importante sobre sus datos: {{title}}', 'Es posible que una persona no autorizada haya visto datos relacionados con {{components}}.\n\n{{summary}}\n\nEstamos trabajando para contenerlo y para saber exactamente qué datos y qué cuentas están afectados. Le informaremos directamente si sus datos están afectados y qué puede hacer. Próxima actualización antes de {{nextUpdate}}.'],
    'pt-BR': ['Aviso importante sobre seus dados: {{title}}', 'Dados relacionados a {{components}} podem ter sido vistos por alguém sem autorização.\n\n{{summary}}\n\nEstamos trabalhando para conter o problema e descobrir exatamente quais dados e contas foram afetados. Avisaremos você diretamente se seus dados estiverem envolvidos e o que você pode fazer. Próxima atualização até {{nextUpdate}}.'],
    nl: ['Belangrijke melding over uw gegevens: {{title}}', 'Gegevens die met {{components}} te maken hebben, zijn mogelijk ingezien door iemand die daar geen toegang toe had.\n\n{{summary}}\n\nWe werken eraan dit in te dammen en precies vast te stellen welke gegevens en accounts betrokken zijn. We laten u direct weten of uw gegevens betrokken zijn en wat u kunt doen. Volgende update uiterlijk {{nextUpdate}}.'],
    ja: ['【重要】お客様のデータに関するお知らせ: {{title}}', '{{components}} に関連するデータが、権限のない第三者に閲覧された可能性があります。\n\n{{summary}}\n\n現在、影響の封じ込めと、対象となるデータおよびアカウントの特定を進めています。お客様のデータが対象となる場合は、取るべき対応とあわせて直接ご連絡いたします。次回の更新は {{nextUpdate}} までに行います。'],
  }),
];
