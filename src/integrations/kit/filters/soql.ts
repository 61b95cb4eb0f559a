/**
 * SOQL `WHERE` clauses from unified conditions (Salesforce). Values are escaped as SOQL string literals
 * or written as SOQL date-times, booleans and numbers; only conditions on mapped fields with supported
 * operators are turned into SOQL, the rest are left for Switchboard.
 */
import type { Condition } from '../../../unified/types.ts';

export type SoqlType = 'string' | 'boolean' | 'datetime';

export interface SoqlField {
  /** The SOQL field (`Email`, `IsActive`, `LastModifiedDate`). */
  name: string;
  type: SoqlType;
}

const OPS: Record<string, string> = { eq: '=', ne: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

/** A SOQL string literal: backslash, quote and the control characters escaped. */
export function soqlString(value: string): string {
  return `'${value.replace(/[\\'"\n\r\t\f\b]/g, (c) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t', '\f': '\\f', '\b': '\\b' })[c] ?? `\\${c}`)}'`;
}

function literal(type: SoqlType, value: string): string | undefined {
  if (type === 'boolean') return value === 'true' || value === 'false' ? value.toUpperCase() : undefined;
  if (type === 'datetime') {
    const ms = Date.parse(value);
    return Number.isFinite(ms) ? new Date(ms).toISOString().replace('.000Z', 'Z') : undefined;
  }
  return soqlString(value);
}

/** `field op value` for one condition, or undefined if SOQL cannot express it here. */
export function soqlCondition(condition: Condition, field: SoqlField): string | undefined {
  if (condition.op === 'in' || condition.op === 'nin') {
    const values = (condition.value as string[]).map((v) => literal(field.type, v));
    if (values.some((v) => v === undefined)) return undefined;
    return `${field.name} ${condition.op === 'in' ? 'IN' : 'NOT IN'} (${values.join(', ')})`;
  }
  if (Array.isArray(condition.value)) return undefined;
  if (condition.op === 'like') {
    if (field.type !== 'string') return undefined;
    // SOQL LIKE is case-insensitive; % and _ in the value would be wildcards, so they become \% and \_.
    const inner = soqlString(condition.value)
      .slice(1, -1)
      .replace(/[%_]/g, (c) => `\\${c}`);
    return `${field.name} LIKE '%${inner}%'`;
  }
  const op = OPS[condition.op];
  const value = literal(field.type, condition.value);
  if (!op || value === undefined) return undefined;
  if (field.type === 'boolean' && op !== '=' && op !== '!=') return undefined;
  return `${field.name} ${op} ${value}`;
}

/** The WHERE clause (without the keyword) and the conditions it covers. */
export function soqlWhere(
  conditions: readonly Condition[],
  fields: Record<string, SoqlField>,
): { clause: string; pushed: Condition[] } {
  const pushed: Condition[] = [];
  const parts: string[] = [];
  for (const condition of conditions) {
    const field = fields[condition.field];
    const part = field && soqlCondition(condition, field);
    if (part) {
      pushed.push(condition);
      parts.push(part);
    }
  }
  return { clause: parts.join(' AND '), pushed };
}
