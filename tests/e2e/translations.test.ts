import { keys, harnessForFile } from '../support/harness';

/** The translation and root-cause routes' validation, which answers before any workflow is asked (M2.4, M2.5). */

const h = harnessForFile({ worker: false });

const unknown = 'INC-never-declared';
const wording = { subject: 'Verzögerte Webhooks', text: 'Webhooks verzögern sich um bis zu 30 Minuten.' };

describe('translation routes', () => {
  it('[M2.5] answers 400 for a locale that is not like "de" or "pt-BR", a bad version or a bad body', async () => {
    for (const locale of ['german', 'pt-br', 'PT-BR', 'd', 'de_DE']) {
      const res = await h.request('PUT', `/v1/incidents/${unknown}/drafts/1/translations/${locale}`, { key: keys.responder, body: wording });
      expect([locale, res.status]).toEqual([locale, 400]);
      expect(res.body.issues.map((i: any) => i.path)).toEqual(['locale']);
    }
    const badVersion = await h.request('PUT', `/v1/incidents/${unknown}/drafts/zero/translations/de`, { key: keys.responder, body: wording });
    expect(badVersion.status).toBe(400);
    expect(badVersion.body.issues.map((i: any) => i.path)).toEqual(['version']);
    const badBody = await h.request('PUT', `/v1/incidents/${unknown}/drafts/1/translations/de`, { key: keys.responder, body: { subject: 'x', text: '' } });
    expect(badBody.status).toBe(400);
    expect(badBody.body.issues.map((i: any) => i.path).sort()).toEqual(['subject', 'text']);
    const badGet = await h.request('GET', `/v1/incidents/${unknown}/drafts/-1/translations`, { key: keys.viewer });
    expect(badGet.status).toBe(400);
    const badRootCause = await h.request('POST', `/v1/incidents/${unknown}/root-cause`, { key: keys.responder, body: { statement: '  ' } });
    expect(badRootCause.status).toBe(400);
    expect(badRootCause.body.issues.map((i: any) => i.path)).toEqual(['statement']);
  });

  it('[M2.5, M2.4] answers 404 for an incident Herald never ran', async () => {
    const put = await h.request('PUT', `/v1/incidents/${unknown}/drafts/1/translations/pt-BR`, { key: keys.responder, body: wording });
    expect(put.status).toBe(404);
    expect(put.body).toMatchObject({ error: 'not_found' });
    const get = await h.request('GET', `/v1/incidents/${unknown}/drafts/1/translations`, { key: keys.viewer });
    expect(get.status).toBe(404);
    const confirm = await h.request('POST', `/v1/incidents/${unknown}/root-cause`, { key: keys.manager, body: { statement: 'A relay was misconfigured.' } });
    expect(confirm.status).toBe(404);
  });

  it('[M2.5, M2.4] lets responders, managers and admins write, every reader read, and nobody else', async () => {
    const put = (key?: string) => h.request('PUT', `/v1/incidents/${unknown}/drafts/1/translations/de`, { key, body: wording });
    const confirm = (key?: string) => h.request('POST', `/v1/incidents/${unknown}/root-cause`, { key, body: { statement: 'A relay was misconfigured.' } });
    for (const key of [keys.viewer, keys.approver, keys.legal]) {
      expect((await put(key)).status).toBe(403);
      expect((await confirm(key)).status).toBe(403);
    }
    expect((await put()).status).toBe(401);
    expect((await confirm()).status).toBe(401);
    for (const key of [keys.responder, keys.manager, keys.admin]) {
      expect((await put(key)).status).toBe(404);
      expect((await confirm(key)).status).toBe(404);
    }
    for (const key of [keys.viewer, keys.responder, keys.approver, keys.manager, keys.admin]) {
      expect((await h.request('GET', `/v1/incidents/${unknown}/drafts/1/translations`, { key })).status).toBe(404);
    }
    expect((await h.request('GET', `/v1/incidents/${unknown}/drafts/1/translations`)).status).toBe(401);
  });

  it('[M2.5, M2.4] documents the routes in the OpenAPI document', async () => {
    const doc = await h.request('GET', '/openapi.json');
    const paths = Object.keys(doc.body.paths);
    expect(paths).toEqual(expect.arrayContaining([
      '/v1/incidents/{id}/drafts/{version}/translations/{locale}',
      '/v1/incidents/{id}/drafts/{version}/translations',
      '/v1/incidents/{id}/root-cause',
    ]));
    expect(Object.keys(doc.body.paths['/v1/incidents/{id}/drafts/{version}/translations/{locale}'])).toEqual(['put']);
  });
});
