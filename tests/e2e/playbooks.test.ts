import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { playbooksDir } from '../../store/playbooks';
import { keys, harnessForFile } from '../support/harness';

const h = harnessForFile({ worker: false });

const fileOf = (id: string) => JSON.parse(readFileSync(join(playbooksDir, `${id}.json`), 'utf8'));

describe('playbooks through the API', () => {
  it('[M7.1, M7.2] serves the shipped playbooks, loaded from their files as version 1', async () => {
    const list = await h.request('GET', '/v1/playbooks', { key: keys.viewer });
    expect(list.status).toBe(200);
    expect(list.body.playbooks).toHaveLength(13);
    expect(list.body.playbooks.find((p: any) => p.id === 'outage-global')).toEqual({
      id: 'outage-global', name: 'Outage — global disruption', category: 'outage', scope: 'global', version: 1,
      updatedAt: expect.any(String), updatedBy: 'herald',
    });
    const one = await h.request('GET', '/v1/playbooks/data-breach-single', { key: keys.responder });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ version: 1, source: 'file', playbook: fileOf('data-breach-single') });
    expect(one.body.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('[M7.2] chooses the playbook for a category, severity and scope tier', async () => {
    const chosen = await h.request('GET', '/v1/playbook-selection?category=performance-degradation&severity=SEV1&scope=global', { key: keys.viewer });
    expect(chosen.status).toBe(200);
    expect(chosen.body.playbook.id).toBe('performance-degradation-multi-region');
    const bad = await h.request('GET', '/v1/playbook-selection?category=volcano&severity=SEV1&scope=galactic', { key: keys.viewer });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: any) => i.path).sort()).toEqual(['category', 'scope']);
  });

  it('[M1.6] refuses an invalid playbook with the exact path of what is wrong, and stores nothing', async () => {
    const p = fileOf('outage-single');
    p.audiences[0].primaryChannel = 'carrier-pigeon';
    p.cadence.SEV2.intervals[0].everyMinutes = -5;
    const res = await h.request('PUT', '/v1/playbooks/outage-single', { key: keys.manager, body: p });
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: any) => i.path)).toEqual(['audiences.0.primaryChannel', 'cadence.SEV2.intervals.0.everyMinutes']);
    const q = fileOf('outage-single');
    q.escalationRules[1].notify = ['executives', 'regulators'];
    const crossField = await h.request('PUT', '/v1/playbooks/outage-single', { key: keys.manager, body: q });
    expect(crossField.status).toBe(400);
    expect(crossField.body.issues).toEqual([
      { path: 'escalationRules.1.notify.1', message: '"regulators" is not an audience of this playbook, so it has no channel', code: 'custom' },
    ]);
    const mismatch = await h.request('PUT', '/v1/playbooks/outage-single', { key: keys.manager, body: fileOf('outage-global') });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.issues).toEqual([expect.objectContaining({ path: 'id', message: 'must match the URL: "outage-single"' })]);
    const versions = await h.request('GET', '/v1/playbooks/outage-single/versions', { key: keys.viewer });
    expect(versions.body.versions.map((v: any) => v.version)).toEqual([1]);
  });

  it('[M7.2] keeps a version history: each edit is a new version, old versions stay readable, stale edits answer 409', async () => {
    const original = fileOf('third-party-single');
    const edited = { ...original, cadence: { ...original.cadence, SEV1: { intervals: [{ untilMinute: 60, everyMinutes: 15 }, { everyMinutes: 45 }], reminderMinutesBefore: 5 } } };
    const saved = await h.request('PUT', '/v1/playbooks/third-party-single?baseVersion=1&note=faster%20first%20hour', { key: keys.manager, body: edited });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ version: 2, source: 'api', createdBy: 'Morgan Manager', note: 'faster first hour', changed: true });
    expect(saved.headers.get('location')).toBe('/v1/playbooks/third-party-single/versions/2');

    const same = await h.request('PUT', '/v1/playbooks/third-party-single', { key: keys.admin, body: edited });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ version: 2, changed: false });

    const stale = await h.request('PUT', '/v1/playbooks/third-party-single?baseVersion=1', { key: keys.admin, body: original });
    expect(stale.status).toBe(409);
    expect(stale.body.details).toEqual({ latestVersion: 2 });

    const history = await h.request('GET', '/v1/playbooks/third-party-single/versions', { key: keys.viewer });
    expect(history.body.versions.map((v: any) => [v.version, v.source])).toEqual([[2, 'api'], [1, 'file']]);
    const v1 = await h.request('GET', '/v1/playbooks/third-party-single/versions/1', { key: keys.viewer });
    expect(v1.body.playbook.cadence.SEV1).toEqual(original.cadence.SEV1);
    const current = await h.request('GET', '/v1/playbooks/third-party-single', { key: keys.viewer });
    expect(current.body.playbook.cadence.SEV1.intervals).toEqual([{ untilMinute: 60, everyMinutes: 15 }, { everyMinutes: 45 }]);
  });

  it('[M7.2] lets only one of two concurrent edits of the same version win', async () => {
    const base = fileOf('security-global');
    const a = { ...base, handoff: { acknowledgeWithinMinutes: 5, fatigueLimitHours: 6 } };
    const b = { ...base, handoff: { acknowledgeWithinMinutes: 20, fatigueLimitHours: 6 } };
    const [ra, rb] = await Promise.all([
      h.request('PUT', '/v1/playbooks/security-global?baseVersion=1', { key: keys.manager, body: a }),
      h.request('PUT', '/v1/playbooks/security-global?baseVersion=1', { key: keys.admin, body: b }),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    const history = await h.request('GET', '/v1/playbooks/security-global/versions', { key: keys.viewer });
    expect(history.body.versions.map((v: any) => v.version)).toEqual([2, 1]);
  });

  it('[M7.1] creates a new playbook at version 1, which selection then sees', async () => {
    const p = { ...fileOf('outage-multi-region'), id: 'outage-eu-only', name: 'Outage — EU region only', scope: 'single', severities: ['SEV3', 'SEV4'] };
    const created = await h.request('PUT', '/v1/playbooks/outage-eu-only?baseVersion=0', { key: keys.admin, body: p });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: 1, source: 'api', createdBy: 'Ada Admin', changed: true });
    const minor = await h.request('GET', '/v1/playbook-selection?category=outage&severity=SEV3&scope=single', { key: keys.viewer });
    expect(minor.body.playbook.id).toBe('outage-eu-only');
    const major = await h.request('GET', '/v1/playbook-selection?category=outage&severity=SEV1&scope=single', { key: keys.viewer });
    expect(major.body.playbook.id).toBe('outage-single');
  });

  it('answers 401 without a key, 403 to roles that may not edit, 404 for unknown playbooks and versions', async () => {
    const p = fileOf('outage-single');
    expect((await h.request('GET', '/v1/playbooks')).status).toBe(401);
    expect((await h.request('PUT', '/v1/playbooks/outage-single', { body: p })).status).toBe(401);
    expect((await h.request('PUT', '/v1/playbooks/outage-single', { key: keys.responder, body: p })).status).toBe(403);
    expect((await h.request('PUT', '/v1/playbooks/outage-single', { key: keys.viewer, body: p })).status).toBe(403);
    expect((await h.request('PUT', '/v1/playbooks/outage-single', { key: keys.approver, body: p })).status).toBe(403);
    expect((await h.request('GET', '/v1/playbooks/no-such-playbook', { key: keys.viewer })).status).toBe(404);
    expect((await h.request('GET', '/v1/playbooks/no-such-playbook/versions', { key: keys.viewer })).status).toBe(404);
    expect((await h.request('GET', '/v1/playbooks/outage-single/versions/99', { key: keys.viewer })).status).toBe(404);
    expect((await h.request('GET', '/v1/playbooks/Not_A_Slug', { key: keys.viewer })).status).toBe(400);
  });
});
