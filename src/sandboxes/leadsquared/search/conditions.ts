/**
 * The AdvancedSearch / Update-Users-in-Bulk condition grammar, compiled to a predicate over user
 * indices. Operators: eq, neq, lik (contains), nlik, lik_s (starts with), lik_e (ends with),
 * n (is null/empty), nn. Text compares case-insensitively, like the vendor's SQL collation; a null
 * attribute matches only `n` (SQL semantics). `ConditionOperator` links a condition to the next
 * one and must be the same throughout a group; `GroupOperator` links a group to the next group.
 */
import type { Tenant } from '../data/tenant.ts';
import { invalidInput } from '../http/errors.ts';

export type UserPredicate = (i: number) => boolean;

export const OPERATORS = ['eq', 'neq', 'lik', 'nlik', 'lik_s', 'lik_e', 'n', 'nn'] as const;

export const INVALID_ATTRIBUTES_MESSAGE = 'User search has some invalid Attributes';

function linkOperator(value: unknown): 'AND' | 'OR' | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const op = String(value).trim().toUpperCase();
  if (op === 'AND' || op === 'OR') return op;
  throw invalidInput(`Invalid Input! Parameter Name: Operator (${String(value)})`);
}

function compileCondition(t: Tenant, condition: Record<string, unknown>): UserPredicate {
  const field = t.field(condition.LookupName);
  if (!field || field.notSelectable) throw invalidInput(INVALID_ATTRIBUTES_MESSAGE);
  const op = String(condition.Operator ?? '').toLowerCase();
  if (!(OPERATORS as readonly string[]).includes(op)) {
    throw invalidInput(`Invalid Input! Parameter Name: Operator (${String(condition.Operator)})`);
  }
  const needle =
    condition.LookupValue === null || condition.LookupValue === undefined
      ? ''
      : String(condition.LookupValue).toLowerCase();
  const read = (i: number): string | null => {
    const v = field.get(t, i);
    if (v === null || v === undefined) return null;
    return (typeof v === 'string' ? v : String(v)).toLowerCase();
  };
  switch (op) {
    case 'eq':
      return (i) => read(i) === needle;
    case 'neq':
      return (i) => {
        const v = read(i);
        return v !== null && v !== needle;
      };
    case 'lik':
      return (i) => read(i)?.includes(needle) ?? false;
    case 'nlik':
      return (i) => {
        const v = read(i);
        return v !== null && !v.includes(needle);
      };
    case 'lik_s':
      return (i) => read(i)?.startsWith(needle) ?? false;
    case 'lik_e':
      return (i) => read(i)?.endsWith(needle) ?? false;
    case 'n':
      return (i) => {
        const v = read(i);
        return v === null || v === '';
      };
    default:
      return (i) => {
        const v = read(i);
        return v !== null && v !== '';
      };
  }
}

function combine(a: UserPredicate | null, b: UserPredicate | null, op: 'AND' | 'OR'): UserPredicate | null {
  if (op === 'AND') {
    if (!a) return b;
    if (!b) return a;
    return (i) => a(i) && b(i);
  }
  if (!a || !b) return null;
  return (i) => a(i) || b(i);
}

function compileGroup(t: Tenant, group: Record<string, unknown>): UserPredicate | null {
  if (!group || typeof group !== 'object')
    throw invalidInput('Invalid Input! Parameter Name: GroupConditions');
  const conditions = (Array.isArray(group.Condition) ? group.Condition : []) as Record<string, unknown>[];
  let op: 'AND' | 'OR' | undefined;
  for (let k = 0; k < conditions.length - 1; k++) {
    const link = linkOperator(conditions[k]?.ConditionOperator) ?? 'AND';
    if (op && link !== op) {
      throw invalidInput(
        'Invalid Input! All conditions in a group must be linked by the same ConditionOperator',
      );
    }
    op = link;
  }
  let predicate: UserPredicate | null = null;
  conditions.forEach((c, k) => {
    const p = compileCondition(t, c);
    predicate = k === 0 ? p : combine(predicate, p, op ?? 'AND');
  });
  // Nested groups (as on the Available-Slots page) narrow the group's own conditions.
  const nested = compileConditionGroups(t, group.GroupConditions, null);
  return combine(predicate, nested, 'AND');
}

/** Compiles `GroupConditions`; null means "every user" (no or empty conditions). */
export function compileConditionGroups(
  t: Tenant,
  groups: unknown,
  topOperator: unknown,
): UserPredicate | null {
  if (groups === undefined || groups === null) return null;
  if (!Array.isArray(groups)) throw invalidInput('Invalid Input! Parameter Name: GroupConditions');
  let predicate: UserPredicate | null = null;
  groups.forEach((g: Record<string, unknown>, k) => {
    const p = compileGroup(t, g);
    if (k === 0) predicate = p;
    else {
      const op = linkOperator(groups[k - 1]?.GroupOperator) ?? linkOperator(topOperator) ?? 'AND';
      predicate = combine(predicate, p, op);
    }
  });
  return predicate;
}
