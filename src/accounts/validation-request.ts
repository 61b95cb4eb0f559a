/**
 * The integration's validation call ("who am I"), shared by the connect page's probe and account
 * creation. A vendor 429 is waited out and asked again (its Retry-After or reset header, at most
 * 5 s a wait, 3 attempts): linking right after heavy use of the same vendor account is not a refusal.
 */
import {
  type AccountContext,
  basePathOf,
  type IntegrationDefinition,
  validationCall,
} from '../integrations/types.ts';
import { sendUpstream } from '../upstream/http.ts';
import { resetInMs } from '../upstream/rate-headers.ts';
import { retryAfterMs } from '../upstream/steps/classify.ts';
import type { UpstreamResponse } from '../upstream/types.ts';

const ATTEMPTS = 3;
const MAX_WAIT_MS = 5_000;

/** The vendor's answer, or undefined when the integration has no validation call. Throws when unreachable. */
export async function sendValidation(
  integration: IntegrationDefinition,
  origin: string,
  context: AccountContext,
  timeoutMs: number,
): Promise<UpstreamResponse | undefined> {
  const validation = validationCall(integration, context);
  if (!validation) return undefined;
  for (let attempt = 1; ; attempt++) {
    const response = await sendUpstream({
      ...validation,
      origin,
      basePath: basePathOf(integration, context),
      auth: integration.authorize(context),
      timeoutMs,
    });
    if (response.status !== 429 || attempt === ATTEMPTS) return response;
    const wait = retryAfterMs(response) ?? resetInMs(response, integration.rateLimit.headers) ?? 1000;
    if (wait > MAX_WAIT_MS) return response;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
