/**
 * The authorization server's state: authorization codes, token families, access and refresh tokens.
 * Everything a grant issues belongs to its family, so reuse of a rotated refresh token (or of a used
 * code) can revoke every token descending from that consent, as Salesforce does and RFC 6749 §4.1.2 and
 * §10.4 advise.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  type AccessGrant,
  type Grant,
  type IssuedTokens,
  OAuthError,
  type OAuthServerOptions,
  type OAuthStats,
  type RefreshMode,
  type RefreshTokenState,
} from './types.ts';

interface Family {
  grant: Grant;
  revoked: boolean;
  access: Set<string>;
  refresh: Set<string>;
}

interface AccessRecord {
  family: Family;
  expiresAt: number | null;
  revoked: boolean;
}

interface RefreshRecord {
  family: Family;
  expiresAt: number | null;
  state: 'active' | 'rotated' | 'revoked';
}

export interface CodeRequest {
  clientId: string;
  /** The redirect_uri as sent to authorize (undefined when the client's only one was implied). */
  redirectUri: string | undefined;
  scopes: string[];
  account: string;
  challenge?: { value: string; method: 'S256' | 'plain' };
}

interface CodeRecord extends CodeRequest {
  expiresAt: number;
  /** Set once redeemed: a second use revokes this family. */
  family?: Family;
}

function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export function newStats(): OAuthStats {
  return {
    tokenCalls: {},
    invalidGrant: 0,
    invalidClient: 0,
    familyRevocations: 0,
    abandoned: 0,
    consentsShown: 0,
    consentsAllowed: 0,
    consentsDenied: 0,
  };
}

function verifierMatches(challenge: NonNullable<CodeRequest['challenge']>, verifier: string): boolean {
  if (challenge.method === 'plain') return verifier === challenge.value;
  return createHash('sha256').update(verifier).digest('base64url') === challenge.value;
}

export class OAuthStore {
  readonly #options: OAuthServerOptions;
  readonly #codes = new Map<string, CodeRecord>();
  readonly #access = new Map<string, AccessRecord>();
  readonly #refresh = new Map<string, RefreshRecord>();
  readonly #families = new Map<string, Family>();
  refreshMode: RefreshMode;
  accessTokenLifetime: number | null;
  stats: OAuthStats = newStats();

  constructor(options: OAuthServerOptions) {
    this.#options = options;
    this.refreshMode = options.refreshTokens ?? 'rotating';
    this.accessTokenLifetime = options.accessTokenLifetime === undefined ? 3600 : options.accessTokenLifetime;
  }

  issueCode(request: CodeRequest): string {
    const code = randomToken();
    this.#codes.set(code, { ...request, expiresAt: Date.now() + (this.#options.codeLifetime ?? 60) * 1000 });
    return code;
  }

  /** Starts a family and issues its first tokens. */
  startFamily(
    grant: Omit<Grant, 'id' | 'createdAt'>,
    tokens: { accessExpiresIn?: number | null; refresh: boolean; refreshExpiresIn?: number | null },
  ): { family: Grant; issued: IssuedTokens } {
    const family: Family = {
      grant: { ...grant, id: randomBytes(9).toString('base64url'), createdAt: Date.now() },
      revoked: false,
      access: new Set(),
      refresh: new Set(),
    };
    this.#families.set(family.grant.id, family);
    const issued = this.#issue(family, tokens.accessExpiresIn, tokens.refresh, tokens.refreshExpiresIn);
    return { family: family.grant, issued };
  }

