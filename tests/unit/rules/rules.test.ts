import type { Playbook } from '../../../domain/playbooks';
import {
  approvalRequirements,
  approvalTimeout,
  cadenceIntervalMinutes,
  deadlinesFor,
  evaluateEscalations,
  nextEscalationMinute,
  nextUpdateDueMinutes,
  reminderOffsetMinutes,
  requiredApprovals,
  selectChannels,
  technicalReviewers,
} from '../../../domain/rules';
import { readPlaybookFiles } from '../../../store/playbooks';

const shipped = readPlaybookFiles();
const playbook = (id: string): Playbook => shipped.find((p) => p.id === id)!;
const outage = playbook('outage-single');
const mail = (x: string) => `${x}@herald.internal`;

describe('escalation criteria', () => {
  const quiet = { severity: 'SEV2' as const, category: 'outage' as const, tags: [], minutesOpen: 30, customersAffected: 5 };

  it('[M1.2] fires nothing for a short, small SEV2 outage', () => {
    expect(evaluateEscalations(outage, quiet)).toEqual({ notify: [], requiredApprovers: [], firedRules: [] });
  });

  it('[M1.2] pulls executives in once a SEV2 has been open for two hours, not a minute before', () => {
    expect(evaluateEscalations(outage, { ...quiet, minutesOpen: 119 }).firedRules).toEqual([]);
    expect(evaluateEscalations(outage, { ...quiet, minutesOpen: 120 })).toEqual({
      notify: ['account-management', 'executives'],
      requiredApprovers: [],
      firedRules: ['long-running'],
    });
  });

  it('[M1.2] makes executives, PR and legal required approvers for a SEV1 with data exposure and 50 customers', () => {
    expect(
      evaluateEscalations(outage, { severity: 'SEV1', category: 'outage', tags: ['data-exposure'], minutesOpen: 0, customersAffected: 50 }),
    ).toEqual({
      notify: ['executives', 'legal'],
      requiredApprovers: ['legal', 'pr', 'executive'],
      firedRules: ['sev1-executives', 'many-customers', 'data-exposure'],
    });
    expect(evaluateEscalations(outage, { ...quiet, customersAffected: 49 }).firedRules).toEqual([]);
  });

  it('[M1.2] says when the next duration rule will fire, so one timer suffices', () => {
    expect(nextEscalationMinute(outage, quiet)).toBe(120);
    expect(nextEscalationMinute(outage, { ...quiet, minutesOpen: 120 })).toBeUndefined();
    expect(nextEscalationMinute(outage, { ...quiet, severity: 'SEV3' })).toBeUndefined();
    expect(nextEscalationMinute(playbook('data-breach-single'), { ...quiet, category: 'data-breach' })).toBe(1440);
  });
});

describe('approval matrix', () => {
  it('[M5.2] asks PR and an executive for a SEV1 outage, nobody for a SEV3', () => {
    expect(requiredApprovals(outage, { severity: 'SEV1', category: 'outage', tags: [] })).toEqual(['pr', 'executive']);
    expect(requiredApprovals(outage, { severity: 'SEV2', category: 'outage', tags: [] })).toEqual(['pr']);
    expect(requiredApprovals(outage, { severity: 'SEV3', category: 'outage', tags: [] })).toEqual([]);
  });

  it('[M5.2, M1.6] adds legal and the DPO when a tag calls for them, with the reasons', () => {
    expect(requiredApprovals(outage, { severity: 'SEV3', category: 'outage', tags: ['data-exposure'] })).toEqual(['legal', 'dpo']);
    expect(approvalRequirements(outage, { severity: 'SEV1', category: 'outage', tags: ['regulated-customer', 'data-exposure'] })).toEqual([
      { approver: 'legal', reasons: ['tagged regulated-customer', 'tagged data-exposure'] },
      { approver: 'pr', reasons: ['A major outage is public news for our customers'] },
      { approver: 'executive', reasons: ['A SEV1 speaks for the company'] },
      { approver: 'dpo', reasons: ['tagged data-exposure'] },
    ]);
  });

  it('[M5.2, M7.1] always asks legal and the DPO for a data breach, and everyone for a major one', () => {
    const breach = playbook('data-breach-single');
    expect(requiredApprovals(breach, { severity: 'SEV4', category: 'data-breach', tags: [] })).toEqual(['legal', 'dpo']);
    expect(requiredApprovals(breach, { severity: 'SEV1', category: 'data-breach', tags: [] })).toEqual(['legal', 'pr', 'executive', 'dpo']);
  });

  it("[M5.2] gives each approver a timeout by severity and a backup", () => {
    expect(approvalTimeout(outage, 'SEV1', 'legal')).toEqual({ approver: 'legal', minutes: 10, onCall: mail('legal-oncall'), backup: mail('general-counsel') });
    expect(approvalTimeout(outage, 'SEV3', 'pr')).toEqual({ approver: 'pr', minutes: 45, onCall: mail('pr-oncall'), backup: mail('head-of-communications') });
  });
});

