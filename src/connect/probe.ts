/**
 * One validation call with the outcome told apart (accepted, refused, unreachable, vendor failure), for
 * integrations that cannot discover their host. Nothing is stored; secrets never enter the messages.
 */
import {
  type AccountContext,
  basePathOf,
  type IntegrationDefinition,
  validationCall,
} from '../integrations/types.ts';
import { sendUpstream } from '../upstream/http.ts';

const PROBE_TIMEOUT_MS = 10_000;

export type ProbeOutcome =
  | { kind: 'ok' }
  | { kind: 'unauthorized'; message: string }
  | { kind: 'unreachable'; message: string }
  | { kind: 'vendor_error'; message: string };

export async function probeCredentials(
  integration: IntegrationDefinition,
  origin: string,
  context: AccountContext,
): Promise<ProbeOutcome> {
  const validation = validationCall(integration, context);
  if (!validation) return { kind: 'ok' };
  let response: Awaited<ReturnType<typeof sendUpstream>>;
  try {
    response = await sendUpstream({
      ...validation,
      origin,
      basePath: basePathOf(integration, context),
      auth: integration.authorize(context),
      timeoutMs: PROBE_TIMEOUT_MS,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    return { kind: 'unreachable', message: `could not reach ${origin}${code ? ` (${code})` : ''}` };
  }
  const verdict = integration.detectError(response);
  if (!verdict) return { kind: 'ok' };
  if (verdict.unauthorized) return { kind: 'unauthorized', message: verdict.message };
  return { kind: 'vendor_error', message: verdict.message };
}
