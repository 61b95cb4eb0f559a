/**
 * The SSRF guard for every upstream call: an account's upstream origin must be one its integration
 * serves (LeadSquared: its regional HTTPS hosts) or one the operator allowed explicitly
 * (`SWITCHBOARD_ALLOW_UPSTREAM`, e.g. a local sandbox). Anything else is refused with a 400 saying why.
 */
import { SwitchboardError } from '../errors.ts';
import type { AccountContext, IntegrationDefinition } from '../integrations/types.ts';

export function checkUpstreamOrigin(
  integration: IntegrationDefinition,
  context: AccountContext,
  operatorAllowed: readonly string[],
): string {
  const raw = integration.upstreamOrigin(context);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SwitchboardError(
      'UPSTREAM_HOST_NOT_ALLOWED',
      `"${raw}" is not a valid host for ${integration.label}`,
    );
  }
  if (
    url.username ||
    url.password ||
    (url.pathname !== '/' && url.pathname !== '') ||
    url.search ||
    url.hash
  ) {
    throw new SwitchboardError(
      'UPSTREAM_HOST_NOT_ALLOWED',
      `the ${integration.label} host must be a bare host name or origin, without credentials, path or query`,
    );
  }
  if (integration.servesOrigin(url) || operatorAllowed.includes(url.origin)) return url.origin;
  throw new SwitchboardError(
    'UPSTREAM_HOST_NOT_ALLOWED',
    `${url.origin} is not a ${integration.label} API host: use ${integration.servedOriginsHint}` +
      ' (an operator can allow other origins with SWITCHBOARD_ALLOW_UPSTREAM)',
  );
}
