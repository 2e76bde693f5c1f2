/**
 * Every refusal an incident's validators can give, with the HTTP status the API answers it with.
 * The workflow throws these before anything is written to history; `api/errors.ts` maps them
 * through this one table (`tests/unit/incident-refusals.test.ts` checks both ways).
 */
export const refusalStatus = {
  StaleVersion: 409,
  NothingToApprove: 409,
  AlreadyResolved: 409,
  IncidentClosed: 409,
  NotRequired: 409,
  HandoffPending: 409,
  SameOwner: 409,
  NoHandoff: 409,
  BlackoutActive: 409,
  NoBlackout: 409,
  AlreadyPublished: 409,
  Forbidden: 403,
  ReasonRequired: 400,
  InvalidLocale: 400,
  InvalidTranslation: 400,
  CustomNarrativeNotAllowed: 400,
  UnknownDecision: 400,
  TooLong: 400,
  ClockRunning: 409,
  FilingRefused: 409,
  RegulatoryUnavailable: 409,
  UnknownPhase: 400,
  InvalidInstant: 400,
  VendorRecorded: 409,
  ObligationSettled: 409,
  UnknownObligation: 400,
  NotACustomerNotice: 400,
} as const satisfies Record<string, 400 | 403 | 409>;

type RefusalType = keyof typeof refusalStatus;

/** Why the incident refuses a request; the workflow turns it into an ApplicationFailure of this type. */
export class Refusal extends Error {
  constructor(
    readonly type: RefusalType,
    message: string,
    /** What the caller needs to recover (the current version and hash of a stale edit). */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

export function reject(type: RefusalType, message: string, details?: unknown): never {
  throw new Refusal(type, message, details);
}

/** The HTTP status of a refusal type; undefined for a type that is not an incident refusal. */
export function refusalHttpStatus(type: string | null | undefined): 400 | 403 | 409 | undefined {
  return typeof type === 'string' && Object.hasOwn(refusalStatus, type) ? refusalStatus[type as RefusalType] : undefined;
}
