/**
 * The host ("region") field of integrations that can discover where an account lives (LeadSquared):
 * what the page offers, what a customer's choice resolves to, and proving keys on the right host.
 *
 * Customers see only the vendor's own hosts and "Auto-detect", which asks only the vendor's own hosts.
 * Operator-allowed origins (`SWITCHBOARD_ALLOW_UPSTREAM`: sandboxes, proxies) are offered and probed only
 * when the operator turns on `SWITCHBOARD_CONNECT_SANDBOXES`, and then as "Sandbox N", never as raw URLs:
 * a customer's keys are never sent anywhere the vendor does not serve unless the operator asked for it.
 */
import { SwitchboardError } from '../errors.ts';
import type { AccountContext, CredentialField, IntegrationDefinition } from '../integrations/types.ts';
import { checkUpstreamOrigin } from '../upstream/host-guard.ts';

/** The value of a host select that asks the vendor where the account lives. */
export const AUTO_DETECT = 'auto';
const SANDBOX_VALUE = /^sandbox-(\d{1,3})$/;

type Discovery = Awaited<ReturnType<NonNullable<IntegrationDefinition['discoverOrigin']>>>;

export interface RegionSettings {
  /** Every origin an account may point at besides the vendor's (the guard's list). */
  allowedUpstreamOrigins: readonly string[];
  /** Those offered on the page and probed by Auto-detect (empty unless the operator turned it on). */
  sandboxOrigins: readonly string[];
}

export function failure(
  code: 'UNPROCESSABLE' | 'UPSTREAM_UNAVAILABLE' | 'REMOTE_ERROR',
  errorType: 'validation_error' | 'connection_error',
  reason: string,
  message: string,
  extra: Record<string, unknown> = {},
): SwitchboardError {
  return new SwitchboardError(code, message, { details: { error_type: errorType, reason, ...extra } });
}

export function wrongKeys(integration: IntegrationDefinition): SwitchboardError {
  return failure(
    'UNPROCESSABLE',
    'validation_error',
    'invalid_credentials',
    `${integration.label} did not accept these keys. Check them and try again.`,
  );
}

/** The select field that holds the upstream host, for integrations that can discover it. */
export function hostField(integration: IntegrationDefinition): CredentialField | undefined {
  return integration.discoverOrigin ? integration.credentials.find((f) => f.type === 'select') : undefined;
}

export class Regions {
  readonly #settings: RegionSettings;

  constructor(settings: RegionSettings) {
    this.#settings = settings;
  }

