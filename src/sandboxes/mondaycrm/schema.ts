/**
 * The part of monday's GraphQL schema the sandbox serves — `users(...)`, `me`, `account` and `complexity`
 * on `Query`, the `User`, `Team`, `Account` and `Complexity` types — validated and executed the way
 * graphql-js does: unknown fields and arguments, wrong argument types, missing required variables and
 * missing selections are errors with locations, and nothing runs.
 */
import { coerceJson, coerceLiteral, show, typeOf } from './coerce.ts';
import {
  type Field,
  GraphQLError,
  type Location,
  type Operation,
  parse,
  type TypeRef,
  typeName,
  type Value,
} from './graphql.ts';
import type { MondayUser, UsersArgs } from './users.ts';

type Scalar = 'ID' | 'String' | 'Int' | 'Boolean' | 'Date';
type FieldType = { scalar: Scalar } | { object: string; list?: boolean };

const USER: Record<string, FieldType> = {
  id: { scalar: 'ID' },
  ...Object.fromEntries(
    [
      'name',
      'email',
      'title',
      'location',
      'phone',
      'mobile_phone',
      'time_zone_identifier',
      'url',
      'photo_original',
      'photo_thumb',
    ].map((f) => [f, { scalar: 'String' }]),
  ),
  ...Object.fromEntries(
    ['enabled', 'is_admin', 'is_guest', 'is_pending', 'is_verified', 'is_view_only'].map((f) => [
      f,
      { scalar: 'Boolean' },
    ]),
  ),
  created_at: { scalar: 'Date' },
  join_date: { scalar: 'Date' },
  last_activity: { scalar: 'Date' },
  utc_hours_diff: { scalar: 'Int' },
  teams: { object: 'Team', list: true },
  account: { object: 'Account' },
};

const TYPES: Record<string, Record<string, FieldType>> = {
  Query: {
    users: { object: 'User', list: true },
    me: { object: 'User' },
    account: { object: 'Account' },
    complexity: { object: 'Complexity' },
  },
  User: USER,
  Team: { id: { scalar: 'ID' }, name: { scalar: 'String' } },
  Account: { id: { scalar: 'ID' }, name: { scalar: 'String' }, slug: { scalar: 'String' } },
  Complexity: {
    before: { scalar: 'Int' },
    after: { scalar: 'Int' },
    query: { scalar: 'Int' },
    reset_in_x_seconds: { scalar: 'Int' },
  },
};

const USERS_ARGS: Record<string, string> = {
  emails: '[String]',
  ids: '[ID!]',
  kind: 'UserKind',
  limit: 'Int',
  name: 'String',
  newest_first: 'Boolean',
  non_active: 'Boolean',
  page: 'Int',
};
const INPUT_TYPES = new Set(['String', 'Int', 'Boolean', 'ID', 'UserKind']);

export interface Prepared {
  operation: Operation;
  variables: Record<string, unknown>;
}

/** Parses and validates a request; throws the list of GraphQL errors when it is not executable. */
export function prepare(
  query: string,
  rawVariables: unknown,
  operationName: unknown,
  retired: ReadonlySet<string> = new Set(),
): Prepared {
  const operations = parse(query);
  const operation =
    typeof operationName === 'string'
      ? operations.find((o) => o.name === operationName)
      : operations.length === 1
        ? operations[0]
        : undefined;
  if (!operation)
    throw [
      new GraphQLError(
        typeof operationName === 'string'
          ? `Unknown operation named "${operationName}".`
          : 'Must provide operation name if query contains multiple operations.',
      ),
    ];
  if (operation.operation !== 'query')
    throw [
      new GraphQLError(`This sandbox serves queries only, not ${operation.operation}s.`, [operation.loc]),
    ];
  const given = (rawVariables && typeof rawVariables === 'object' ? rawVariables : {}) as Record<
    string,
    unknown
  >;
  const errors: GraphQLError[] = [];
  const variables: Record<string, unknown> = {};
  const declared = new Map(operation.variables.map((v) => [v.name, v]));
  for (const definition of operation.variables) {
    let base: TypeRef = definition.type;
    while (base.kind !== 'Named') base = base.of;
    if (!INPUT_TYPES.has(base.name)) {
      errors.push(new GraphQLError(`Unknown type "${base.name}".`, [definition.loc]));
      continue;
    }
    const raw = given[definition.name];
    if (raw === undefined && definition.defaultValue) {
      const c = coerceLiteral(definition.defaultValue, definition.type, {});
      if ('value' in c) variables[definition.name] = c.value;
      continue;
    }
    if (raw === undefined && definition.type.kind === 'NonNull') {
      errors.push(
        new GraphQLError(
          `Variable "$${definition.name}" of required type "${typeName(definition.type)}" was not provided.`,
          [definition.loc],
        ),
      );
      continue;
    }
    const c = coerceJson(raw, definition.type);
    if ('error' in c)
      errors.push(
        new GraphQLError(`Variable "$${definition.name}" got invalid value ${show(raw)}; ${c.error}`, [
          definition.loc,
        ]),
      );
    else variables[definition.name] = c.value;
  }
  validateSelections(operation.selections, 'Query', declared, errors, retired);
  if (errors.length) throw errors;
  return { operation, variables };
}

