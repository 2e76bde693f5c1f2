import { emailStringsFor } from '../../domain/messages/localization';
import { parse } from 'node-html-parser';
import { readAtom } from '../support/atom';
import { keys, harnessForFile } from '../support/harness';
import { signAll, waitForState } from '../support/incidents';

/**
 * What customers read (M3.3, M2.5), on exactly the data set `npm start` seeds: each reader's email
 * in one language with its "next update" line once, and public surfaces that speak of impact,
 * never of Herald's internal severities, with the Atom feed read by a real feed parser.
 */

const h = harnessForFile({ data: 'demo' });

// No digits in the title or summary: the locales' consistency check compares numbers.
const title = 'Checkout <errors> & timeouts';
const english = [...Object.values(emailStringsFor('en')), 'Follow this incident', 'next update', 'Next update', 'next significant change', 'We will'];
const sev = /SEV[1-4]/;

describe('surfaces customers read, on the demo data', () => {
  it('[M3.3, M2.5] a SEV2 outage: hash-bound approval, a Japanese translation, German and fallback emails in one language, impact words on every public surface', async () => {
    // eu-region is under everything, so every demo customer is in the audience.
    const declared = await h.request('POST', '/v1/incidents', {
      key: keys.responder,
      body: { title, category: 'outage', severity: 'SEV2', components: ['eu-region'], summary: 'Some card payments fail for customers in Europe.' },
    });
    expect(declared.status).toBe(201);
    const id = declared.body.incidentId as string;
    const drafted = await waitForState(h, id, (s) => s.status === 'awaiting-approval', 'the first version awaiting approval');
    expect(drafted.currentDraft.version).toBe(1);
    expect(Object.keys(drafted.currentDraft.translations).sort()).toEqual(['de', 'fr']);
    const time = /\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/.exec(drafted.currentDraft.text)![0];

    // [M3.3] a sign-off on other wording than the current one is refused, and says why.
    const wrongHash = await h.request('POST', `/v1/incidents/${id}/approvals`, { key: keys.approver, body: { version: 1, hash: 'f'.repeat(64) } });
    expect(wrongHash.status).toBe(409);
    expect(wrongHash.body.message).toMatch(/^content hash f{64} does not match the current wording of version 1/);
    expect(wrongHash.body.message).not.toMatch(/is not the current version/);

    // [M2.5] the translation PUT answers with the locale it attached.
    const ja = await h.request('PUT', `/v1/incidents/${id}/drafts/1/translations/ja`, {
      key: keys.responder,
      body: { subject: `サービス障害: ${title}`, text: `一部のサービスが利用できません。\n\n欧州のお客様のカード決済の一部が失敗しています。\n\n次回の更新は ${time} までに行います。` },
    });
    expect(ja.status).toBe(201);
    expect(ja.body).toMatchObject({ version: 2, locale: 'ja', primaryLocale: 'en', locales: ['en', 'de', 'fr', 'ja'] });

    await signAll(h, id, 2);
    await waitForState(h, id, (s) => s.status === 'published', 'v2 published');

    // [M2.5] Stark and Globex read German throughout; Kaiju reads the attached Japanese; Gringotts (nl)
    // is served by the fallback locale, English, and reads the next-update line once.
    const readers = ['leitstelle@stark.example', 'it@globex.example', 'sre@kaiju.example', 'beheer@gringotts.example'];
    const mail = await h.mailpit.waitForIncident(id, (m) => readers.every((r) => m.some((x) => x.To[0]?.Address === r)));
    const bodyOf = async (to: string) => {
      const m = mail.find((x) => x.To[0]?.Address === to)!;
      return { subject: m.Subject, text: await h.mailpit.text(m.ID) };
    };
    for (const to of ['leitstelle@stark.example', 'it@globex.example']) {
      const { subject, text } = await bodyOf(to);
      expect(subject).toBe(`Störung: ${title}`);
      expect(text).toContain(`${emailStringsFor('de').follow} http://status.herald.test/r/`);
      expect(text.split(`Das nächste Update folgt bis ${time}.`)).toHaveLength(2);
      for (const phrase of english) expect([to, phrase, text.includes(phrase)]).toEqual([to, phrase, false]);
      expect(`${subject}\n${text}`).not.toMatch(sev);
    }
    const kaiju = await bodyOf('sre@kaiju.example');
    expect(kaiju.subject).toBe(`サービス障害: ${title}`);
    expect(kaiju.text).toContain(`${emailStringsFor('ja').follow} http://status.herald.test/r/`);
    for (const phrase of english) expect(kaiju.text).not.toContain(phrase);
    const fallback = await bodyOf('beheer@gringotts.example');
    expect(fallback.subject).toBe(`Service disruption: ${title}`);
    expect(fallback.text.match(/next update/gi)).toEqual(['next update']);
    expect(fallback.text).toContain(`We will post the next update by ${time}.`);
    expect(fallback.text).toContain(`${emailStringsFor('en').follow} http://status.herald.test/r/`);

    // [M3.3] the public surfaces speak of impact, never of severity.
    const page = await h.request('GET', '/status');
    const own = await h.request('GET', '/status.json');
    const summary = await h.request('GET', '/api/v2/summary.json');
    const incidents = await h.request('GET', '/api/v2/incidents.json');
    const feed = await h.request('GET', '/history.atom');
    for (const [surface, res] of Object.entries({ page, own, summary, incidents, feed })) {
      expect([surface, res.status]).toEqual([surface, 200]);
      expect([surface, sev.test(res.text)]).toEqual([surface, false]);
    }
    const html = parse(page.text);
    expect(html.querySelector('#banner-text')!.text).toBe('Partial outage');
    expect(html.querySelector(`#incidents [data-incident-id="${id}"] [data-phase-text]`)!.text).toBe('Investigating');
    expect(own.body.activeIncidents.map((i: any) => [i.id, i.impact])).toEqual([[id, 'major']]);
    expect(summary.body.incidents.map((i: any) => [i.id, i.impact])).toEqual([[id, 'major']]);
    expect(incidents.body.incidents[0]).toMatchObject({ id, name: title, impact: 'major' });

    // [M3.3] the Atom feed parses with a real feed parser, and the title reads back exactly, escaped once.
    const atom = readAtom(feed.text);
    expect(atom.entries).toHaveLength(1);
    expect(atom.entries![0].title?.value).toBe(title);
    expect(atom.entries![0].categories?.map((c) => c.term)).toEqual(['major']);
    expect(feed.text).toContain('<title>Checkout &lt;errors&gt; &amp; timeouts</title>');
    expect(feed.text).not.toContain('&amp;amp;');
    expect(atom.entries![0].content?.value).toContain('Some card payments fail for customers in Europe.');
  });
});
