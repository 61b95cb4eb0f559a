/**
 * The ways an application can act for a customer at a vendor, as data. An integration lists one or more;
 * an account uses one (`context.authentication_method`). Each kind names its credential fields (what the
 * connect page asks for and `POST /integrated-account` checks) and how credentials are put on a request.
 * OAuth 2.0 tokens live in Truto's shape, `context.oauth.token = { access_token, refresh_token?,
 * expires_at?, scope?, token_type? }`; obtaining and refreshing them is `src/oauth/`'s job.
 */
import type { AccountContext } from '../types.ts';
import type { JsonPath } from './select.ts';

export interface CredentialField {
  name: string;
  label: string;
  type: 'text' | 'password' | 'select';
  /** Secret fields are encrypted at rest and never returned, logged or echoed in errors. */
  secret: boolean;
  required: boolean;
  help?: string;
  placeholder?: string;
  options?: Array<{ label: string; value: string }>;
  /** A value must match (checked before anything is sent), e.g. a subdomain `^[a-z0-9-]+$`. */
  pattern?: string;
}

export interface Injection {
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

export interface ApiKeyAuth {
  kind: 'api_key';
  label: string;
  /** Where the customer finds the key (shown on the connect page). */
  help?: string;
  fields: CredentialField[];
  inject(context: AccountContext): Injection;
}

export interface OAuth2Auth {
  kind: 'oauth2';
  /** `client_credentials` links without a redirect (Wix); `authorization_code` asks the customer. */
  grant: 'authorization_code' | 'client_credentials';
  label: string;
  /** May hold `{field}` placeholders from the context (a data centre, a subdomain). */
  authorizeUrl: string;
  tokenUrl: string;
  /** Least scopes that read users; the environment's OAuth app may set its own. */
  scopes: string[];
  scopeSeparator: string;
  pkce: boolean;
  /** How the client authenticates at the token endpoint. */
  clientAuth: 'body' | 'basic';
  /** How it authenticates when refreshing, when the vendor wants another way (Keap: Basic); default `clientAuth`. */
  refreshClientAuth: 'body' | 'basic';
  authorizeParams: Record<string, string>;
  /** Extra token-request parameters; values may hold `{field}` placeholders from the context (Wix `instance_id`). */
  tokenParams: Record<string, string>;
  refreshParams: Record<string, string>;
  /** How token requests are encoded: `form` (RFC 6749) or `json` (Wix). */
  tokenFormat: 'form' | 'json';
  /** Values lifted from the token response into the account's context (Salesforce `instance_url`). */
  tokenContext: Record<string, JsonPath>;
  /** Refresh this long before `expires_at` (default 900 s). */
  refreshBufferSeconds: number;
  /** Fields asked before the redirect (a region, a subdomain); stored in the context. */
  fields: CredentialField[];
  /** Token-endpoint answers that mean the grant is gone, besides `invalid_grant`. */
  revokedErrors: string[];
  /**
   * Where the vendor serves OAuth (patterns like `https://accounts.zoho.*`… written as served origins):
   * the only origins, besides operator-allowed ones, that authorize and token URLs may point at.
   * Default: the origins of `authorizeUrl` and `tokenUrl`.
   */
  oauthOrigins: string[];
  inject(accessToken: string, context: AccountContext): Injection;
}

export type AuthKind = ApiKeyAuth | OAuth2Auth;

function text(context: AccountContext, name: string): string {
  const value = context[name];
  return typeof value === 'string' ? value : '';
}

/** One secret field sent in a header, with an optional prefix (`Bearer `, `Token token=`). */
export function apiKeyHeader(options: {
  field?: Partial<CredentialField> & { name: string };
  header: string;
  prefix?: string;
  label?: string;
  help?: string;
  /** Further fields of the same kind (an account host, a user name). */
  extraFields?: CredentialField[];
}): ApiKeyAuth {
  const field: CredentialField = {
    label: 'API key',
    type: 'password',
    secret: true,
    required: true,
    ...options.field,
  } as CredentialField;
  return {
    kind: 'api_key',
    label: options.label ?? 'API key',
    help: options.help,
    fields: [field, ...(options.extraFields ?? [])],
    inject: (context) => ({
      headers: { [options.header]: `${options.prefix ?? ''}${text(context, field.name)}` },
    }),
  };
}

/** A bearer token (personal access token, private app token) in `Authorization`. */
export function bearerToken(options: {
  field?: Partial<CredentialField> & { name: string };
  label?: string;
  help?: string;
  extraFields?: CredentialField[];
}): ApiKeyAuth {
  return apiKeyHeader({ ...options, header: 'authorization', prefix: 'Bearer ' });
}

/** HTTP Basic: user name and password fields (the password may be fixed, e.g. an API key as user name). */
export function basicAuth(options: {
  username: CredentialField;
  password?: CredentialField;
  /** When there is no password field: the fixed password (often empty or `X`). */
  fixedPassword?: string;
  label?: string;
  help?: string;
  extraFields?: CredentialField[];
}): ApiKeyAuth {
  const fields = [
    options.username,
    ...(options.password ? [options.password] : []),
    ...(options.extraFields ?? []),
  ];
  return {
    kind: 'api_key',
    label: options.label ?? 'API key',
    help: options.help,
    fields,
    inject(context) {
      const user = text(context, options.username.name);
      const password = options.password
        ? text(context, options.password.name)
        : (options.fixedPassword ?? '');
      return { headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` } };
    },
  };
}

/** Several headers at once (LeadSquared's access key and secret key). */
export function apiKeyHeaders(options: {
  fields: CredentialField[];
  headers: Record<string, string>;
  label?: string;
  help?: string;
}): ApiKeyAuth {
  return {
    kind: 'api_key',
    label: options.label ?? 'API keys',
    help: options.help,
    fields: options.fields,
    inject: (context) => ({
      headers: Object.fromEntries(
        Object.entries(options.headers).map(([header, field]) => [header, text(context, field)]),
      ),
    }),
  };
}

export interface OAuth2Options {
  grant?: OAuth2Auth['grant'];
  label?: string;
  authorizeUrl?: string;
  tokenUrl: string;
  scopes: string[];
  scopeSeparator?: string;
  pkce?: boolean;
  clientAuth?: OAuth2Auth['clientAuth'];
  refreshClientAuth?: OAuth2Auth['refreshClientAuth'];
  authorizeParams?: Record<string, string>;
  tokenParams?: Record<string, string>;
  refreshParams?: Record<string, string>;
  tokenFormat?: OAuth2Auth['tokenFormat'];
  tokenContext?: Record<string, JsonPath>;
  refreshBufferSeconds?: number;
  fields?: CredentialField[];
  revokedErrors?: string[];
  oauthOrigins?: string[];
  /** Default: `Authorization: Bearer <access token>`. */
  inject?: OAuth2Auth['inject'];
}

export function oauth2(options: OAuth2Options): OAuth2Auth {
  return {
    kind: 'oauth2',
    grant: options.grant ?? 'authorization_code',
    label: options.label ?? 'OAuth',
    authorizeUrl: options.authorizeUrl ?? '',
    tokenUrl: options.tokenUrl,
    scopes: options.scopes,
    scopeSeparator: options.scopeSeparator ?? ' ',
    pkce: options.pkce ?? true,
    clientAuth: options.clientAuth ?? 'body',
    refreshClientAuth: options.refreshClientAuth ?? options.clientAuth ?? 'body',
    authorizeParams: options.authorizeParams ?? {},
    tokenParams: options.tokenParams ?? {},
    refreshParams: options.refreshParams ?? {},
    tokenFormat: options.tokenFormat ?? 'form',
    tokenContext: options.tokenContext ?? {},
    refreshBufferSeconds: options.refreshBufferSeconds ?? 900,
    fields: options.fields ?? [],
    revokedErrors: options.revokedErrors ?? [],
    oauthOrigins:
      options.oauthOrigins ??
      [options.authorizeUrl, options.tokenUrl]
        .filter((u): u is string => typeof u === 'string' && !u.includes('{'))
        .map((u) => new URL(u).origin),
    inject: options.inject ?? ((token) => ({ headers: { authorization: `Bearer ${token}` } })),
  };
}

/** The Truto-shaped OAuth token of an account, if it has one. */
export interface OAuthToken {
  access_token: string;
  refresh_token?: string;
  /** ISO 8601. */
  expires_at?: string;
  scope?: string;
  token_type?: string;
}

export function oauthTokenOf(context: AccountContext): OAuthToken | undefined {
  const oauth = context['oauth'];
  if (!oauth || typeof oauth !== 'object') return undefined;
  const token = (oauth as { token?: unknown }).token;
  if (!token || typeof token !== 'object') return undefined;
  const accessToken = (token as { access_token?: unknown }).access_token;
  return typeof accessToken === 'string' && accessToken !== '' ? (token as OAuthToken) : undefined;
}
