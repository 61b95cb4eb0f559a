/** Checks a unified write body against the mapping's documented fields: unknown or missing fields are a 400. */
import { SwitchboardError } from '../errors.ts';
import type { BodyField } from './types.ts';

export function checkBody(
  body: unknown,
  fields: Record<string, BodyField>,
  what: string,
): Record<string, unknown> {
  if (body === undefined || body === null) body = {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw new SwitchboardError('INVALID_REQUEST', `${what}: send a JSON object`);
  const record = body as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => !Object.hasOwn(fields, k));
  if (unknown.length > 0) {
    throw new SwitchboardError(
      'INVALID_REQUEST',
      `${what} does not accept ${unknown.join(', ')}; it accepts ${Object.keys(fields).join(', ')}`,
    );
  }
  const absent = (name: string) => record[name] === undefined || record[name] === null || record[name] === '';
  const missing = Object.entries(fields)
    .filter(([name, f]) => f.required && absent(name) && (!f.alternative || absent(f.alternative)))
    .map(([name]) => name);
  if (missing.length > 0) {
    throw new SwitchboardError('MISSING_REQUIRED_FIELDS', `${what} needs ${missing.join(', ')}`, {
      truto_error_insight: {
        missing_required_body_fields: { description: `${what} requires these body fields`, value: missing },
      },
    });
  }
  return record;
}
