import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { categories } from '../../../domain/incident';
import { applyTags, missingRequiredFields, PlaybookSchema, scopeTiers, selectPlaybook, type Playbook } from '../../../domain/playbooks';
import { playbooksDir, readPlaybookFiles } from '../../../store/playbooks';

const shipped = readPlaybookFiles();
const byId = (id: string) => shipped.find((p) => p.id === id)!;
const raw = (id: string) => JSON.parse(readFileSync(join(playbooksDir, `${id}.json`), 'utf8'));
const issuesOf = (input: unknown) => {
  const r = PlaybookSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('shipped playbooks', () => {
  it('[M7.1, M7.2] cover every category, each at two or more scope tiers, and all validate', () => {
    expect(shipped).toHaveLength(13);
    for (const category of categories) {
      const tiers = shipped.filter((p) => p.category === category).map((p) => p.scope);
      expect(new Set(tiers).size).toBeGreaterThanOrEqual(2);
      tiers.forEach((t) => expect(scopeTiers).toContain(t));
    }
    expect(shipped.filter((p) => p.category === 'outage').map((p) => p.scope).sort()).toEqual(['global', 'multi-region', 'single']);
  });

  it('[M7.1] give each category its own strategy: breach notices never auto-publish, outages do', () => {
    expect(byId('data-breach-single').holdingStatement.autoPublish).toBe(false);
    expect(byId('data-breach-global').holdingStatement.autoPublish).toBe(false);
    expect(byId('security-single').holdingStatement.autoPublish).toBe(false);
    expect(byId('outage-single').holdingStatement.autoPublish).toBe(true);
    expect(byId('data-breach-single').audiences[0]).toEqual({ audience: 'customers', primaryChannel: 'email', secondaryChannel: 'in-app' });
    expect(byId('outage-global').audiences.find((a) => a.audience === 'executives')).toMatchObject({ primaryChannel: 'sms' });
    expect(byId('outage-single').audiences[0]).toEqual({ audience: 'customers', primaryChannel: 'email', secondaryChannel: 'status-page' });
  });
});

describe('playbook validation', () => {
  it('[M1.6] refuses an invalid playbook with the exact path of each problem', () => {
    const p = raw('outage-single');
    p.audiences[0].primaryChannel = 'carrier-pigeon';
    delete p.cadence.SEV3;
    expect(issuesOf(p).map((i) => i.split(':')[0])).toEqual(['audiences.0.primaryChannel', 'cadence.SEV3']);
  });

  it('[M1.6] checks the rules between fields: channels, notified audiences, cadence order, deadlines', () => {
    const p = raw('outage-single');
    p.audiences[1].secondaryChannel = p.audiences[1].primaryChannel;
    p.escalationRules[0].notify = ['executives', 'pr'];
    p.cadence.SEV1.intervals = [{ everyMinutes: 20 }, { untilMinute: 60, everyMinutes: 30 }];
    p.cadence.SEV2.reminderMinutesBefore = 30;
    p.deadlines = p.deadlines.filter((d: { step: string }) => d.step !== 'first-external-message');
    p.communicationOwners.push({ ...p.communicationOwners[0] });
    expect(issuesOf(p)).toEqual([
      'audiences.1.secondaryChannel: the secondary channel must differ from the primary one',
      'escalationRules.0.notify.1: "pr" is not an audience of this playbook, so it has no channel',
      'deadlines: a deadline for "first-external-message" is required',
      'cadence.SEV1.intervals.0.untilMinute: only the last interval may be open-ended',
      'cadence.SEV1.intervals.1.untilMinute: the last interval must be open-ended (no untilMinute)',
      'cadence.SEV2.reminderMinutesBefore: the reminder must come before the update is due (shortest interval 30 minutes)',
      'communicationOwners.4.serviceDomain: service domain "billing" has two owners',
    ]);
  });
});

describe('selectPlaybook', () => {
  it('[M7.2] picks the exact scope tier, else the nearest smaller tier, else the nearest larger one', () => {
    expect(selectPlaybook(shipped, { category: 'outage', severity: 'SEV1', scope: 'global' })?.id).toBe('outage-global');
    expect(selectPlaybook(shipped, { category: 'outage', severity: 'SEV3', scope: 'multi-region' })?.id).toBe('outage-multi-region');
    expect(selectPlaybook(shipped, { category: 'performance-degradation', severity: 'SEV2', scope: 'global' })?.id).toBe('performance-degradation-multi-region');
    expect(selectPlaybook(shipped, { category: 'data-breach', severity: 'SEV2', scope: 'multi-region' })?.id).toBe('data-breach-single');
    expect(selectPlaybook(shipped, { category: 'third-party', severity: 'SEV4', scope: 'multi-region' })?.id).toBe('third-party-single');
  });

  it('[M7.2] honours the severities a playbook is written for, prefers the narrower one, and breaks ties by id', () => {
    const base = byId('outage-single');
    const minorOnly: Playbook = { ...base, id: 'outage-minor', severities: ['SEV3', 'SEV4'] };
    const twin: Playbook = { ...base, id: 'outage-a-twin' };
    const pool = [base, minorOnly, twin];
    expect(selectPlaybook(pool, { category: 'outage', severity: 'SEV3', scope: 'single' })?.id).toBe('outage-minor');
    expect(selectPlaybook(pool, { category: 'outage', severity: 'SEV1', scope: 'single' })?.id).toBe('outage-a-twin');
    expect(selectPlaybook([minorOnly], { category: 'outage', severity: 'SEV1', scope: 'single' })).toBeUndefined();
    expect(selectPlaybook(pool, { category: 'security', severity: 'SEV1', scope: 'single' })).toBeUndefined();
  });
});

describe('applyTags', () => {
  it('[M1.6] adds the templates, required fields and approvers of each classification tag', () => {
    const req = applyTags(byId('outage-single'), ['vendor', 'data-exposure', 'made-up', 'vendor']);
    expect(req).toEqual({
      appliedTags: ['vendor', 'data-exposure'],
      unknownTags: ['made-up'],
      templates: ['vendor-involvement-notice', 'data-exposure-notice'],
      requiredFields: ['vendorName', 'subprocessorNoticeRequired', 'dataCategories', 'exposureWindow', 'affectedRecordCount'],
      approvers: ['legal', 'dpo'],
    });
    expect(applyTags(byId('security-single'), ['credentials']).templates).toEqual(['credential-rotation-notice']);
    expect(applyTags(byId('outage-single'), [])).toEqual({ appliedTags: [], unknownTags: [], templates: [], requiredFields: [], approvers: [] });
  });

  it('[M1.6] names the required fields a message still leaves empty', () => {
    const req = applyTags(byId('outage-single'), ['data-exposure']);
    expect(missingRequiredFields(req, { dataCategories: ['email addresses'], exposureWindow: '  ', affectedRecordCount: 0 })).toEqual(['exposureWindow']);
    expect(missingRequiredFields(req, {})).toEqual(['dataCategories', 'exposureWindow', 'affectedRecordCount']);
  });
});