  /** The authorization_code grant (RFC 6749 §4.1.3, RFC 7636 §4.6). */
  redeemCode(
    clientId: string,
    code: string | undefined,
    redirectUri: string | undefined,
    verifier: string | undefined,
  ): { grant: Grant; issued: IssuedTokens } {
    if (!code) throw new OAuthError('invalid_request', 'code is required');
    const record = this.#codes.get(code);
    if (!record) throw this.#invalidGrant('authorization code is invalid');
    if (record.family) {
      this.#revokeFamily(record.family, true);
      throw this.#invalidGrant('authorization code was already used');
    }
    if (record.expiresAt <= Date.now()) throw this.#invalidGrant('authorization code expired');
    if (record.clientId !== clientId)
      throw this.#invalidGrant('authorization code was issued to another client');
    if (record.redirectUri !== undefined && record.redirectUri !== redirectUri)
      throw this.#invalidGrant('redirect_uri does not match the authorization request');
    if (record.challenge) {
      if (!verifier) throw this.#invalidGrant('code_verifier is required');
      if (!verifierMatches(record.challenge, verifier))
        throw this.#invalidGrant('code_verifier does not match');
    } else if (verifier) throw this.#invalidGrant('code_verifier sent for a code issued without a challenge');
    const { family, issued } = this.startFamily(
      { clientId, account: record.account, scopes: record.scopes, grantType: 'authorization_code' },
      { refresh: true },
    );
    record.family = this.#families.get(family.id);
    return { grant: family, issued };
  }

  /** The refresh_token grant (RFC 6749 §6), rotating or reusable. */
  refresh(
    clientId: string,
    token: string | undefined,
    scopes: string[] | undefined,
  ): { grant: Grant; issued: IssuedTokens } {
    if (!token) throw new OAuthError('invalid_request', 'refresh_token is required');
    const record = this.#refresh.get(token);
    if (!record) throw this.#invalidGrant('refresh token is invalid');
    const family = record.family;
    if (family.grant.clientId !== clientId)
      throw this.#invalidGrant('refresh token was issued to another client');
    if (record.state === 'rotated') {
      this.#revokeFamily(family, true);
      throw this.#invalidGrant('refresh token was already used; every token of its grant is revoked');
    }
    if (family.revoked || record.state === 'revoked') throw this.#invalidGrant('refresh token was revoked');
    if (record.expiresAt !== null && record.expiresAt <= Date.now())
      throw this.#invalidGrant('refresh token expired');
    let grantScopes = family.grant.scopes;
    if (scopes && scopes.length > 0) {
      const extra = scopes.filter((s) => !family.grant.scopes.includes(s));
      if (extra.length > 0) throw new OAuthError('invalid_scope', `scope not granted: ${extra.join(' ')}`);
      grantScopes = scopes;
    }
    const grant = { ...family.grant, scopes: grantScopes };
    if (this.refreshMode === 'rotating') {
      record.state = 'rotated';
      const issued = this.#issue(family, undefined, true, undefined, grantScopes);
      return { grant, issued };
    }
    const issued = this.#issue(family, undefined, false, undefined, grantScopes);
    return { grant, issued: { ...issued, refreshToken: token, refreshExpiresAt: record.expiresAt } };
  }

  validateAccessToken(token: string): AccessGrant | undefined {
    const record = this.#access.get(token);
    if (!record || record.revoked || record.family.revoked) return undefined;
    if (record.expiresAt !== null && record.expiresAt <= Date.now()) return undefined;
    return { ...record.family.grant, token, expiresAt: record.expiresAt };
  }

  /** Why an access token is or is not usable (undefined: never issued here), e.g. for "expired N minutes ago" bodies. */
  accessTokenState(
    token: string,
  ): { state: 'active' | 'expired' | 'revoked'; expiresAt: number | null } | undefined {
    const record = this.#access.get(token);
    if (!record) return undefined;
    if (record.revoked || record.family.revoked) return { state: 'revoked', expiresAt: record.expiresAt };
    if (record.expiresAt !== null && record.expiresAt <= Date.now())
      return { state: 'expired', expiresAt: record.expiresAt };
    return { state: 'active', expiresAt: record.expiresAt };
  }