describe('channel selection', () => {
  const healthy = { channelHealth: {}, affectedComponents: ['payments'], channelDependencies: { email: ['email-delivery'] } };

  it('[M1.1] gives each audience its primary channel and leaves out audiences reserved for other severities', () => {
    expect(selectChannels(outage, { ...healthy, severity: 'SEV3' })).toEqual([
      { audience: 'customers', channel: 'email', fellBack: false },
      { audience: 'internal-support', channel: 'slack', fellBack: false },
      { audience: 'account-management', channel: 'internal-email', fellBack: false },
      { audience: 'engineering', channel: 'slack', fellBack: false },
    ]);
    expect(selectChannels(outage, { ...healthy, severity: 'SEV1' }).map((c) => c.audience)).toEqual([
      'customers', 'internal-support', 'account-management', 'engineering', 'executives', 'legal',
    ]);
  });

  it('[M1.1] falls back to the secondary channel when the primary is affected by the incident or fails its probe', () => {
    const choices = selectChannels(outage, {
      severity: 'SEV2',
      channelHealth: { slack: false, 'internal-email': true },
      affectedComponents: ['email-delivery'],
      channelDependencies: { 'status-page': ['dashboard'], email: ['email-delivery'] },
    });
    expect(choices).toEqual([
      { audience: 'customers', channel: 'status-page', fellBack: true, reason: 'email depends on "email-delivery", which this incident affects' },
      { audience: 'internal-support', channel: 'internal-email', fellBack: true, reason: 'slack failed its health probe' },
      { audience: 'account-management', channel: 'internal-email', fellBack: false },
      { audience: 'engineering', channel: 'internal-email', fellBack: true, reason: 'slack failed its health probe' },
      { audience: 'executives', channel: 'internal-email', fellBack: false },
    ]);
  });

  it('[M1.1] reports an audience no channel can reach', () => {
    const [customers] = selectChannels(outage, {
      channelHealth: { email: false },
      affectedComponents: ['dashboard'],
      channelDependencies: { 'status-page': ['dashboard'] },
    });
    expect(customers).toEqual({
      audience: 'customers', channel: null, fellBack: true,
      reason: 'email failed its health probe; status-page depends on "dashboard", which this incident affects',
    });
  });
});

describe('update cadence', () => {
  it('[M1.5] makes a SEV1 update due every 20 minutes during the first two hours, then every 60', () => {
    expect(nextUpdateDueMinutes(outage, 'SEV1', 0)).toBe(20);
    expect(nextUpdateDueMinutes(outage, 'SEV1', 110)).toBe(130);
    expect(nextUpdateDueMinutes(outage, 'SEV1', 119)).toBe(139);
    expect(nextUpdateDueMinutes(outage, 'SEV1', 120)).toBe(180);
    expect(nextUpdateDueMinutes(outage, 'SEV1', 600)).toBe(660);
    expect(nextUpdateDueMinutes(outage, 'SEV2', 239)).toBe(269);
    expect(nextUpdateDueMinutes(outage, 'SEV2', 240)).toBe(300);
    expect(nextUpdateDueMinutes(outage, 'SEV4', 10)).toBe(250);
    expect(reminderOffsetMinutes(outage, 'SEV1')).toBe(5);
    expect(reminderOffsetMinutes(outage, 'SEV4')).toBe(30);
  });

  it('[M7.2] runs three cadence phases in a multi-region SEV1', () => {
    const multi = playbook('outage-multi-region');
    expect([0, 119, 120, 359, 360].map((m) => cadenceIntervalMinutes(multi, 'SEV1', m))).toEqual([15, 15, 30, 30, 60]);
    expect([0, 119, 120, 359, 360].map((m) => nextUpdateDueMinutes(multi, 'SEV1', m))).toEqual([15, 134, 150, 389, 420]);
  });
});

