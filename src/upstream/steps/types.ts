/**
 * The upstream call as a chain of small steps, composed like undici interceptors: each step gets the next
 * handler and returns a handler. The exchange a step receives is immutable; a step that adds something
 * (the attempt number, the credentials to inject) passes a new exchange on.
 */
import type { Injection } from '../../integrations/kit/auth.ts';
import type { AccountContext, IntegrationDefinition, RateLimitPolicy } from '../../integrations/types.ts';
import type { GuardedUrl } from '../origin-guard.ts';
import type { AttemptFailure } from '../retry.ts';
import type { UpstreamCall, UpstreamResponse } from '../types.ts';

export interface UpstreamTarget {
  accountId: string;
  environmentId: string;
  /**
   * The account's status as this request knows it: the one field steps update (a refused key moves it to
   * `needs_reauth`, a later success back to `active`), so that hooks fire once per request.
   */
  accountStatus: string;
  integration: IntegrationDefinition;
  /** Already checked by the host guard. */
  origin: string;
  context: AccountContext;
  /** The credentials version the context was read at (a newer refreshed token wins over it). */
  credentialsVersion: number;
  /** The account's budget: the integration's policy unless the account overrides it. */
  rateLimit: RateLimitPolicy;
}

export interface CallOptions {
  /** Safe to repeat: reads, and writes that carry an Idempotency-Key. Only safe calls are retried. */
  safe: boolean;
  /**
   * A plan-gated vendor feature probed on purpose (e.g. LeadSquared sales groups): its refusal says nothing
   * about the credentials, so it must not move the account to needs_reauth.
   */
  optionalFeature?: boolean;
  signal?: AbortSignal;
}

export interface RateBudget {
  limit: number;
  remaining: number;
  resetSeconds: number;
  windowSeconds: number;
}

export interface Exchange {
  readonly target: UpstreamTarget;
  readonly call: UpstreamCall;
  readonly url: GuardedUrl;
  readonly options: CallOptions;
  /** When the call began (deadlines count from here). */
  readonly started: number;
  /** 0 for the first attempt. */
  readonly attempt: number;
  /** The previous attempt's failure: a retry that cannot get a pacing slot in time ends with it. */
  readonly lastFailure?: AttemptFailure;
  /** Where the credentials go on this attempt (set by the auth step). */
  readonly injection?: Injection;
}

export interface Outcome {
  response: UpstreamResponse;
  /** The account's budget after this attempt (for the `ratelimit-*` response headers). */
  budget?: RateBudget;
}

export type Handler = (exchange: Exchange) => Promise<Outcome>;
export type Step = (next: Handler) => Handler;

/** Composes steps, the first outermost; `last` is the handler at the end of the chain. */
export function compose(steps: Step[], last: Handler): Handler {
  return steps.reduceRight<Handler>((next, step) => step(next), last);
}

/** What happened, for tests and `/metrics` (this instance only). */
export interface UpstreamCounters {
  attempts: number;
  retries: number;
  vendorRateLimited: number;
  pacingRejected: number;
  circuitOpen: number;
  storeUnavailable: number;
  /** Calls retried once after the OAuth token was refreshed on a 401. */
  refreshedRetries: number;
}
