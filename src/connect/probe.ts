/**
 * One validation call with the outcome told apart (accepted, refused, unreachable, vendor failure), for
 * integrations that cannot discover their host. Nothing is stored; secrets never enter the messages.
 */
import { sendValidation } from '../accounts/validation-request.ts';
import type { AccountContext, IntegrationDefinition } from '../integrations/types.ts';

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
  let response: Awaited<ReturnType<typeof sendValidation>>;
  try {
    response = await sendValidation(integration, origin, context, PROBE_TIMEOUT_MS);
  } catch (error) {
    const code = (error as { code?: string }).code;
    return { kind: 'unreachable', message: `could not reach ${origin}${code ? ` (${code})` : ''}` };
  }
  if (!response) return { kind: 'ok' };
  const verdict = integration.detectError(response);
  if (!verdict) return { kind: 'ok' };
  if (verdict.unauthorized) return { kind: 'unauthorized', message: verdict.message };
  return { kind: 'vendor_error', message: verdict.message };
}
