import { PlaybookSchema } from '../../../domain/playbooks';
import { readPlaybookFiles } from '../../../store/playbooks';
import { surveyContent, surveyEmail, surveyResults, type SurveyInvitationRow, type SurveyResponseRow } from '../../../domain/surveys';
import { parseDuration, surveyRequestFor, surveyWorkflowId } from '../../../domain/surveys/policy';
import { SurveyPolicySchema } from '../../../domain/surveys/schema';
import { surveyStringsFor } from '../../../domain/surveys/strings';
import { readSurveyToken, surveyInvitationId, surveyToken, surveyUrl } from '../../../domain/surveys/token';
import { unsubscribeToken } from '../../../domain/tracking/unsubscribe';

const hour = 3_600_000;
const incident = { id: 'INC-42', severity: 'SEV2' as const, category: 'outage' as const };
const config = { fromAddress: 'Herald <status@herald.test>', publicUrl: 'https://status.example', messageIdDomain: 'herald.test' };

describe('when a survey goes out', () => {
  it('[M6.3] durations are whole minutes, hours or days; anything else is not one', () => {
    expect(parseDuration('30m')).toBe(30 * 60_000);
    expect(parseDuration('24h')).toBe(24 * hour);
    expect(parseDuration('3d')).toBe(72 * hour);
    for (const bad of ['', '0h', '1.5h', '24', 'h', '24 h', '-1d', '2w']) expect(parseDuration(bad)).toBeUndefined();
  });

  it('[M6.3] a closing incident is surveyed when its playbook has a survey, never when it is a drill', () => {
    const policy = { after: '24h', reminderAfter: '72h', tiers: ['enterprise'] };
    expect(surveyRequestFor(incident, policy)).toEqual({ incidentId: 'INC-42', severity: 'SEV2', category: 'outage', tiers: ['enterprise'], afterMs: 24 * hour, reminderAfterMs: 72 * hour });
    expect(surveyRequestFor(incident, undefined)).toBeUndefined();
    expect(surveyRequestFor({ ...incident, drill: true }, policy)).toBeUndefined();
    expect(surveyWorkflowId('INC-42')).toBe('survey-INC-42');
  });

  it('[M6.3] the playbook schema takes `survey` with its defaults and names what is wrong', () => {
    expect(SurveyPolicySchema.parse({})).toEqual({ after: '24h', reminderAfter: '72h', tiers: ['enterprise'] });
    const bad = SurveyPolicySchema.safeParse({ after: '1.5h', reminderAfter: '40d', tiers: [] });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['after', 'reminderAfter', 'tiers']);
    // The shipped outage playbooks survey their key accounts; a playbook without `survey` sends none.
    const shipped = readPlaybookFiles();
    expect(shipped.find((p) => p.id === 'outage-single')!.survey).toEqual({ after: '24h', reminderAfter: '72h', tiers: ['enterprise'] });
    const { survey: _survey, ...without } = shipped.find((p) => p.id === 'outage-single')!;
    expect(PlaybookSchema.parse(without).survey).toBeUndefined();
  });
});

describe('the survey link', () => {
  const secret = 'test-secret';
  const invite = { incidentId: 'INC-42', address: 'Ops@Acme.example', expiresAt: 1_000_000 };

  it('[M6.3] names the incident and the contact until it expires; forged, altered or foreign tokens open nothing', () => {
    const token = surveyToken(invite, secret);
    expect(readSurveyToken(token, secret, 999_999)).toEqual({ ok: true, invite: { ...invite, address: 'ops@acme.example' } });
    expect(readSurveyToken(token, secret, 1_000_001)).toEqual({ ok: false, reason: 'expired' });
    expect(readSurveyToken(token, 'another-secret', 0)).toEqual({ ok: false, reason: 'forged' });
    const [payload, mac] = token.split('.');
    expect(readSurveyToken(`${payload}x.${mac}`, secret, 0)).toEqual({ ok: false, reason: 'forged' });
    expect(readSurveyToken('not-a-token', secret, 0)).toEqual({ ok: false, reason: 'forged' });
    // Keyed per purpose: an unsubscribe token of the same key is no survey token.
    expect(readSurveyToken(unsubscribeToken({ address: 'ops@acme.example', incidentId: 'INC-42', version: 1 }, secret), secret, 0)).toEqual({ ok: false, reason: 'forged' });
    expect(surveyUrl('https://status.example/', invite, secret)).toBe(`https://status.example/survey/${token}`);
    expect(surveyInvitationId('INC-42', 'Ops@Acme.example')).toBe('INC-42|ops@acme.example');
  });
});

