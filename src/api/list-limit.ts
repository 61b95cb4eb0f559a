/**
 * `limit` on the admin lists (`{ result, next_cursor, limit }`). The schema validator coerces query strings to
 * numbers the way JavaScript does, reading `0x10`, `1e2`, ` 5`, `+5` and `10.0` as integers; so the schema takes
 * the raw string and `listLimit` accepts plain decimal digits only, in range.
 */
import { Type } from '@fastify/type-provider-typebox';
import { SwitchboardError } from '../errors.ts';

export const MAX_LIST_LIMIT = 500;
export const DEFAULT_LIST_LIMIT = 100;

export const LimitQuery = Type.Optional(
  Type.String({
    description: `page size: a whole number from 1 to ${MAX_LIST_LIMIT} in decimal digits (default ${DEFAULT_LIST_LIMIT})`,
  }),
);

export function listLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIST_LIMIT;
  const value = /^[0-9]{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 1 && value <= MAX_LIST_LIMIT)) {
    throw new SwitchboardError(
      'INVALID_REQUEST',
      `limit must be a whole number from 1 to ${MAX_LIST_LIMIT}, in decimal digits`,
    );
  }
  return value;
}
