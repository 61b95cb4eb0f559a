/**
 * OAuth access tokens for upstream calls, refreshed safely:
 *
 * - ahead of expiry (the integration's buffer, 15 minutes by default); with no `expires_at` only when the
 *   vendor refuses the token (the auth step then refreshes once and retries once);
 * - one refresh per account at a time in a process (callers share one promise) and across instances
 *   (`locks.ts`: a PostgreSQL advisory lock held by the transaction that writes the new tokens);
 * - after taking the lock the stored tokens are read again, and used if another worker already refreshed;
 * - the new tokens are committed before the lock is released; the old refresh token is kept only when the
 *   vendor returned none; a write is refused if the credentials changed meanwhile (never older over newer);
 * - a revoked grant (`invalid_grant`, or the vendor's equivalent) moves the account to `needs_reauth` and
 *   fires `integrated_account:authentication_error`; calls then answer 401 until the customer reconnects;
 * - network errors, 5xx and 429 from the token endpoint are transient: retried with backoff, then a 503,
 *   and the account is not marked.
 *
 * The freshest tokens seen per account are kept in memory (bounded), so requests that loaded the account
 * before a refresh use the new token. Tokens never reach logs, errors or responses.
 */
import type { Accounts } from '../accounts/accounts.ts';
import { secretNames } from '../accounts/accounts.ts';
import type { Keyring } from '../crypto/keyring.ts';
import type { EnvironmentIntegrations } from '../environment-integrations/environment-integrations.ts';
import { SwitchboardError } from '../errors.ts';
import { type OAuth2Auth, type OAuthToken, oauthTokenOf } from '../integrations/kit/auth.ts';
import type { AccountContext, IntegrationDefinition } from '../integrations/types.ts';
import type { Db } from '../store/database.ts';
import { findAccountRow, openContext, sealContext, writeCredentials } from '../store/integrated-accounts.ts';
import type { RefreshLocks } from './locks.ts';
import {
  GrantRevoked,
  requestToken,
  TokenEndpointUnavailable,
  TokenRequestRefused,
} from './token-endpoint.ts';

const MAX_REMEMBERED = 10_000;
const TRANSIENT_RETRIES = [300, 1_000];

/** The account a token is for, as an upstream call knows it. */
export interface TokenAccount {
  accountId: string;
  environmentId: string;
  integration: IntegrationDefinition;
  context: AccountContext;
  credentialsVersion: number;
}

export type RefreshReason = 'expiring' | 'unauthorized' | 'forced' | 'keep-alive';

export interface TokenManagerDeps {
  db: Db;
  keyring: Keyring;
  locks: RefreshLocks;
  environmentIntegrations: EnvironmentIntegrations;
  accounts: Accounts;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface TokenCounters {
  refreshes: number;
  /** Refreshes that found another worker's fresh tokens after taking the lock (no vendor call). */
  reusedAfterLock: number;
  revoked: number;
  transientFailures: number;
}

export class TokenManager {
  readonly counters: TokenCounters = { refreshes: 0, reusedAfterLock: 0, revoked: 0, transientFailures: 0 };
  readonly #deps: TokenManagerDeps;
  readonly #inflight = new Map<string, Promise<OAuthToken>>();
  readonly #latest = new Map<string, { token: OAuthToken; version: number }>();
  readonly #now: () => number;

  constructor(deps: TokenManagerDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  /** A usable access token: the freshest known, refreshed first when it expires within the buffer. */
  async current(account: TokenAccount, kind: OAuth2Auth): Promise<OAuthToken> {
    const token = this.#freshest(account);
    if (!token) throw needsReauth(account.integration, 'the account has no OAuth access token');
    // A refresh under way replaces this token: wait for it rather than spend a vendor call on a stale one.
    const running = this.#inflight.get(account.accountId);
    if (running) return running.catch(() => token);
    if (!this.#expiring(token, kind)) return token;
    if (!token.refresh_token && kind.grant !== 'client_credentials') return token;
    return this.refresh(account, kind, token.access_token, 'expiring');
  }

  /**
   * Refreshes the account's tokens (single-flight in this process, locked across instances). `stale` is the
   * access token the caller found wanting: if the stored one differs and is fresh, it is used as it is.
   */
  refresh(
    account: TokenAccount,
    kind: OAuth2Auth,
    stale: string | undefined,
    reason: RefreshReason,
  ): Promise<OAuthToken> {
    const running = this.#inflight.get(account.accountId);
    if (running) return running;
    const refreshing = this.#refreshLocked(account, kind, stale, reason).finally(() => {
      this.#inflight.delete(account.accountId);
    });
    this.#inflight.set(account.accountId, refreshing);
    return refreshing;
  }

  /**
   * For tokens being imported (no account yet, so nothing to lock or write): refreshes them first when they
   * are expired or about to be, so that the account is validated — and stored — with a working token.
   */
  async freshForImport(
    environmentId: string,
    integration: IntegrationDefinition,
    context: AccountContext,
  ): Promise<AccountContext> {
    const kind = integration.authKindOf(context);
    const token = oauthTokenOf(context);
    if (kind.kind !== 'oauth2' || !token?.refresh_token || !this.#expiring(token, kind)) return context;
    const app = await this.#deps.environmentIntegrations.oauthApp(environmentId, integration);
    const result = await this.#withRetries(() =>
      requestToken({
        kind,
        app,
        context,
        grant: { grant_type: 'refresh_token', refresh_token: token.refresh_token! },
        label: integration.label,
      }),
    );
    this.counters.refreshes++;
    const fresh = { ...result.token, refresh_token: result.token.refresh_token ?? token.refresh_token };
    const oauth = (context['oauth'] as Record<string, unknown> | undefined) ?? {};
    return { ...context, ...result.lifted, oauth: { ...oauth, token: fresh } };
  }

