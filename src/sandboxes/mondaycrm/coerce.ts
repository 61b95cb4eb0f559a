/**
 * GraphQL input coercion for the monday sandbox, as graphql-js does it: JSON variables and query literals
 * checked against the input types the users query takes (`Int`, `String`, `Boolean`, `ID`, `UserKind`,
 * lists and non-null), with graphql-js's messages.
 */
import { type TypeRef, typeName, type Value } from './graphql.ts';

export const USER_KINDS = ['all', 'guests', 'non_guests', 'non_pending'];

/** A type written as text (`[ID!]`) as a type reference. */
export function typeOf(text: string): TypeRef {
  if (text.endsWith('!')) return { kind: 'NonNull', of: typeOf(text.slice(0, -1)) };
  if (text.startsWith('[')) return { kind: 'List', of: typeOf(text.slice(1, -1)) };
  return { kind: 'Named', name: text };
}

export const show = (v: unknown) => JSON.stringify(v);

/** A JSON variable value coerced to `type`, or an error message. */
export function coerceJson(value: unknown, type: TypeRef): { value: unknown } | { error: string } {
  if (type.kind === 'NonNull') {
    if (value === null || value === undefined)
      return { error: `Expected non-nullable type "${typeName(type)}" not to be null.` };
    return coerceJson(value, type.of);
  }
  if (value === null || value === undefined) return { value: null };
  if (type.kind === 'List') {
    const items = Array.isArray(value) ? value : [value];
    const out: unknown[] = [];
    for (const item of items) {
      const c = coerceJson(item, type.of);
      if ('error' in c) return c;
      out.push(c.value);
    }
    return { value: out };
  }
  switch (type.name) {
    case 'Int':
      return Number.isInteger(value) && Math.abs(value as number) <= 2 ** 31 - 1
        ? { value }
        : { error: `Int cannot represent non-integer value: ${show(value)}` };
    case 'Boolean':
      return typeof value === 'boolean'
        ? { value }
        : { error: `Boolean cannot represent a non boolean value: ${show(value)}` };
    case 'String':
      return typeof value === 'string'
        ? { value }
        : { error: `String cannot represent a non string value: ${show(value)}` };
    case 'ID':
      return typeof value === 'string' || Number.isInteger(value)
        ? { value: String(value) }
        : { error: `ID cannot represent value: ${show(value)}` };
    case 'UserKind':
      return typeof value === 'string' && USER_KINDS.includes(value)
        ? { value }
        : { error: `Value ${show(value)} does not exist in "UserKind" enum.` };
    default:
      return { error: `Unknown type "${type.name}".` };
  }
}

/** A literal in the query coerced to `type` (variables already coerced). */
export function coerceLiteral(
  value: Value,
  type: TypeRef,
  variables: Record<string, unknown>,
): { value: unknown } | { error: string } {
  if (value.kind === 'Variable') return { value: variables[value.name] ?? null };
  if (type.kind === 'NonNull') {
    if (value.kind === 'Null') return { error: `Expected value of type "${typeName(type)}", found null.` };
    return coerceLiteral(value, type.of, variables);
  }
  if (value.kind === 'Null') return { value: null };
  if (type.kind === 'List') {
    const items = value.kind === 'List' ? value.values : [value];
    const out: unknown[] = [];
    for (const item of items) {
      const c = coerceLiteral(item, type.of, variables);
      if ('error' in c) return c;
      out.push(c.value);
    }
    return { value: out };
  }
  const text = 'value' in value ? String(value.value) : value.kind;
  const ok =
    (type.name === 'Int' && value.kind === 'Int') ||
    (type.name === 'Boolean' && value.kind === 'Boolean') ||
    (type.name === 'String' && value.kind === 'String') ||
    (type.name === 'ID' && (value.kind === 'String' || value.kind === 'Int')) ||
    (type.name === 'UserKind' && value.kind === 'Enum' && USER_KINDS.includes(text));
  if (!ok)
    return { error: `${type.name} cannot represent value: ${value.kind === 'String' ? show(text) : text}` };
  if (type.name === 'Int') return { value: Number(text) };
  return { value: value.kind === 'Boolean' ? value.value : text };
}