function validateSelections(
  fields: Field[],
  type: string,
  declared: Map<string, { type: TypeRef }>,
  errors: GraphQLError[],
  retired: ReadonlySet<string>,
): void {
  for (const field of fields) {
    const definition = type === 'User' && retired.has(field.name) ? undefined : TYPES[type]![field.name];
    if (!definition) {
      errors.push(new GraphQLError(`Cannot query field "${field.name}" on type "${type}".`, [field.loc]));
      continue;
    }
    const args = type === 'Query' && field.name === 'users' ? USERS_ARGS : {};
    for (const arg of field.args) {
      const argType = args[arg.name];
      if (!argType) {
        errors.push(
          new GraphQLError(`Unknown argument "${arg.name}" on field "${type}.${field.name}".`, [arg.loc]),
        );
        continue;
      }
      checkVariables(arg.value, declared, errors);
      if (arg.value.kind !== 'Variable') {
        const c = coerceLiteral(arg.value, typeOf(argType), {});
        if ('error' in c) errors.push(new GraphQLError(c.error, [arg.value.loc]));
      }
    }
    const name = typeName({
      kind: 'Named',
      name: 'object' in definition ? definition.object : definition.scalar,
    });
    if ('object' in definition && !field.selections)
      errors.push(
        new GraphQLError(
          `Field "${field.name}" of type "${definition.list ? `[${name}]` : name}" must have a selection of subfields. Did you mean "${field.name} { ... }"?`,
          [field.loc],
        ),
      );
    else if ('scalar' in definition && field.selections)
      errors.push(
        new GraphQLError(
          `Field "${field.name}" must not have a selection since type "${name}" has no subfields.`,
          [field.loc],
        ),
      );
    else if ('object' in definition)
      validateSelections(field.selections!, definition.object, declared, errors, retired);
  }
}

function checkVariables(value: Value, declared: Map<string, unknown>, errors: GraphQLError[]): void {
  if (value.kind === 'Variable' && !declared.has(value.name))
    errors.push(new GraphQLError(`Variable "$${value.name}" is not defined.`, [value.loc]));
  if (value.kind === 'List') for (const v of value.values) checkVariables(v, declared, errors);
}

/** The `users` arguments of a field, coerced (validation has run). */
export function usersArgs(field: Field, variables: Record<string, unknown>): UsersArgs {
  const out: Record<string, unknown> = {};
  for (const arg of field.args) {
    const c = coerceLiteral(arg.value, typeOf(USERS_ARGS[arg.name]!), variables);
    if ('value' in c && c.value !== null) out[arg.name] = c.value;
  }
  return out as UsersArgs;
}

export interface Resolvers {
  users(args: UsersArgs, field: Field): MondayUser[];
  me(): MondayUser;
  account: { id: number; name: string; slug: string };
  complexity: { before: number; after: number; query: number; reset_in_x_seconds: number };
}

function project(value: unknown, fields: Field[], type: string, resolvers: Resolvers): unknown {
  if (value === null || value === undefined) return null;
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const definition = TYPES[type]![field.name]!;
    const raw =
      type === 'User' && field.name === 'account'
        ? resolvers.account
        : (value as Record<string, unknown>)[field.name];
    const key = field.alias ?? field.name;
    if ('scalar' in definition)
      out[key] = raw === undefined ? null : definition.scalar === 'ID' ? String(raw) : raw;
    else if (definition.list)
      out[key] = ((raw as unknown[]) ?? []).map((item) =>
        project(item, field.selections!, definition.object, resolvers),
      );
    else out[key] = project(raw, field.selections!, definition.object, resolvers);
  }
  return out;
}

/** Runs a validated query; resolver errors become GraphQL errors with the field's path. */
export function execute(prepared: Prepared, resolvers: Resolvers): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const field of prepared.operation.selections) {
    const key = field.alias ?? field.name;
    const definition = TYPES.Query![field.name] as { object: string; list?: boolean };
    const value =
      field.name === 'users'
        ? resolvers.users(usersArgs(field, prepared.variables), field)
        : field.name === 'me'
          ? resolvers.me()
          : resolvers[field.name as 'account' | 'complexity'];
    data[key] = definition.list
      ? (value as unknown[]).map((item) => project(item, field.selections!, definition.object, resolvers))
      : project(value, field.selections!, definition.object, resolvers);
  }
  return data;
}

/** Leaf fields a selection asks for per object (monday charges complexity by fields and items). */
export function leafCount(fields: Field[]): number {
  return fields.reduce((n, f) => n + (f.selections ? leafCount(f.selections) : 1), 0);
}

export function errorBody(error: GraphQLError, extensions: Record<string, unknown>, path?: string[]) {
  const locations: Location[] = error.locations;
  return {
    message: error.message,
    ...(locations.length ? { locations } : {}),
    ...(path ? { path } : {}),
    extensions,
  };
}
