/**
 * The secrets support desks sign their webhooks with (M6.2). The defaults only suit `npm start`
 * on a laptop and the test suite; production sets its own, the one the desk shows:
 * - HERALD_ZENDESK_WEBHOOK_SECRET: the Zendesk webhook's signing secret (Admin Center, the webhook's "Reveal secret");
 * - HERALD_INTERCOM_CLIENT_SECRET: the Intercom app's client secret (Developer Hub, Basic information).
 */
export function zendeskWebhookSecret(env: NodeJS.ProcessEnv = process.env): string {
  return env.HERALD_ZENDESK_WEBHOOK_SECRET || 'dev-zendesk-secret';
}

export function intercomClientSecret(env: NodeJS.ProcessEnv = process.env): string {
  return env.HERALD_INTERCOM_CLIENT_SECRET || 'dev-intercom-secret';
}
