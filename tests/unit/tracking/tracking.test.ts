import { clickSummary, readTrackingToken, statusPageDestination, trackedLink, trackingToken } from '../../../domain/tracking';

const ctx = { incidentId: 'INC-20240501-abc', channel: 'email', segment: 'enterprise', version: 3 };

describe('tracked links', () => {
  it('[M2.6] makes a redirect link whose signed token names incident, channel, segment and version', () => {
    const url = trackedLink('https://status.example.com/', ctx, 'k1');
    expect(url).toMatch(/^https:\/\/status\.example\.com\/r\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(readTrackingToken(url.split('/r/')[1], 'k1')).toEqual(ctx);
  });

  it('[M2.6] refuses tokens signed with another key, altered, or malformed', () => {
    const token = trackingToken(ctx, 'k1');
    expect(readTrackingToken(token, 'k2')).toBeUndefined();
    const [payload, mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify(['INC-other', 'email', 'enterprise', 3])).toString('base64url');
    expect(readTrackingToken(`${forged}.${mac}`, 'k1')).toBeUndefined();
    expect(readTrackingToken(`${payload}.${mac}x`, 'k1')).toBeUndefined();
    expect(readTrackingToken('nonsense', 'k1')).toBeUndefined();
    expect(readTrackingToken(`${payload}.${mac}.extra`, 'k1')).toBeUndefined();
  });

  it('[M2.6, M3.3] forwards to the incident\'s own status page with standard UTM parameters', () => {
    const dest = new URL(statusPageDestination('https://status.example.com', ctx));
    expect(dest.origin + dest.pathname).toBe('https://status.example.com/status/incidents/INC-20240501-abc');
    expect(Object.fromEntries(dest.searchParams)).toEqual({
      utm_source: 'email', utm_medium: 'enterprise', utm_campaign: 'INC-20240501-abc', utm_content: 'v3',
    });
  });

  it('[M2.6] rolls click counts up per version, channel and segment', () => {
    expect(
      clickSummary([
        { ...ctx, version: 1, count: 2 },
        { ...ctx, version: 2, count: 5 },
        { ...ctx, version: 2, channel: 'in-app', segment: 'standard', count: 1 },
      ]),
    ).toEqual({ total: 8, byVersion: { v1: 2, v2: 6 }, byChannel: { email: 7, 'in-app': 1 }, bySegment: { enterprise: 7, standard: 1 } });
  });
});
