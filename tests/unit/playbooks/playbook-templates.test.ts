import { missingPlaybookTemplates, tagTemplateIds, templateLocalesNeeded, type Playbook } from '../../../domain/playbooks';
import { builtinTemplates, selectTemplate } from '../../../domain/messages/templates';
import { demoCustomers } from '../../../store/demo-data';
import { readPlaybookFiles } from '../../../store/playbooks';

const shipped = readPlaybookFiles();
const demoLocales = [...new Set(demoCustomers.map((c) => c.locale!))].sort();

describe('the templates the shipped playbooks name', () => {
  it('[M2.3, M5.3] exist for every tag of every playbook in every locale it needs for the demo customers', () => {
    expect(demoLocales).toEqual(['de', 'en', 'es', 'fr', 'ja', 'nl', 'pt-BR']);
    for (const p of shipped) {
      expect(tagTemplateIds(p).length).toBeGreaterThan(0);
      expect(missingPlaybookTemplates(p, builtinTemplates, demoLocales)).toEqual([]);
    }
  });

  it('[M2.3, M5.3] needs the playbook locale and its fallback, or every audience locale without a fallback', () => {
    const p = shipped.find((x) => x.id === 'data-breach-single')!;
    expect(templateLocalesNeeded(p, demoLocales)).toEqual(['en']);
    const noFallback: Playbook = { ...p, messages: { ...p.messages, fallbackLocale: undefined } };
    expect(templateLocalesNeeded(noFallback, demoLocales)).toEqual(demoLocales);
    const missing = missingPlaybookTemplates(noFallback, builtinTemplates, demoLocales);
    // The data-exposure notice is written in every demo locale; the other tag templates only in English.
    expect(missing.filter((m) => m.templateId === 'data-exposure-notice')).toEqual([]);
    expect(missing).toContainEqual({ playbookId: 'data-breach-single', tag: 'vendor', templateId: 'vendor-involvement-notice', locale: 'ja' });
    const without = builtinTemplates.filter((t) => t.templateId !== 'payment-data-notice');
    expect(missingPlaybookTemplates(p, without, demoLocales)).toEqual([
      { playbookId: 'data-breach-single', tag: 'payment-data', templateId: 'payment-data-notice', locale: 'en' },
    ]);
  });
});

describe('drafting from a tag template', () => {
  const p = shipped.find((x) => x.id === 'data-breach-single')!;
  const reserved = tagTemplateIds(p);
  const pick = (q: { category: 'data-breach' | 'outage'; phase: 'investigating' | 'resolved'; tagTemplates?: string[] }) =>
    selectTemplate(builtinTemplates, { severity: 'SEV1', reserved, ...q })?.templateId;

  it('[M2.3] takes the template a tag names over the category template, and keeps it for tagged incidents only', () => {
    expect(pick({ category: 'data-breach', phase: 'investigating', tagTemplates: ['data-exposure-notice'] })).toBe('data-exposure-notice');
    expect(pick({ category: 'data-breach', phase: 'investigating' })).toBe('data-breach-investigating');
    expect(pick({ category: 'outage', phase: 'investigating' })).toBe('outage-investigating-major');
    // The tag names no resolved template, so the closing message comes from the usual one.
    expect(pick({ category: 'data-breach', phase: 'resolved', tagTemplates: ['data-exposure-notice'] })).toBe('generic-resolved');
    // Two tags: the first named template written for the phase wins, in the playbook's order.
    expect(pick({ category: 'outage', phase: 'investigating', tagTemplates: ['vendor-involvement-notice', 'data-exposure-notice'] })).toBe('vendor-involvement-notice');
  });
});
