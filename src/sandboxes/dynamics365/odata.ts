/**
 * The OData v4 query options Dataverse applies to `systemusers`
 * (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/overview): `$select`,
 * `$filter` (`eq ne gt ge lt le`, `and or not`, parentheses, `contains`/`startswith`/`endswith`, typed
 * literals: `'text'` with `''` for a quote, `true`/`false`, `null`, numbers, bare GUIDs and date-times) and
 * `$orderby`. Text compares case-insensitively (Dataverse's SQL collation). An unknown column or a literal of
 * the wrong type is a 400 with Dataverse's error code `0x80060888`.
 */
import type { ColumnType, SystemUser, Value } from './users.ts';

export class ODataError extends Error {}

type Literal =
  | { type: 'string' | 'guid'; value: string }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' }
  | { type: 'number'; value: number }
  | { type: 'datetime'; value: number };

export type Filter =
  | { kind: 'and' | 'or'; left: Filter; right: Filter }
  | { kind: 'not'; item: Filter }
  | { kind: 'compare'; column: string; op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; value: Literal }
  | { kind: 'function'; name: 'contains' | 'startswith' | 'endswith'; column: string; value: string };

export interface OrderBy {
  column: string;
  desc: boolean;
}

const EDM: Record<ColumnType, string> = {
  guid: 'Edm.Guid',
  string: 'Edm.String',
  boolean: 'Edm.Boolean',
  int: 'Edm.Int32',
  datetime: 'Edm.DateTimeOffset',
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})/;

function column(name: string, columns: Record<string, ColumnType>): string {
  if (!(name in columns))
    throw new ODataError(
      `Could not find a property named '${name}' on type 'Microsoft.Dynamics.CRM.systemuser'.`,
    );
  return name;
}

interface Token {
  text: string;
  at: number;
  literal?: Literal;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ') {
      i++;
      continue;
    }
    const rest = text.slice(i);
    const guid = GUID.exec(rest);
    const dt = DATETIME.exec(rest);
    if (dt) {
      tokens.push({ text: dt[0], at: i, literal: { type: 'datetime', value: Date.parse(dt[0]) } });
      i += dt[0].length;
    } else if (guid) {
      tokens.push({ text: guid[0], at: i, literal: { type: 'guid', value: guid[0].toLowerCase() } });
      i += guid[0].length;
    } else if (text[i] === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length)
          throw new ODataError(`Syntax error: unterminated string literal at position ${i} in '${text}'.`);
        if (text[j] === "'") {
          if (text[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += text[j++];
      }
      tokens.push({ text: text.slice(i, j + 1), at: i, literal: { type: 'string', value } });
      i = j + 1;
    } else if ('(),'.includes(text[i]!)) {
      tokens.push({ text: text[i]!, at: i++ });
    } else {
      const word = /^-?[A-Za-z0-9_.]+/.exec(rest);
      if (!word)
        throw new ODataError(
          `Syntax error: character '${text[i]}' is not valid at position ${i} in '${text}'.`,
        );
      const w = word[0];
      const literal: Literal | undefined =
        w === 'true' || w === 'false'
          ? { type: 'boolean', value: w === 'true' }
          : w === 'null'
            ? { type: 'null' }
            : /^-?\d+(\.\d+)?$/.test(w)
              ? { type: 'number', value: Number(w) }
              : undefined;
      tokens.push({ text: w, at: i, ...(literal ? { literal } : {}) });
      i += w.length;
    }
  }
  return tokens;
}

function checkType(type: ColumnType, literal: Literal, op: string): void {
  if (literal.type === 'null') return;
  const ok =
    (type === 'string' && literal.type === 'string') ||
    (type === 'guid' && literal.type === 'guid') ||
    (type === 'boolean' && literal.type === 'boolean') ||
    (type === 'int' && literal.type === 'number') ||
    (type === 'datetime' && literal.type === 'datetime');
  if (!ok) {
    const found =
      literal.type === 'string'
        ? 'Edm.String'
        : literal.type === 'number'
          ? 'Edm.Int32'
          : literal.type === 'guid'
            ? 'Edm.Guid'
            : literal.type === 'boolean'
              ? 'Edm.Boolean'
              : 'Edm.DateTimeOffset';
    throw new ODataError(
      `A binary operator with incompatible types was detected. Found operand types '${EDM[type]}' and '${found}' for operator kind '${op}'.`,
    );
  }
}

const OPS = {
  eq: 'Equal',
  ne: 'NotEqual',
  gt: 'GreaterThan',
  ge: 'GreaterThanOrEqual',
  lt: 'LessThan',
  le: 'LessThanOrEqual',
} as const;