describe('the survey email', () => {
  it('[M6.3] is in the contact\'s language (its locale\'s, else English), with the form and unsubscribe links after the words', () => {
    expect(surveyContent('invitation', 'de')).toMatchObject({ language: 'de', subject: 'Wie gut haben wir Sie informiert?' });
    expect(surveyContent('invitation', 'pt-BR').language).toBe('pt');
    expect(surveyContent('invitation', 'ko').language).toBe('en');
    expect(surveyStringsFor('ja-JP').language).toBe('ja');
    const reminder = surveyContent('reminder', 'fr');
    expect(reminder.subject).toBe('Rappel : vous avons-nous bien informé ?');
    expect(reminder.text).toContain('seul rappel');

    const d = surveyEmail(surveyContent('invitation', 'en'), {
      ...incident, incidentId: 'INC-42', to: 'ops@acme.example', formUrl: 'https://status.example/survey/t.k', unsubscribeUrl: 'https://status.example/v1/unsubscribe/u.k',
    }, config);
    expect(d.key).toBe('INC-42|v0|survey|ops@acme.example');
    expect(d.email.subject).toBe('How did we keep you informed? (INC-42)');
    expect(d.email.messageId).toBe('<INC-42.survey.v0.ops_acme.example@herald.test>');
    expect(d.email.headers).toMatchObject({ 'Content-Language': 'en', 'X-Herald-Survey': 'invitation', 'X-Herald-Incident-Id': 'INC-42', 'List-Unsubscribe': '<https://status.example/v1/unsubscribe/u.k>' });
    expect(d.email.text).toContain('Answer here (one minute; the link works once): https://status.example/survey/t.k');
    expect(d.email.html).toContain('<a href="https://status.example/survey/t.k">');
    const r = surveyEmail(reminder, { ...incident, incidentId: 'INC-42', to: 'ops@acme.example', formUrl: 'x', unsubscribeUrl: 'y' }, config);
    expect(r.key).toBe('INC-42|v0|survey-reminder|ops@acme.example');
  });
});

describe('survey results', () => {
  const inv = (customerId: string, templateVersion: number | undefined, reminded = false, incidentId = 'INC-1'): SurveyInvitationRow => ({
    incidentId, customerId, tier: 'enterprise', ...(templateVersion ? { templateId: 'outage-resolved', templateVersion } : {}), reminded,
  });
  const ans = (row: SurveyInvitationRow, clarity: number, frequency: number, usefulness: number, comment?: string): SurveyResponseRow => {
    const { reminded: _reminded, ...rest } = row;
    return { ...rest, scores: { clarity, frequency, usefulness }, ...(comment ? { comment } : {}), answeredAt: `2026-01-0${clarity}T00:00:00.000Z` };
  };

  it('[M6.3] per incident, per account and per template version: contacts asked, reminded, answers, response rate and mean per question', () => {
    // acme: two contacts (one answered), stark: one (answered), kaiju: one (reminded, silent), one incident more with one answer.
    const acme1 = inv('acme', 1);
    const acme2 = inv('acme', 1, true);
    const stark = inv('stark', 2);
    const kaiju = inv('kaiju', undefined, true);
    const other = inv('acme', 2, false, 'INC-2');
    const results = surveyResults([acme1, acme2, stark, kaiju, other], [ans(acme1, 4, 3, 5, 'Clear enough.'), ans(stark, 2, 2, 3), ans(other, 5, 4, 4)]);
    expect(results).toMatchObject({ invited: 5, reminded: 2, responses: 3, responseRate: 0.6, means: { clarity: 3.67, frequency: 3, usefulness: 4 } });
    expect(results.byAccount).toEqual([
      { customerId: 'acme', tier: 'enterprise', invited: 3, reminded: 1, responses: 2, responseRate: 0.667, means: { clarity: 4.5, frequency: 3.5, usefulness: 4.5 } },
      { customerId: 'kaiju', tier: 'enterprise', invited: 1, reminded: 1, responses: 0, responseRate: 0, means: { clarity: null, frequency: null, usefulness: null } },
      { customerId: 'stark', tier: 'enterprise', invited: 1, reminded: 0, responses: 1, responseRate: 1, means: { clarity: 2, frequency: 2, usefulness: 3 } },
    ]);
    expect(results.byTemplateVersion.map((t) => [t.templateId, t.templateVersion, t.invited, t.responses, t.means.clarity])).toEqual([
      [null, null, 1, 0, null], ['outage-resolved', 1, 2, 1, 4], ['outage-resolved', 2, 2, 2, 3.5],
    ]);
    expect(results.byIncident.map((i) => [i.incidentId, i.invited, i.responses, i.responseRate])).toEqual([['INC-1', 4, 2, 0.5], ['INC-2', 1, 1, 1]]);
    expect(results.comments).toEqual([{ incidentId: 'INC-1', customerId: 'acme', templateId: 'outage-resolved', templateVersion: 1, text: 'Clear enough.', answeredAt: '2026-01-04T00:00:00.000Z' }]);
  });

  it('[M6.3] nobody asked: no rate and no means rather than zeros that look like answers', () => {
    expect(surveyResults([], [])).toEqual({
      invited: 0, reminded: 0, responses: 0, responseRate: null, means: { clarity: null, frequency: null, usefulness: null }, byAccount: [], byTemplateVersion: [], byIncident: [], comments: [],
    });
  });
});
