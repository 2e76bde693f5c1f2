import { uniqueName } from '../support/env';
import { keys, harnessForFile } from '../support/harness';
import { declareIncident, waitForState } from '../support/incidents';

/** The versions of an incident's message over HTTP (M3.6), read from its workflow's versions Query. */

const h = harnessForFile();

describe('message versions over HTTP', () => {
  it('[M3.6] lists every version with its parent, author and phase; only the latest is current and only the published one has publishedAt', async () => {
    const id = await declareIncident(h, { id: uniqueName('INC'), title: 'Dashboard slow', category: 'performance-degradation', severity: 'SEV4', components: ['dashboard'], summary: 'Pages load slowly.' });
    const first = await waitForState(h, id, (s) => s.status === 'published');

    const second = await h.request('POST', `/v1/incidents/${id}/drafts`, {
      key: keys.responder, body: { baseVersion: 1, subject: 'Dashboard slow: identified', text: 'We found why pages load slowly and are fixing it.', phase: 'identified' },
    });
    expect(second.status).toBe(201);
    const third = await h.request('POST', `/v1/incidents/${id}/drafts`, {
      key: keys.responder, body: { baseVersion: 2, subject: 'Dashboard slow: fix on its way', text: 'A fix is being rolled out. Pages should load normally within the hour.', phase: 'identified' },
    });
    expect(third.status).toBe(201);
    expect(third.body).toMatchObject({ version: 3, parent: 2 });

    const res = await h.request('GET', `/v1/incidents/${id}/versions`, { key: keys.viewer });
    expect(res.status).toBe(200);
    expect(res.body.incidentId).toBe(id);
    const versions = res.body.versions as Record<string, unknown>[];
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(versions.map((v) => v.parent)).toEqual([undefined, 1, 2]);
    expect(versions.map((v) => v.current)).toEqual([false, false, true]);
    expect(versions[0]).toMatchObject({ hash: first.currentDraft.hash, phase: 'investigating', publishedAt: expect.any(String) });
    expect(Date.parse(versions[0].publishedAt as string)).not.toBeNaN();
    expect(versions[1]).toMatchObject({ hash: second.body.hash, phase: 'identified', subject: 'Dashboard slow: identified', author: 'Riley Responder' });
    expect(versions[2]).toMatchObject({ hash: third.body.hash, phase: 'identified', subject: 'Dashboard slow: fix on its way', author: 'Riley Responder' });
    for (const v of versions.slice(1)) expect(v).not.toHaveProperty('publishedAt');
    for (const v of versions) expect(Date.parse(v.createdAt as string)).not.toBeNaN();

    // Every read role may look; no key is 401, an unknown incident 404, a malformed ID 400; the route is documented.
    for (const key of [keys.responder, keys.approver, keys.manager, keys.admin]) {
      const again = await h.request('GET', `/v1/incidents/${id}/versions`, { key });
      expect(again.status).toBe(200);
      expect(again.body.versions).toEqual(versions);
    }
    expect((await h.request('GET', `/v1/incidents/${id}/versions`)).status).toBe(401);
    const unknown = await h.request('GET', '/v1/incidents/INC-never-declared/versions', { key: keys.viewer });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'not_found', message: 'incident not found' });
    expect((await h.request('GET', '/v1/incidents/bad%20id!/versions', { key: keys.viewer })).status).toBe(400);
    const doc = await h.request('GET', '/openapi.json');
    expect(doc.body.paths['/v1/incidents/{id}/versions'].get.responses).toHaveProperty('200');
  });
});
