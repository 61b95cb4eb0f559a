/**
 * OData v4 `$filter` expressions from unified conditions (Dynamics 365 / Dataverse). String literals have
 * their quotes doubled; date-times and booleans are written bare; `like` becomes `contains()`.
 */
import type { Condition } from '../../../unified/types.ts';

export type ODataType = 'string' | 'boolean' | 'datetime';

export interface ODataField {
  name: string;
  type: ODataType;
}

const OPS: Record<string, string> = { eq: 'eq', ne: 'ne', gt: 'gt', gte: 'ge', lt: 'lt', lte: 'le' };

export function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function literal(type: ODataType, value: string): string | undefined {
  if (type === 'boolean') return value === 'true' || value === 'false' ? value : undefined;
  if (type === 'datetime') {
    const ms = Date.parse(value);
    return Number.isFinite(ms) ? new Date(ms).toISOString().replace('.000Z', 'Z') : undefined;
  }
  return odataString(value);
}

export function odataCondition(condition: Condition, field: ODataField): string | undefined {
  if (condition.op === 'in' || condition.op === 'nin') {
    const values = (condition.value as string[]).map((v) => literal(field.type, v));
    if (values.some((v) => v === undefined)) return undefined;
    const any = values.map((v) => `${field.name} eq ${v}`).join(' or ');
    return condition.op === 'in' ? `(${any})` : `not (${any})`;
  }
  if (Array.isArray(condition.value)) return undefined;
  if (condition.op === 'like') {
    return field.type === 'string' ? `contains(${field.name},${odataString(condition.value)})` : undefined;
  }
  const op = OPS[condition.op];
  const value = literal(field.type, condition.value);
  if (!op || value === undefined) return undefined;
  if (field.type === 'boolean' && op !== 'eq' && op !== 'ne') return undefined;
  return `${field.name} ${op} ${value}`;
}

/** The `$filter` value and the conditions it covers. */
export function odataFilter(
  conditions: readonly Condition[],
  fields: Record<string, ODataField>,
): { filter: string; pushed: Condition[] } {
  const pushed: Condition[] = [];
  const parts: string[] = [];
  for (const condition of conditions) {
    const field = fields[condition.field];
    const part = field && odataCondition(condition, field);
    if (part) {
      pushed.push(condition);
      parts.push(part);
    }
  }
  return { filter: parts.join(' and '), pushed };
}
