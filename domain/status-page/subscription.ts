import { hmacSha256, sha256Hex } from '../audit/sha256';
import { openFields, sealFields } from '../tracking/signed-token';

/**
 * Email subscriptions from the status page, with double opt-in (M3.3): the form makes a pending
 * subscription, and only the signed link mailed to the address confirms it. A confirmed
 * subscriber is a customer of the service model (tier `standard`, email only), so the one
 * audience computation reaches them like any other customer.
 */

export interface SubscriptionClaim {
  subscriptionId: string;
  address: string;
}

const signer = (secret: string) => (payload: string) => Buffer.from(hmacSha256(secret, `status-subscription.${payload}`)).toString('base64url');

export function confirmationToken(claim: SubscriptionClaim, secret: string): string {
  return sealFields([claim.subscriptionId, claim.address], signer(secret));
}

export function readConfirmationToken(token: string, secret: string): SubscriptionClaim | undefined {
  const fields = openFields(token, signer(secret));
  if (!fields) return undefined;
  const [subscriptionId, address] = fields;
  return typeof subscriptionId === 'string' && typeof address === 'string' && address.includes('@') ? { subscriptionId, address } : undefined;
}

/** The customer ID of a page subscriber: stable per address, within the service model's ID pattern. */
export function subscriberCustomerId(address: string): string {
  return `subscriber-${sha256Hex(address.trim().toLowerCase()).slice(0, 16)}`;
}
