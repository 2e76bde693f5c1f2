import { z } from 'zod';
import { severities } from '../incident';
import { LocaleSchema } from '../messages/locale-schema';
import { isWebhookSecret } from '../webhooks';

/** What Herald knows about the things that can break, and about who depends on them (M1.4). */

export const tiers = ['enterprise', 'business', 'standard'] as const;
export type Tier = (typeof tiers)[number];

/** Channels a customer can be reached on; in-app notices are passive and always available. */
export const customerChannels = ['email', 'webhook', 'in-app', 'phone'] as const;
export type CustomerChannel = (typeof customerChannels)[number];

const id = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase letters, digits, dot, dash or underscore; 1 to 64 characters');

export const ComponentSchema = z.object({
  componentId: id,
  name: z.string().trim().min(1).max(120),
  service: z.string().trim().min(1).max(120).describe('The service this component belongs to'),
  description: z.string().max(1000).optional(),
  dependsOn: z.array(id).max(100).default([]).describe('Components this one cannot work without'),
});
export type ComponentInput = z.infer<typeof ComponentSchema>;

/** Minutes within which the contract obliges us to notify, per severity; an absent severity has no contractual deadline. */
export const ContractSchema = z.object({
  notifyWithinMinutes: z.partialRecord(z.enum(severities), z.number().int().positive().max(60 * 24 * 30)),
});
export type Contract = z.infer<typeof ContractSchema>;

export const WebhookEndpointSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  secret: z.string().refine(isWebhookSecret, 'a Standard Webhooks secret: "whsec_" and 24 to 64 base64-encoded bytes'),
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpointSchema>;

export const PreferencesSchema = z.object({
  channels: z.array(z.enum(customerChannels)).default([...customerChannels]).describe('Channels the customer wants; leaving out "email" opts out of email'),
  minimumSeverity: z.enum(severities).default('SEV4').describe('Less severe incidents are not pushed, unless the contract demands notice'),
});
export type Preferences = z.infer<typeof PreferencesSchema>;

const AccountManagerSchema = z.object({ name: z.string().trim().min(1).max(120), email: z.email() });

export const CustomerSchema = z
  .object({
    customerId: id,
    name: z.string().trim().min(1).max(200),
    tier: z.enum(tiers),
    locale: LocaleSchema.default('en'),
    emails: z.array(z.email()).max(50).default([]),
    webhooks: z.array(WebhookEndpointSchema).max(10).default([]),
    phone: z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'E.164, for example +442079460958').optional(),
    accountManager: AccountManagerSchema.optional(),
    contract: ContractSchema.optional(),
    dpa: z.object({
      subProcessors: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'a vendor ID')).max(100).describe('Vendors (registry IDs) the agreement names as sub-processors'),
    }).strict().optional().describe('The data-processing agreement (M5.4)'),
    subscriptions: z.array(id).max(500).default([]).describe('Components the customer relies on'),
    preferences: PreferencesSchema.optional(),
  })
  .superRefine((c, ctx) => {
    // Direct outreach to top-tier accounts needs someone to call and someone to make the call.
    if (c.tier !== 'enterprise') return;
    if (!c.phone) ctx.addIssue({ code: 'custom', path: ['phone'], message: 'enterprise customers need a phone contact' });
    if (!c.accountManager) ctx.addIssue({ code: 'custom', path: ['accountManager'], message: 'enterprise customers need an account manager' });
  });
export type CustomerInput = z.infer<typeof CustomerSchema>;

/** Dependencies that name no known component: a graph with dangling edges would silently under-notify. */
export function unknownDependencies(graph: { componentId: string; dependsOn?: string[] }[], known: Set<string>): { componentId: string; missing: string }[] {
  return graph.flatMap((n) => (n.dependsOn ?? []).filter((d) => !known.has(d)).map((missing) => ({ componentId: n.componentId, missing })));
}