export function parseFilter(text: string, columns: Record<string, ColumnType>): Filter {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const fail = (): never => {
    const token = peek();
    throw new ODataError(
      token
        ? `Syntax error at position ${token.at + token.text.length} in '${text}'.`
        : `Expression expected at position ${text.length} in '${text}'.`,
    );
  };
  const expect = (t: string) => (peek()?.text === t ? pos++ : fail());

  const primary = (): Filter => {
    const token = peek() ?? fail();
    if (token.text === '(') {
      pos++;
      const inner = or();
      expect(')');
      return inner;
    }
    if (token.text === 'not') {
      pos++;
      return { kind: 'not', item: primary() };
    }
    if (token.text === 'contains' || token.text === 'startswith' || token.text === 'endswith') {
      pos++;
      expect('(');
      const col = column(peek()?.text ?? fail(), columns);
      pos++;
      expect(',');
      const value = peek()?.literal ?? fail();
      pos++;
      expect(')');
      if (columns[col] !== 'string' || value.type !== 'string')
        throw new ODataError(
          `No function signature for the function with name '${token.text}' matches the specified arguments.`,
        );
      return { kind: 'function', name: token.text, column: col, value: value.value.toLowerCase() };
    }
    if (token.literal) fail();
    const col = column(token.text, columns);
    pos++;
    const op = peek()?.text as keyof typeof OPS;
    if (!(op in OPS)) fail();
    pos++;
    const value = peek()?.literal ?? fail();
    pos++;
    checkType(columns[col]!, value, OPS[op]);
    return { kind: 'compare', column: col, op, value };
  };
  const and = (): Filter => {
    let left = primary();
    while (peek()?.text === 'and') {
      pos++;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };
  const or = (): Filter => {
    let left = and();
    while (peek()?.text === 'or') {
      pos++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };
  const filter = or();
  if (pos < tokens.length) fail();
  return filter;
}

function comparable(value: Value | undefined, type: ColumnType): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (type === 'datetime') return Date.parse(String(value));
  if (type === 'string' || type === 'guid') return String(value).toLowerCase();
  return value;
}

function literalValue(literal: Literal): string | number | boolean | null {
  if (literal.type === 'null') return null;
  return typeof literal.value === 'string' ? literal.value.toLowerCase() : literal.value;
}

export function matches(row: SystemUser, filter: Filter, columns: Record<string, ColumnType>): boolean {
  switch (filter.kind) {
    case 'and':
      return matches(row, filter.left, columns) && matches(row, filter.right, columns);
    case 'or':
      return matches(row, filter.left, columns) || matches(row, filter.right, columns);
    case 'not':
      return !matches(row, filter.item, columns);
    case 'function': {
      const value = row[filter.column];
      if (typeof value !== 'string') return false;
      const v = value.toLowerCase();
      if (filter.name === 'contains') return v.includes(filter.value);
      return filter.name === 'startswith' ? v.startsWith(filter.value) : v.endsWith(filter.value);
    }
    case 'compare': {
      const a = comparable(row[filter.column], columns[filter.column]!);
      const b = literalValue(filter.value);
      if (filter.op === 'eq') return a === b;
      if (filter.op === 'ne') return a !== b;
      if (a === null || b === null) return false;
      if (filter.op === 'gt') return a > b;
      if (filter.op === 'ge') return a >= b;
      if (filter.op === 'lt') return a < b;
      return a <= b;
    }
  }
}

export function parseSelect(text: string | undefined, columns: Record<string, ColumnType>): string[] {
  if (text === undefined || text.trim() === '') return Object.keys(columns);
  return text.split(',').map((name) => column(name.trim(), columns));
}

export function parseOrderBy(text: string | undefined, columns: Record<string, ColumnType>): OrderBy[] {
  if (text === undefined || text.trim() === '') return [];
  return text.split(',').map((part) => {
    const [name, direction, extra] = part.trim().split(/\s+/);
    if (extra !== undefined || (direction !== undefined && direction !== 'asc' && direction !== 'desc'))
      throw new ODataError(`Syntax error at position ${part.length} in '${text}'.`);
    return { column: column(name ?? '', columns), desc: direction === 'desc' };
  });
}

const collator = new Intl.Collator('en', { sensitivity: 'base' });

/** Sorted as SQL Server would: nulls first ascending, text case-insensitively, ties by the primary key. */
export function sortRows(
  rows: SystemUser[],
  order: OrderBy[],
  columns: Record<string, ColumnType>,
): SystemUser[] {
  return rows.sort((x, y) => {
    for (const key of order) {
      const a = comparable(x[key.column], columns[key.column]!);
      const b = comparable(y[key.column], columns[key.column]!);
      if (a === b) continue;
      let result: number;
      if (a === null) result = -1;
      else if (b === null) result = 1;
      else if (typeof a === 'string' && typeof b === 'string')
        result = collator.compare(String(x[key.column]), String(y[key.column]));
      else result = a < b ? -1 : 1;
      if (result !== 0) return key.desc ? -result : result;
    }
    return String(x['systemuserid']) < String(y['systemuserid']) ? -1 : 1;
  });
}
