import { alertRules } from '../../../config/alerts';
import { AlertRulesSchema, componentsByService, mapAlert, matcherMatches, parseMatcher, type ReceivedAlert } from '../../../domain/alerts';
import { demoComponents } from '../../../store/demo-data';

const alert = (labels: Record<string, string>): ReceivedAlert => ({
  source: 'alertmanager', fingerprint: 'f1', status: 'firing', alertName: labels.alertname ?? 'alert', title: 'An alert', summary: 'An alert', labels,
});
const holds = (matcher: string, labels: Record<string, string>) => matcherMatches(parseMatcher(matcher), labels);

describe('label matchers as Alertmanager writes them', () => {
  it('[M1.3] supports =, !=, =~ and !~, quoted or bare values, and treats a missing label as ""', () => {
    expect(holds('severity="critical"', { severity: 'critical' })).toBe(true);
    expect(holds('severity=critical', { severity: 'critical' })).toBe(true);
    expect(holds('severity = "critical"', { severity: 'warning' })).toBe(false);
    expect(holds('env!="staging"', { env: 'prod' })).toBe(true);
    expect(holds('env!="staging"', {})).toBe(true);
    expect(holds('env!="staging"', { env: 'staging' })).toBe(false);
    expect(holds('env=""', {})).toBe(true);
    expect(holds('severity!~"info|warning"', { severity: 'critical' })).toBe(true);
    expect(holds('severity!~"info|warning"', { severity: 'info' })).toBe(false);
    expect(holds('summary="say \\"hi\\""', { summary: 'say "hi"' })).toBe(true);
  });

  it('[M1.3] anchors regexes at both ends, as Alertmanager does', () => {
    expect(holds('severity=~"critical|page"', { severity: 'page' })).toBe(true);
    expect(holds('severity=~"critical|page"', { severity: 'paging' })).toBe(false);
    expect(holds('severity=~"critical|page"', { severity: 'noncritical' })).toBe(false);
    expect(holds('instance=~"db-[0-9]+"', { instance: 'db-12' })).toBe(true);
    expect(holds('instance=~"db-[0-9]+"', { instance: 'db-12.internal' })).toBe(false);
    expect(holds('team=~".*"', {})).toBe(true);
  });

  it('[M1.3] refuses a malformed matcher or regex in the rules file with the path of the rule', () => {
    expect(() => parseMatcher('severity')).toThrow('is not a matcher');
    expect(() => parseMatcher('severity="critical')).toThrow('the quoted value is not closed');
    expect(() => parseMatcher('severity=~"(critical"')).toThrow('not a valid regular expression');
    const r = AlertRulesSchema.safeParse({
      rules: [{ name: 'bad', matchers: ['severity=~"(x"'], category: 'outage' }],
      defaults: { category: 'outage', severity: 'SEV3' },
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toEqual(['rules.0.matchers.0']);
  });
});

describe('mapping alerts through rules and the service model', () => {
  const rules = alertRules();
  const services = componentsByService(demoComponents);

  it('[M1.3] groups the demo components by their service', () => {
    expect(services).toEqual({
      infrastructure: ['us-region', 'eu-region', 'database'],
      identity: ['auth'],
      platform: ['api', 'dashboard'],
      billing: ['payments'],
      messaging: ['email-delivery', 'webhook-delivery'],
    });
  });

  it("[M1.3] maps a service label to that service's components, and a component label still wins", () => {
    expect(mapAlert(rules, alert({ alertname: 'QueueBacklog', service: 'messaging', severity: 'critical' }), services)).toEqual({
      category: 'outage', severity: 'SEV2', components: ['email-delivery', 'webhook-delivery'], rule: 'default',
    });
    expect(mapAlert(rules, alert({ alertname: 'QueueBacklog', service: 'messaging, billing' }), services).components).toEqual(['email-delivery', 'webhook-delivery', 'payments']);
    expect(mapAlert(rules, alert({ alertname: 'QueueBacklog', service: 'messaging', component: 'email-delivery' }), services).components).toEqual(['email-delivery']);
    expect(mapAlert(rules, alert({ alertname: 'QueueBacklog', service: 'warp-drive' }), services).components).toEqual([]);
  });

  it('[M1.3] lets a rule match by matchers: database-critical takes critical or page outside staging', () => {
    const db = (labels: Record<string, string>) => mapAlert(rules, alert({ alertname: 'PostgresReplicationLag', ...labels }), services);
    expect(db({ severity: 'page', env: 'prod' })).toEqual({ category: 'outage', severity: 'SEV2', components: ['database'], rule: 'database-critical' });
    expect(db({ severity: 'critical' }).rule).toBe('database-critical');
    expect(db({ severity: 'critical', env: 'staging' }).rule).toBe('default');
    expect(db({ severity: 'warning', env: 'prod' }).rule).toBe('default');
    expect(mapAlert(rules, alert({ alertname: 'PostgresReplicationLagX1', severity: 'page' }), services).rule).toBe('default');
  });
});
