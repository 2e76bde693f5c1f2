import { linkSecret } from '../../config/tracking';
import { readTrackingToken, type LinkContext } from '../../domain/tracking';
import { clickCounts } from '../../store/tracking';
import { keys, type Harness } from './harness';

const publicUrl = 'http://status.herald.test';

/** The link context of a tracked link the harness's public URL serves, or undefined when it is not one Herald signed. */
export function decodeTrackedLink(url: string): LinkContext | undefined {
  const m = new RegExp(`^${publicUrl.replace(/[.]/g, '\\.')}/r/([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)$`).exec(url);
  return m ? readTrackingToken(m[1], linkSecret()) : undefined;
}

/**
 * Asserts that `url` is a tracked status-page link (M2.6) naming `expected`, follows it through the
 * harness's redirect route to the incident's status page, and asserts that it counted exactly one more click for that channel,
 * segment and version (read through the managers' clicks API).
 */
export async function expectTrackedClick(h: Harness, url: string, expected: LinkContext): Promise<void> {
  expect(decodeTrackedLink(url)).toEqual(expected);
  const { channel, segment, version } = expected;
  const before = (await clickCounts(h.store.models, expected.incidentId)).find((r) => r.channel === channel && r.segment === segment && r.version === version)?.count ?? 0;
  const res = await fetch(url.replace(publicUrl, h.baseUrl), { redirect: 'manual' });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location')!);
  expect(location.searchParams.get('utm_source')).toBe(expected.channel);
  expect(location.searchParams.get('utm_medium')).toBe(expected.segment);
  // It lands on the incident's own page, whose URL stays the same for the incident's life.
  expect(location.pathname).toBe(`/status/incidents/${encodeURIComponent(expected.incidentId)}`);
  const counts = await h.request('GET', `/v1/incidents/${encodeURIComponent(expected.incidentId)}/clicks`, { key: keys.manager });
  expect(counts.status).toBe(200);
  expect(counts.body.rows).toContainEqual({ channel, segment, version, count: before + 1 });
}
