/**
 * The end of the chain: one HTTP request to the guarded URL with the attempt's credentials, within the
 * per-attempt timeout (cockatiel). Transport failures become AttemptFailures the retry step understands.
 */
import { TaskCancelledError, TimeoutStrategy, timeout } from 'cockatiel';
import { errors as undiciErrors } from 'undici';
import { SwitchboardError } from '../../errors.ts';
import { sendGuarded, UpstreamBodyError } from '../http.ts';
import { AttemptFailure } from '../retry.ts';
import type { Handler } from './types.ts';

export function send(timeoutMs: number): Handler {
  return async (exchange) => {
    const label = exchange.target.integration.label;
    const { call, options } = exchange;
    try {
      const response = await timeout(timeoutMs, TimeoutStrategy.Aggressive).execute(
        ({ signal }) =>
          sendGuarded({
            url: exchange.url,
            method: call.method,
            headers: call.headers,
            body: call.body,
            auth: exchange.injection ?? {},
            timeoutMs,
            signal,
          }),
        options.signal,
      );
      return { response };
    } catch (error) {
      if (options.signal?.aborted) {
        throw new AttemptFailure(
          'cancelled',
          new SwitchboardError('UPSTREAM_BAD_RESPONSE', `the call to ${label} was cancelled`),
        );
      }
      if (error instanceof TaskCancelledError) {
        throw new AttemptFailure(
          'timeout',
          new SwitchboardError('UPSTREAM_TIMEOUT', `${label} did not answer within ${timeoutMs} ms`),
        );
      }
      const classified = transportError(label, error);
      throw new AttemptFailure(
        classified.code === 'UPSTREAM_TIMEOUT'
          ? 'timeout'
          : error instanceof UpstreamBodyError
            ? 'bad-response'
            : 'network',
        classified,
      );
    }
  };
}

export function transportError(label: string, error: unknown): SwitchboardError {
  if (error instanceof SwitchboardError) return error;
  if (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError ||
    (error instanceof Error && error.name === 'TimeoutError')
  ) {
    return new SwitchboardError('UPSTREAM_TIMEOUT', `${label} did not answer in time`);
  }
  if (error instanceof UpstreamBodyError) {
    return new SwitchboardError(
      'UPSTREAM_BAD_RESPONSE',
      `${label} sent an unreadable response: ${error.message}`,
    );
  }
  const code = (error as { code?: string }).code;
  return new SwitchboardError(
    'UPSTREAM_BAD_RESPONSE',
    `could not complete the call to ${label}${code ? ` (${code})` : ''}: ${(error as Error).message}`,
  );
}
