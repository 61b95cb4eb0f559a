/**
 * `defineIntegration`: an integration written as data — its auth kinds, base URL template and the
 * origins the vendor serves, rate-limit policy, error rules, validation call, resources and unified
 * mappings — turned into the `IntegrationDefinition` the rest of Switchboard uses.
 *
 * Every integration also accepts `context.api_origin`: an origin the operator allows with
 * `SWITCHBOARD_ALLOW_UPSTREAM` that replaces the vendor's for that account (emulators, self-hosted or
 * regional deployments). The host guard refuses it otherwise.
 */
import type { UnifiedResourceMapping } from '../../unified/types.ts';
import type { UpstreamCall, UpstreamResponse } from '../../upstream/types.ts';
import type {
  AccountContext,
  AsyncCheck,
  IntegrationDefinition,
  RateLimitPolicy,
  VendorErrorVerdict,
} from '../types.ts';
import { type AuthKind, type CredentialField, oauthTokenOf } from './auth.ts';
import { type ErrorRules, errorRules } from './errors.ts';
import type { ProxyResource } from './resource.ts';

export interface IntegrationSpec {
  name: string;
  label: string;
  category: string;
  docsUrl?: string;
  auth: AuthKind[];
  /** Non-credential context fields (an API host, a subdomain). */
  config?: CredentialField[];
  /** `https://api.hubapi.com`, `{instance_url}`, `https://{subdomain}.api.accelo.com`, or a function. */
  baseUrl: string | ((context: AccountContext) => string);
  /** Origins the vendor serves: exact (`https://api.hubapi.com`) or one-label wildcards (`https://*.my.salesforce.com`). */
  served: string[] | ((origin: URL) => boolean);
  /** How to name the served origins in errors (default: the list). */
  servedHint?: string;
  /** A path prefix; `{field}` placeholders are filled from the context (each value URL-encoded). */
  basePath?: string;
  /** A cheap read that proves the credentials; a function of the context when it needs a context value. */
  validation?: UpstreamCall | ((context: AccountContext) => UpstreamCall);
  rateLimit: RateLimitPolicy;
  errors: ErrorRules | ((response: UpstreamResponse) => VendorErrorVerdict | undefined);
  discoverOrigin?: IntegrationDefinition['discoverOrigin'];
  resources: Record<string, ProxyResource>;
  unified: Record<string, UnifiedResourceMapping>;
  asyncChecks?: Record<
    string,
    IntegrationDefinition['asyncChecks'] extends infer A
      ? A extends Record<string, infer F>
        ? F
        : never
      : never
  >;
}

/** `{field}` placeholders filled from the context (a missing value leaves the URL invalid, so the host guard refuses it). */
export function fillTemplate(template: string, context: AccountContext): string {
  return template.replace(/\{([a-z_][a-z0-9_]*)\}/gi, (_, name: string) => {
    const value = context[name];
    return typeof value === 'string' ? value : '';
  });
}

/** Does `origin` match one of the served patterns (default HTTPS port only for wildcards)? */
export function originMatcher(patterns: string[]): (origin: URL) => boolean {
  const compiled = patterns.map((pattern) => {
    const url = new URL(pattern.replace('*.', 'wildcard.'));
    const wildcard = pattern.includes('://*.');
    const suffix = url.hostname.slice('wildcard'.length);
    return (origin: URL) =>
      wildcard
        ? origin.protocol === url.protocol &&
          origin.port === url.port &&
          origin.hostname.endsWith(suffix) &&
          /^[a-z0-9-]+$/i.test(origin.hostname.slice(0, -suffix.length))
        : origin.origin === url.origin;
  });
  return (origin) => compiled.some((test) => test(origin));
}

/** A path template's `{field}` placeholders filled from the context, each value as one URL-encoded segment. */
export function fillPathTemplate(template: string, context: AccountContext): string {
  return template.replace(/\{([a-z_][a-z0-9_]*)\}/gi, (_, name: string) => {
    const value = context[name];
    if (typeof value !== 'string') return '';
    // `.` and `..` alone would be read as path steps: encode them too.
    return /^\.{1,2}$/.test(value) ? value.replaceAll('.', '%2E') : encodeURIComponent(value);
  });
}

function uniqueFields(fields: CredentialField[]): CredentialField[] {
  const seen = new Map<string, CredentialField>();
  for (const field of fields) if (!seen.has(field.name)) seen.set(field.name, field);
  return [...seen.values()];
}

export function defineIntegration(spec: IntegrationSpec): IntegrationDefinition {
  if (spec.auth.length === 0) throw new Error(`${spec.name}: declare at least one auth kind`);
  const baseUrl = spec.baseUrl;
  const template =
    typeof baseUrl === 'function' ? baseUrl : (context: AccountContext) => fillTemplate(baseUrl, context);
  const served = typeof spec.served === 'function' ? spec.served : originMatcher(spec.served);
  const authKindOf = (context: AccountContext): AuthKind => {
    const chosen = context['authentication_method'];
    const named = spec.auth.find((kind) => kind.kind === chosen);
    if (named) return named;
    if (oauthTokenOf(context)) return spec.auth.find((kind) => kind.kind === 'oauth2') ?? spec.auth[0]!;
    return spec.auth.find((kind) => kind.kind === 'api_key') ?? spec.auth[0]!;
  };
  return {
    name: spec.name,
    label: spec.label,
    category: spec.category,
    docsUrl: spec.docsUrl,
    auth: spec.auth,
    config: spec.config ?? [],
    credentials: uniqueFields([...spec.auth.flatMap((kind) => kind.fields), ...(spec.config ?? [])]),
    upstreamOrigin(context) {
      const override = context['api_origin'];
      return typeof override === 'string' && override !== '' ? override : template(context);
    },
    servesOrigin: served,
    servedOriginsHint:
      spec.servedHint ?? (Array.isArray(spec.served) ? spec.served.join(' or ') : spec.label),
    basePath: spec.basePath ?? '',
    ...(spec.basePath?.includes('{')
      ? { basePathFor: (context: AccountContext) => fillPathTemplate(spec.basePath!, context) }
      : {}),
    authKindOf,
    authorize(context) {
      const kind = authKindOf(context);
      if (kind.kind === 'api_key') return kind.inject(context);
      const token = oauthTokenOf(context);
      return token ? kind.inject(token.access_token, context) : {};
    },
    validation: spec.validation,
    rateLimit: spec.rateLimit,
    detectError: typeof spec.errors === 'function' ? spec.errors : errorRules(spec.label, spec.errors),
    discoverOrigin: spec.discoverOrigin,
    proxy: spec.resources,
    unified: spec.unified,
    asyncChecks: spec.asyncChecks as Record<string, never> | undefined,
  } satisfies IntegrationDefinition;
}

export type { AsyncCheck };