  /** The options the page shows for the host field. */
  options(field: CredentialField): Array<{ label: string; value: string }> {
    return [
      { label: 'Auto-detect (recommended)', value: AUTO_DETECT },
      ...(field.options ?? []).map((o) => ({ label: `${o.label} — ${o.value}`, value: o.value })),
      ...this.#settings.sandboxOrigins.map((_, i) => ({
        label: `Sandbox ${i + 1}`,
        value: `sandbox-${i + 1}`,
      })),
    ];
  }

  /** What a customer's choice stands for: a vendor host, AUTO_DETECT, or a sandbox's origin; else undefined. */
  resolve(field: CredentialField, value: string): string | undefined {
    if (value === AUTO_DETECT || field.options?.some((o) => o.value === value)) return value;
    const sandbox = SANDBOX_VALUE.exec(value);
    return sandbox ? this.#settings.sandboxOrigins[Number(sandbox[1]) - 1] : undefined;
  }

  /** How a stored host is named to a customer (sandboxes by number, never by URL). */
  display(field: CredentialField, host: string): string {
    const option = field.options?.find((o) => o.value === host);
    if (option) return `${option.label} — ${host}`;
    const sandbox = this.#settings.sandboxOrigins.indexOf(host);
    return sandbox >= 0 ? `Sandbox ${sandbox + 1}` : host;
  }

  /** The page's value for a stored host (for a wrong-region suggestion). */
  #valueOf(host: string): string {
    const sandbox = this.#settings.sandboxOrigins.indexOf(host);
    return sandbox >= 0 ? `sandbox-${sandbox + 1}` : host;
  }

  /**
   * Proves the keys where the account lives; returns the context to store. The field holds a vendor
   * host, a sandbox origin (already resolved) or AUTO_DETECT.
   */
  async prove(
    integration: IntegrationDefinition,
    field: CredentialField,
    context: AccountContext,
  ): Promise<{ context: AccountContext; accountName?: string }> {
    const discover = integration.discoverOrigin!.bind(integration);
    const choice = String(context[field.name] ?? '');
    if (choice === AUTO_DETECT) return this.#autoDetect(integration, field, context, discover);

    const origin = checkUpstreamOrigin(integration, context, this.#settings.allowedUpstreamOrigins);
    const found = await discover(context, { probeOrigins: [origin] });
    if (found.kind === 'found') {
      const host = this.#usableHost(integration, context, field, found);
      if (host !== undefined && this.#sameOrigin(integration, context, field, host, origin)) {
        return { context, accountName: found.accountName };
      }
      throw this.#wrongRegion(integration, field, choice, found.apiHost, host);
    }
    if (found.kind === 'unreachable') {
      throw failure(
        'UPSTREAM_UNAVAILABLE',
        'connection_error',
        'unreachable',
        `We could not reach ${integration.label} at ${this.display(field, choice)}. ` +
          'Check the region, or try again in a moment.',
      );
    }
    // The chosen host refused the keys. LeadSquared refuses keys on another region's host, so ask the
    // vendor's own default host whether they belong elsewhere before calling them wrong (never a sandbox:
    // real hosts know nothing of a sandbox's keys, and a sandbox must not see real keys).
    if (!this.#settings.allowedUpstreamOrigins.includes(origin)) {
      const elsewhere = await discover(context);
      if (elsewhere.kind === 'found') {
        const host = this.#usableHost(integration, context, field, elsewhere);
        if (host === undefined || !this.#sameOrigin(integration, context, field, host, origin)) {
          throw this.#wrongRegion(integration, field, choice, elsewhere.apiHost, host);
        }
      }
    }
    throw wrongKeys(integration);
  }

  /**
   * Asks the vendor's own hosts (and the sandboxes, when the operator offers them) where the keys live.
   * A vendor host's answer decides: found there → linked there; refused there → wrong keys; unreachable →
   * "could not reach", even if a sandbox refused the keys (a sandbox says nothing about real keys).
   */
  async #autoDetect(
    integration: IntegrationDefinition,
    field: CredentialField,
    context: AccountContext,
    discover: NonNullable<IntegrationDefinition['discoverOrigin']>,
  ): Promise<{ context: AccountContext; accountName?: string }> {
    const sandboxes = this.#settings.sandboxOrigins;
    const [vendor, ...inSandboxes] = await Promise.all([
      discover(context),
      ...sandboxes.map((origin) => discover(context, { probeOrigins: [origin] })),
    ]);
    const found: Discovery | undefined =
      vendor!.kind === 'found' ? vendor : inSandboxes.find((outcome) => outcome.kind === 'found');
    if (found?.kind === 'found') {
      const host = this.#usableHost(integration, context, field, found);
      if (!host) {
        throw failure(
          'UNPROCESSABLE',
          'validation_error',
          'unknown_region',
          `${integration.label} placed these keys on ${found.apiHost}, which this server is not set up to call. ` +
            'Choose your region from the list.',
        );
      }
      return { context: { ...context, [field.name]: host }, accountName: found.accountName };
    }
    if (vendor!.kind === 'unauthorized') throw wrongKeys(integration);
    throw failure(
      'UPSTREAM_UNAVAILABLE',
      'connection_error',
      'unreachable',
      `We could not reach ${integration.label} to find your region. ` +
        'Choose your region from the list, or try again in a moment.',
      {
        hosts: [
          { host: integration.label, outcome: vendor!.kind },
          ...inSandboxes.map((outcome, i) => ({ host: `Sandbox ${i + 1}`, outcome: outcome.kind })),
        ],
      },
    );
  }

  /**
   * The host value to store for a discovery result, if Switchboard may call it. A bare host is read as
   * HTTPS (how vendors name their hosts), then with the probed origin's scheme (a local sandbox names
   * itself `127.0.0.1:8181` and speaks plain HTTP).
   */
  #usableHost(
    integration: IntegrationDefinition,
    context: AccountContext,
    field: CredentialField,
    found: { apiHost: string; probedOrigin: string },
  ): string | undefined {
    const candidates = [found.apiHost];
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(found.apiHost)) {
      candidates.push(`${new URL(found.probedOrigin).protocol}//${found.apiHost}`);
    }
    for (const candidate of candidates) {
      try {
        const origin = checkUpstreamOrigin(
          integration,
          { ...context, [field.name]: candidate },
          this.#settings.allowedUpstreamOrigins,
        );
        // Store a vendor host the way the vendor shows it; anything else as its origin.
        return candidate === found.apiHost ? candidate : origin;
      } catch {}
    }
    return undefined;
  }

  #sameOrigin(
    integration: IntegrationDefinition,
    context: AccountContext,
    field: CredentialField,
    host: string,
    origin: string,
  ): boolean {
    try {
      return new URL(integration.upstreamOrigin({ ...context, [field.name]: host })).origin === origin;
    } catch {
      return false;
    }
  }

  #wrongRegion(
    integration: IntegrationDefinition,
    field: CredentialField,
    chosen: string,
    reported: string,
    usable: string | undefined,
  ): SwitchboardError {
    if (usable === undefined) {
      return failure(
        'UNPROCESSABLE',
        'validation_error',
        'wrong_region',
        `Your ${integration.label} account is on ${reported}, which this server is not set up to call. ` +
          `You chose ${this.display(field, chosen)}.`,
        { field: field.name },
      );
    }
    const known = field.options?.find((o) => o.value === usable);
    return failure(
      'UNPROCESSABLE',
      'validation_error',
      'wrong_region',
      `Your ${integration.label} account is on ${this.display(field, usable)}. You chose ${this.display(field, chosen)}.`,
      {
        suggested_value: this.#valueOf(usable),
        suggested_label: known ? known.label : this.display(field, usable),
        field: field.name,
      },
    );
  }
}