describe('role deadlines', () => {
  it('[M1.5] sets the first 15 minutes of a SEV1 outage, each step with its role, on-call person and backup', () => {
    expect(deadlinesFor(outage, 'SEV1')).toEqual([
      { step: 'first-internal-notice', role: 'communication-lead', minutesFromDetection: 5, onCall: mail('comms-lead'), backup: mail('comms-lead-backup'), publishHoldingStatementOnMiss: false },
      { step: 'draft-ready', role: 'drafter', minutesFromDetection: 8, onCall: mail('comms-drafter'), backup: mail('comms-drafter-backup'), publishHoldingStatementOnMiss: false },
      { step: 'review-complete', role: 'reviewer', minutesFromDetection: 11, onCall: mail('incident-commander'), backup: mail('engineering-manager'), publishHoldingStatementOnMiss: false },
      { step: 'approval', role: 'approver', minutesFromDetection: 14, onCall: mail('comms-approver'), backup: mail('head-of-communications'), publishHoldingStatementOnMiss: false },
      { step: 'first-external-message', role: 'communication-lead', minutesFromDetection: 15, onCall: mail('comms-lead'), backup: mail('comms-lead-backup'), publishHoldingStatementOnMiss: true },
    ]);
  });

  it('[M1.5, M7.1] never replaces a late data-breach notice with the holding statement', () => {
    const last = deadlinesFor(playbook('data-breach-single'), 'SEV1').at(-1)!;
    expect(last).toMatchObject({ step: 'first-external-message', minutesFromDetection: 60, publishHoldingStatementOnMiss: false, onCall: mail('security-comms') });
    expect(deadlinesFor(playbook('outage-global'), 'SEV1').map((d) => d.minutesFromDetection)).toEqual([2, 5, 8, 9, 10]);
  });
});

describe('technical reviewers', () => {
  it('[M7.4] assigns the communication owner of each service domain the incident touches', () => {
    expect(
      technicalReviewers(outage, [
        { componentId: 'dashboard', service: 'platform' },
        { componentId: 'payments', service: 'billing' },
        { componentId: 'api', service: 'platform' },
        { componentId: 'search', service: 'discovery' },
      ]),
    ).toEqual([
      { serviceDomain: 'billing', reviewer: mail('billing-comms'), backup: mail('billing-lead'), components: ['payments'], fallback: false },
      { serviceDomain: 'discovery', reviewer: mail('incident-commander'), backup: mail('engineering-manager'), components: ['search'], fallback: true },
      { serviceDomain: 'platform', reviewer: mail('platform-comms'), backup: mail('platform-lead'), components: ['api', 'dashboard'], fallback: false },
    ]);
    expect(technicalReviewers(playbook('security-single'), [{ componentId: 'sso', service: 'identity' }])[0]).toMatchObject({ reviewer: mail('identity-comms'), fallback: false });
  });
});

describe('purity', () => {
  it('[M1.2] keeps playbook and rule modules free of Node built-ins and I/O, so workflows can import them', () => {
    const { readdirSync, readFileSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
    const { builtinModules } = jest.requireActual<typeof import('node:module')>('node:module');
    const { join } = jest.requireActual<typeof import('node:path')>('node:path');
    const root = join(__dirname, '..', '..', '..', 'domain');
    const forbidden = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'mongoose', 'nodemailer', 'express']);
    for (const dir of ['playbooks', 'rules']) {
      for (const file of readdirSync(join(root, dir))) {
        const source = readFileSync(join(root, dir, file), 'utf8');
        const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
        expect({ file, bad: imports.filter((i) => forbidden.has(i) || i === '../audit' || i === '../../../domain/audit') }).toEqual({ file, bad: [] });
      }
    }
  });
});