  /** Introspection view of any token (RFC 7662), whatever its kind. */
  lookup(token: string): { kind: 'access' | 'refresh'; grant: Grant; expiresAt: number | null } | undefined {
    const access = this.validateAccessToken(token);
    if (access) return { kind: 'access', grant: access, expiresAt: access.expiresAt };
    const record = this.#refresh.get(token);
    if (record && this.refreshTokenState(token) === 'active')
      return { kind: 'refresh', grant: record.family.grant, expiresAt: record.expiresAt };
    return undefined;
  }

  refreshTokenState(token: string): RefreshTokenState | undefined {
    const record = this.#refresh.get(token);
    if (!record) return undefined;
    if (record.family.revoked || record.state === 'revoked') return 'revoked';
    if (record.state === 'rotated') return 'rotated';
    if (record.expiresAt !== null && record.expiresAt <= Date.now()) return 'expired';
    return 'active';
  }

  /** The client a token was issued to, if the token is known. */
  clientOf(token: string): string | undefined {
    return (this.#access.get(token) ?? this.#refresh.get(token))?.family.grant.clientId;
  }

  /**
   * Revokes a refresh token and, with `cascade` (default), everything of its family; false when unknown.
   * Without cascade only that refresh token dies (HubSpot's DELETE refresh-token leaves access tokens be).
   */
  revokeRefreshToken(token: string, cascade = true): boolean {
    const record = this.#refresh.get(token);
    if (!record) return false;
    if (cascade) this.#revokeFamily(record.family, false);
    else if (record.state === 'active') record.state = 'revoked';
    return true;
  }

  /** Revokes one access token; false when unknown. */
  revokeAccessToken(token: string): boolean {
    const record = this.#access.get(token);
    if (!record) return false;
    record.revoked = true;
    return true;
  }

  revokeAll(): void {
    for (const family of this.#families.values()) this.#revokeFamily(family, false);
  }

  /** Expires every access token now; returns how many were live. */
  expireAccessTokens(): number {
    const now = Date.now();
    let live = 0;
    for (const record of this.#access.values()) {
      if (record.revoked || (record.expiresAt !== null && record.expiresAt <= now)) continue;
      record.expiresAt = now - 1;
      live++;
    }
    return live;
  }

  #issue(
    family: Family,
    accessExpiresIn: number | null | undefined,
    withRefresh: boolean,
    refreshExpiresIn: number | null | undefined,
    scopes: string[] = family.grant.scopes,
  ): IssuedTokens {
    const now = Date.now();
    const grant = { ...family.grant, scopes };
    const accessToken = this.#options.newAccessToken?.(grant) ?? randomToken();
    const accessLife = accessExpiresIn === undefined ? this.accessTokenLifetime : accessExpiresIn;
    const accessExpiresAt = accessLife === null ? null : now + accessLife * 1000;
    this.#access.set(accessToken, { family, expiresAt: accessExpiresAt, revoked: false });
    family.access.add(accessToken);
    if (!withRefresh) return { grantId: family.grant.id, accessToken, accessExpiresAt };
    const refreshToken = this.#options.newRefreshToken?.(grant) ?? randomToken();
    const refreshLife =
      refreshExpiresIn === undefined ? (this.#options.refreshTokenLifetime ?? null) : refreshExpiresIn;
    const refreshExpiresAt = refreshLife === null ? null : now + refreshLife * 1000;
    this.#refresh.set(refreshToken, { family, expiresAt: refreshExpiresAt, state: 'active' });
    family.refresh.add(refreshToken);
    return { grantId: family.grant.id, accessToken, accessExpiresAt, refreshToken, refreshExpiresAt };
  }

  #revokeFamily(family: Family, forReuse: boolean): void {
    if (forReuse && !family.revoked) this.stats.familyRevocations++;
    family.revoked = true;
    for (const t of family.refresh) {
      const r = this.#refresh.get(t);
      if (r && r.state === 'active') r.state = 'revoked';
    }
    for (const t of family.access) {
      const a = this.#access.get(t);
      if (a) a.revoked = true;
    }
  }

  #invalidGrant(description: string): OAuthError {
    this.stats.invalidGrant++;
    return new OAuthError('invalid_grant', description);
  }
}