  /** Forgets what is remembered for an account (deleted, reconnected, or needing reauthentication). */
  forget(accountId: string): void {
    this.#latest.delete(accountId);
  }

  #freshest(account: TokenAccount): OAuthToken | undefined {
    const remembered = this.#latest.get(account.accountId);
    if (remembered && remembered.version > account.credentialsVersion) return remembered.token;
    return oauthTokenOf(account.context);
  }

  #expiring(token: OAuthToken, kind: OAuth2Auth): boolean {
    if (!token.expires_at) return false;
    return Date.parse(token.expires_at) - this.#now() < kind.refreshBufferSeconds * 1000;
  }

  #remember(accountId: string, token: OAuthToken, version: number): OAuthToken {
    if (this.#latest.size >= MAX_REMEMBERED && !this.#latest.has(accountId)) {
      this.#latest.delete(this.#latest.keys().next().value!);
    }
    this.#latest.set(accountId, { token, version });
    return token;
  }

  async #refreshLocked(
    account: TokenAccount,
    kind: OAuth2Auth,
    stale: string | undefined,
    reason: RefreshReason,
  ): Promise<OAuthToken> {
    const { integration } = account;
    const label = integration.label;
    try {
      return await this.#deps.locks.withLock(`oauth-refresh:${account.accountId}`, async (db) => {
        const row = await findAccountRow(db, account.environmentId, account.accountId);
        if (!row)
          throw new SwitchboardError('NOT_FOUND', `integrated account ${account.accountId} was not found`);
        const context = openContext(this.#deps.keyring, row);
        const stored = oauthTokenOf(context);
        const version = Number(row.credentials_version);
        // Another worker refreshed while this one waited: its tokens are the ones to use.
        if (stored && stale !== undefined && stored.access_token !== stale && !this.#expiring(stored, kind)) {
          this.counters.reusedAfterLock++;
          return this.#remember(account.accountId, stored, version);
        }
        if (reason === 'expiring' && stored && !this.#expiring(stored, kind)) {
          return this.#remember(account.accountId, stored, version);
        }
        const grant =
          kind.grant === 'client_credentials'
            ? ({ grant_type: 'client_credentials' } as const)
            : stored?.refresh_token
              ? ({ grant_type: 'refresh_token', refresh_token: stored.refresh_token } as const)
              : undefined;
        // Without a refresh token nothing can renew the grant: that is for the customer, not the OAuth app.
        if (!grant) throw new GrantRevoked(`${label} gave this account no refresh token`, null);
        const app = await this.#deps.environmentIntegrations.oauthApp(account.environmentId, integration);
        const result = await this.#withRetries(() => requestToken({ kind, app, context, grant, label }));
        this.counters.refreshes++;
        const token: OAuthToken = {
          ...result.token,
          // Vendors that do not rotate refresh tokens send none back: the old one stays valid.
          ...(result.token.refresh_token
            ? {}
            : stored?.refresh_token
              ? { refresh_token: stored.refresh_token }
              : {}),
        };
        const oauth = (context['oauth'] as Record<string, unknown> | undefined) ?? {};
        const next: AccountContext = { ...context, ...result.lifted, oauth: { ...oauth, token } };
        const sealed = sealContext(this.#deps.keyring, next, secretNames(integration));
        const at = new Date(this.#now()).toISOString();
        if (!(await writeCredentials(db, account.accountId, version, sealed, at))) {
          // The credentials changed under the lock (a reconnect): theirs win; use what is stored now.
          const now = await findAccountRow(db, account.environmentId, account.accountId);
          const current = now ? oauthTokenOf(openContext(this.#deps.keyring, now)) : undefined;
          if (!current) throw needsReauth(integration, 'the account changed while its token was refreshed');
          return this.#remember(account.accountId, current, Number(now!.credentials_version));
        }
        return this.#remember(account.accountId, token, version + 1);
      });
    } catch (error) {
      if (error instanceof GrantRevoked) {
        this.counters.revoked++;
        this.forget(account.accountId);
        await this.#deps.accounts.markNeedsReauth(
          account.environmentId,
          account.accountId,
          `${error.message}; the customer must reconnect`,
        );
        throw needsReauth(integration, error.message);
      }
      if (error instanceof TokenEndpointUnavailable) {
        this.counters.transientFailures++;
        const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 5_000) / 1000));
        throw new SwitchboardError(
          'TOKEN_REFRESH_UNAVAILABLE',
          `${error.message}; the account's access token could not be refreshed, retry in ${seconds} s`,
          { headers: { 'retry-after': String(seconds) } },
        );
      }
      if (error instanceof TokenRequestRefused) {
        throw new SwitchboardError(
          'TOKEN_REFRESH_REFUSED',
          `${error.message}. Check the environment's OAuth app (client id and secret) for ${label}`,
        );
      }
      throw error;
    }
  }

  async #withRetries<T>(run: () => Promise<T>): Promise<T> {
    const sleep = this.#deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
    for (let attempt = 0; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        const wait = TRANSIENT_RETRIES[attempt];
        if (!(error instanceof TokenEndpointUnavailable) || wait === undefined) throw error;
        await sleep(error.retryAfterMs !== undefined ? Math.min(error.retryAfterMs, 5_000) : wait);
      }
    }
  }
}

export function needsReauth(integration: IntegrationDefinition, why: string): SwitchboardError {
  return new SwitchboardError(
    'ACCOUNT_NEEDS_REAUTH',
    `${integration.label} no longer accepts this account's authorization (${why}). The customer must reconnect ` +
      'it: create a link token with this integrated_account_id and send them through the connect page',
  );
}
