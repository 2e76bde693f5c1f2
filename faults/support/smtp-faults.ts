import { startSmtpSink, type SmtpSink } from '../../bench/smtp-sink';

/** What a relay does to one attempt for a recipient: a reply code at RCPT TO, or a connection dropped mid-DATA, or a stall after it. */
export type SmtpFault = 421 | 451 | 550 | 'drop' | 'stall';

export type Relay = 'primary' | 'fallback';

/** One step of a recipient's script: the fault, at one relay or at whichever the attempt reaches. */
export interface FaultStep {
  fault: SmtpFault;
  relay?: Relay;
}

const replies = {
  421: '4.7.0 Try again later, closing connection',
  451: '4.7.1 Greylisted, please try again later',
  550: '5.1.1 No such user',
} as const;

/**
 * Scripted faults for two relays: each recipient's steps are used up in order, one per attempt
 * that reaches the step's relay (a 550 is never used up: the address does not exist). With
 * `primaryDown` the primary refuses every connection with 421 at its greeting, as a relay that
 * stays down does. Counts each fault it answers with.
 */
export class SmtpFaultPlan {
  injected = 0;
  primaryDown = false;
  readonly #steps: Map<string, FaultStep[]>;

  constructor(script: Record<string, FaultStep[]>) {
    this.#steps = new Map(Object.entries(script).map(([a, s]) => [a.toLowerCase(), [...s]]));
  }

  #take(relay: Relay, address: string, at: 'rcpt' | 'data'): SmtpFault | undefined {
    const steps = this.#steps.get(address);
    const next = steps?.[0];
    if (!next || (next.relay && next.relay !== relay)) return undefined;
    if ((typeof next.fault === 'number') !== (at === 'rcpt')) return undefined;
    if (next.fault !== 550) steps!.shift();
    this.injected++;
    return next.fault;
  }

  rcpt(relay: Relay, address: string): { code: number; text: string } | undefined {
    const f = this.#take(relay, address, 'rcpt');
    return typeof f === 'number' ? { code: f, text: replies[f] } : undefined;
  }

  data(relay: Relay, recipients: string[]): 'drop' | 'stall' | undefined {
    for (const r of recipients) {
      const f = this.#take(relay, r, 'data');
      if (f === 'drop' || f === 'stall') return f;
    }
    return undefined;
  }

  connect(relay: Relay): { code: number; text: string } | undefined {
    if (relay !== 'primary' || !this.primaryDown) return undefined;
    this.injected++;
    return { code: 421, text: '4.3.2 Service not available, closing transmission channel' };
  }
}

export interface FaultyRelays {
  primary: SmtpSink;
  fallback: SmtpSink;
  /** When each recipient's message was accepted, at either relay (ms since the epoch). */
  acceptedAt: Map<string, number[]>;
  /** The primary goes down and stays down: its open connections close, every new one is refused with 421. */
  takeDownPrimary(): void;
  close(): Promise<void>;
}

/** Two fault-injecting SMTP relays (bench/smtp-sink.ts) under one plan. */
export async function startFaultyRelays(plan: SmtpFaultPlan): Promise<FaultyRelays> {
  const acceptedAt = new Map<string, number[]>();
  const relay = (name: Relay) =>
    startSmtpSink({
      refuseConnection: () => plan.connect(name),
      refuseRecipient: (a) => plan.rcpt(name, a),
      duringData: (rs) => plan.data(name, rs),
      onAccepted: (rs) => {
        for (const r of rs) acceptedAt.set(r, [...(acceptedAt.get(r) ?? []), Date.now()]);
      },
    });
  const [primary, fallback] = await Promise.all([relay('primary'), relay('fallback')]);
  const takeDownPrimary = () => {
    plan.primaryDown = true;
    primary.dropConnections();
  };
  return { primary, fallback, acceptedAt, takeDownPrimary, close: async () => void (await Promise.all([primary.close(), fallback.close()])) };
}
