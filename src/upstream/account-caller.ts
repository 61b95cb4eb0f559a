/**
 * Binds the upstream client to one integrated account of the caller's environment: loads and decrypts the
 * account, re-checks its host against the guard, and gives mappings and proxy routes a `Caller`. What one
 * request asks for (its `remote_query`, whether its writes may be retried) is fixed when the caller is
 * opened and never changes afterwards.
 */

import { secretNames } from '../accounts/accounts.ts';
import { getIntegration } from '../integrations/registry.ts';
import type { IntegrationDefinition } from '../integrations/types.ts';
import type { Services } from '../services.ts';
import type { IntegratedAccount } from '../store/integrated-accounts.ts';
import type { Caller, CallOptions } from '../unified/types.ts';
import type { RateBudget, UpstreamTarget } from './client.ts';
import { checkUpstreamOrigin } from './host-guard.ts';
import type { UpstreamCall, UpstreamResponse } from './types.ts';

export class AccountCaller implements Caller {
  readonly account: IntegratedAccount;
  readonly integration: IntegrationDefinition;
  readonly target: UpstreamTarget;
  /** The account's rate budget as of the latest call (for `ratelimit-*` response headers). */
  budget: RateBudget | undefined;
  readonly #services: Services;
  readonly #request: RequestOptions;

  constructor(
    services: Services,
    account: IntegratedAccount,
    target: UpstreamTarget,
    request: RequestOptions,
  ) {
    this.#services = services;
    this.account = account;
    this.integration = target.integration;
    this.target = target;
    this.#request = request;
  }

  /** The request carries an Idempotency-Key, so its writes may be retried (never otherwise). */
  get writesAreSafe(): boolean {
    return this.#request.idempotent === true;
  }

  get accountId(): string {
    return this.account.id;
  }

  async call(call: UpstreamCall, options: CallOptions = {}): Promise<UpstreamResponse> {
    // remote_query belongs to the request's own resource call, never to lookups cached for other requests.
    const remoteQuery = this.#request.remoteQuery;
    if (options.primary && remoteQuery && Object.keys(remoteQuery).length > 0)
      call = { ...call, query: { ...call.query, ...remoteQuery } };
    const result = await this.#services.upstream.call(this.target, call, {
      safe: options.safe ?? (call.method === 'GET' || this.writesAreSafe),
      optionalFeature: options.optionalFeature,
    });
    if (result.budget) this.budget = result.budget;
    return result.response;
  }

  async trackAsync(input: {
    kind: string;
    details: Record<string, unknown>;
  }): Promise<{ id: string; callbackUrl: string }> {
    const { id, callbackToken } = await this.#services.asyncRequests.create({
      environmentId: this.account.environmentId,
      accountId: this.account.id,
      ...input,
    });
    return { id, callbackUrl: `${this.#services.publicUrl()}/callbacks/async/${callbackToken}` };
  }

  memo<T>(key: string, load: () => Promise<T>): Promise<T> {
    return this.#services.lookups.get(`${this.account.id}:${key}`, load);
  }

  contextValue(name: string): string | undefined {
    if (secretNames(this.integration).has(name)) return undefined;
    const value = this.target.context[name];
    return typeof value === 'string' ? value : undefined;
  }
}

export interface RequestOptions {
  /** The request's `remote_query`: added untouched to its own resource calls' query strings. */
  readonly remoteQuery?: Readonly<Record<string, string>>;
  /** The request carries an Idempotency-Key. */
  readonly idempotent?: boolean;
}

export async function openCaller(
  services: Services,
  environmentId: string,
  accountId: string,
  request: RequestOptions = {},
): Promise<AccountCaller> {
  const { account, context } = await services.accounts.openForCall(environmentId, accountId);
  const integration = getIntegration(account.integration);
  const origin = checkUpstreamOrigin(integration, context, services.config.allowedUpstreamOrigins);
  return new AccountCaller(
    services,
    account,
    {
      accountId: account.id,
      environmentId,
      accountStatus: account.status,
      integration,
      origin,
      context,
      credentialsVersion: account.credentialsVersion,
      // The account's own plan when it has one (PATCH rate_limit), else the integration's policy.
      rateLimit: account.rateLimit
        ? { ...integration.rateLimit, ...account.rateLimit }
        : integration.rateLimit,
    },
    Object.freeze({ ...request }),
  );
}
