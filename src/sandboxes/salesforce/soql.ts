/**
 * The part of SOQL a users query needs, parsed and checked the way Salesforce does: `SELECT fields FROM
 * User [WHERE …] [ORDER BY field [ASC|DESC] [NULLS FIRST|LAST], …] [LIMIT n] [OFFSET n]`. Conditions: `=
 * != <> < <= > >=`, `[NOT] IN (…)`, `LIKE` (case-insensitive, `%` and `_`), `NOT`, parentheses, and `AND`
 * or `OR` — never both at one level without parentheses (Salesforce refuses that). Literals are typed:
 * strings are quoted, booleans, `null` and date-times (`2024-01-31T09:30:00Z`, `…+01:00`) are not, and a
 * date-time field compared with a quoted value is an error. Text compares case-insensitively, and `!=` keeps
 * nulls (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_conditionexpression.htm).
 * Not modelled: relationship fields, aggregates, date literals such as `TODAY`, semi-joins.
 */
import { canonicalId } from './ids.ts';
import type { FieldType, FieldValue } from './users.ts';

export class SoqlError extends Error {
  readonly errorCode: 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE' | 'NUMBER_OUTSIDE_VALID_RANGE';
  constructor(errorCode: SoqlError['errorCode'], message: string) {
    super(message);
    this.errorCode = errorCode;
  }
}

type Literal =
  | { type: 'string'; value: string; quoted: true }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' }
  | { type: 'datetime'; ms: number }
  | { type: 'date'; value: string }
  | { type: 'number'; value: number };

export type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'compare'; field: string; op: '=' | '!=' | '<' | '<=' | '>' | '>='; value: Literal }
  | { kind: 'in'; field: string; negate: boolean; values: Literal[] }
  | { kind: 'like'; field: string; pattern: RegExp };

export interface OrderKey {
  field: string;
  desc: boolean;
  nullsFirst: boolean;
}

export interface SoqlQuery {
  fields: string[];
  where?: Condition;
  orderBy: OrderKey[];
  limit?: number;
  offset?: number;
}

interface Token {
  kind: 'word' | 'string' | 'op' | 'punct' | 'literal' | 'eof';
  text: string;
  at: number;
  value?: Literal;
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\d:T])/;
const ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  '"': '"',
  "'": "'",
  '\\': '\\',
  '%': '\\%',
  _: '\\_',
};

function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const c = soql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = soql.slice(i);
    const dt = DATETIME.exec(rest) ?? DATE.exec(rest);
    if (dt) {
      const text = dt[0];
      const value: Literal = text.includes('T')
        ? { type: 'datetime', ms: Date.parse(text) }
        : { type: 'date', value: text };
      if (value.type === 'datetime' && Number.isNaN(value.ms))
        throw malformed(soql, i, `invalid date-time: ${text}`);
      tokens.push({ kind: 'literal', text, at: i, value });
      i += text.length;
      continue;
    }
    if (c === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        const d = soql[j];
        if (d === undefined) throw malformed(soql, i, 'unterminated string literal');
        if (d === "'") break;
        if (d === '\\') {
          const escaped = ESCAPES[soql[j + 1] ?? ''];
          if (escaped === undefined)
            throw malformed(soql, j, `invalid escape sequence \\${soql[j + 1] ?? ''}`);
          value += escaped;
          j += 2;
          continue;
        }
        value += d;
        j++;
      }
      tokens.push({
        kind: 'string',
        text: soql.slice(i, j + 1),
        at: i,
        value: { type: 'string', value, quoted: true },
      });
      i = j + 1;
      continue;
    }
    const op = /^(!=|<>|<=|>=|=|<|>)/.exec(rest);
    if (op) {
      tokens.push({ kind: 'op', text: op[0] === '<>' ? '!=' : op[0], at: i });
      i += op[0].length;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c, at: i });
      i++;
      continue;
    }
    const num = /^-?\d+(\.\d+)?(?![\w])/.exec(rest);
    if (num) {
      tokens.push({ kind: 'literal', text: num[0], at: i, value: { type: 'number', value: Number(num[0]) } });
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(rest);
    if (!word) throw malformed(soql, i, `unexpected token: '${c}'`);
    tokens.push({ kind: 'word', text: word[0], at: i });
    i += word[0].length;
  }
  tokens.push({ kind: 'eof', text: '<EOF>', at: soql.length });
  return tokens;
}

/** Salesforce's error text: the query, a caret under the column, then the problem. */
function located(soql: string, at: number, problem: string): string {
  return `\n${soql}\n${' '.repeat(at)}^\nERROR at Row:1:Column:${at + 1}\n${problem}`;
}

function malformed(soql: string, at: number, problem: string): SoqlError {
  return new SoqlError('MALFORMED_QUERY', located(soql, at, problem));
}

function noSuchColumn(soql: string, at: number, field: string): SoqlError {
  return new SoqlError(
    'INVALID_FIELD',
    located(
      soql,
      at,
      `No such column '${field}' on entity 'User'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
    ),
  );
}

const isKeyword = (token: Token, word: string) => token.kind === 'word' && token.text.toUpperCase() === word;

/** Parses a query against the User fields (`fields`: API name → type); throws Salesforce's errors. */
export function parseSoql(soql: string, fields: Record<string, FieldType>): SoqlQuery {
  const tokens = tokenize(soql);
  let pos = 0;
  const peek = () => tokens[pos]!;
  const next = () => tokens[pos++]!;
  const unexpected = (token: Token) => malformed(soql, token.at, `unexpected token: ${token.text}`);
  const expectKeyword = (word: string) => {
    const token = next();
    if (!isKeyword(token, word)) throw unexpected(token);
  };
  const names = new Map(Object.keys(fields).map((name) => [name.toLowerCase(), name]));
  const field = (token: Token): string => {
    if (token.kind !== 'word') throw unexpected(token);
    const name = names.get(token.text.toLowerCase());
    if (!name) throw noSuchColumn(soql, token.at, token.text);
    return name;
  };

  expectKeyword('SELECT');
  const selected: string[] = [];
  for (;;) {
    const token = next();
    const name = field(token);
    if (selected.includes(name)) throw malformed(soql, token.at, `duplicate field selected: ${name}`);
    selected.push(name);
    if (peek().text !== ',') break;
    next();
  }
  expectKeyword('FROM');
  const object = next();
  if (object.kind !== 'word') throw unexpected(object);
  if (object.text.toLowerCase() !== 'user') {
    throw new SoqlError(
      'INVALID_TYPE',
      located(
        soql,
        object.at,
        `sObject type '${object.text}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
      ),
    );
  }

  const literal = (name: string, token: Token): Literal => {
    let value: Literal;
    if (token.kind === 'word') {
      const upper = token.text.toUpperCase();
      if (upper === 'NULL') return { type: 'null' };
      if (upper !== 'TRUE' && upper !== 'FALSE') throw unexpected(token);
      value = { type: 'boolean', value: upper === 'TRUE' };
    } else if (token.kind === 'string' || token.kind === 'literal') value = token.value!;
    else throw unexpected(token);
    const type = fields[name]!;
    const wrong = (expected: string, quotes: boolean) =>
      new SoqlError(
        'INVALID_FIELD',
        located(
          soql,
          token.at,
          `value of filter criterion for field '${name}' must be of type ${expected} and should${quotes ? '' : ' not'} be enclosed in quotes`,
        ),
      );
    if (type === 'datetime' && value.type !== 'datetime') throw wrong('dateTime', false);
    if (type === 'boolean' && value.type !== 'boolean') throw wrong('boolean', false);
    if (type !== 'datetime' && type !== 'boolean' && value.type !== 'string') throw wrong('string', true);
    return value;
  };

  const comparison = (): Condition => {
    const token = next();
    const name = field(token);
    const operator = peek();
    if (isKeyword(operator, 'NOT') || isKeyword(operator, 'IN')) {
      const negate = isKeyword(next(), 'NOT');
      if (negate) expectKeyword('IN');
      if (next().text !== '(') throw unexpected(tokens[pos - 1]!);
      const values: Literal[] = [];
      for (;;) {
        values.push(literal(name, next()));
        const sep = next();
        if (sep.text === ')') break;
        if (sep.text !== ',') throw unexpected(sep);
      }
      return { kind: 'in', field: name, negate, values };
    }
    if (isKeyword(operator, 'LIKE')) {
      next();
      const value = next();
      if (value.kind !== 'string') throw unexpected(value);
      const text = (value.value as { value: string }).value;
      let source = '';
      for (let i = 0; i < text.length; i++) {
        const c = text[i]!;
        if (c === '\\' && (text[i + 1] === '%' || text[i + 1] === '_')) {
          source += `\\${text[++i]}`;
        } else if (c === '%') source += '.*';
        else if (c === '_') source += '.';
        else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
      return { kind: 'like', field: name, pattern: new RegExp(`^${source}$`, 'is') };
    }
    if (operator.kind !== 'op') throw unexpected(operator);
    next();
    const value = literal(name, next());
    const op = operator.text as '=' | '!=' | '<' | '<=' | '>' | '>=';
    if ((value.type === 'null' || value.type === 'boolean') && op !== '=' && op !== '!=')
      throw malformed(soql, operator.at, `invalid operator on ${value.type}: ${op}`);
    return { kind: 'compare', field: name, op, value };
  };

  const factor = (): Condition => {
    if (isKeyword(peek(), 'NOT')) {
      next();
      return { kind: 'not', item: factor() };
    }
    if (peek().text === '(') {
      next();
      const inner = expression();
      const close = next();
      if (close.text !== ')') throw unexpected(close);
      return inner;
    }
    return comparison();
  };

  const expression = (): Condition => {
    const first = factor();
    let joiner: 'AND' | 'OR' | undefined;
    const items = [first];
    while (isKeyword(peek(), 'AND') || isKeyword(peek(), 'OR')) {
      const token = next();
      const word = token.text.toUpperCase() as 'AND' | 'OR';
      if (joiner && joiner !== word) throw unexpected(token);
      joiner = word;
      items.push(factor());
    }
    return joiner ? { kind: joiner === 'AND' ? 'and' : 'or', items } : first;
  };

  const query: SoqlQuery = { fields: selected, orderBy: [] };
  if (isKeyword(peek(), 'WHERE')) {
    next();
    query.where = expression();
  }
  if (isKeyword(peek(), 'ORDER')) {
    next();
    expectKeyword('BY');
    for (;;) {
      const name = field(next());
      let desc = false;
      if (isKeyword(peek(), 'ASC') || isKeyword(peek(), 'DESC')) desc = isKeyword(next(), 'DESC');
      let nullsFirst = !desc;
      if (isKeyword(peek(), 'NULLS')) {
        next();
        const which = next();
        if (!isKeyword(which, 'FIRST') && !isKeyword(which, 'LAST')) throw unexpected(which);
        nullsFirst = isKeyword(which, 'FIRST');
      }
      query.orderBy.push({ field: name, desc, nullsFirst });
      if (peek().text !== ',') break;
      next();
    }
  }
  const whole = (word: string) => {
    const token = next();
    if (token.kind !== 'literal' || token.value?.type !== 'number' || !Number.isInteger(token.value.value))
      throw unexpected(token);
    if (word === 'OFFSET' && token.value.value > 2000)
      throw new SoqlError('NUMBER_OUTSIDE_VALID_RANGE', 'Maximum SOQL offset allowed is 2000');
    return token.value.value;
  };
  if (isKeyword(peek(), 'LIMIT')) {
    next();
    query.limit = whole('LIMIT');
  }
  if (isKeyword(peek(), 'OFFSET')) {
    next();
    query.offset = whole('OFFSET');
  }
  if (peek().kind !== 'eof') throw unexpected(peek());
  return query;
}

// --- evaluation ------------------------------------------------------------------------------------

type Row = Record<string, FieldValue>;

function fold(value: FieldValue, type: FieldType): string | number | boolean | null {
  if (value === null) return null;
  if (type === 'datetime') return Date.parse(String(value).replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (type === 'boolean') return value === true;
  if (type === 'id' || type === 'reference') return canonicalId(String(value)) ?? String(value);
  return String(value).toLowerCase();
}

function literalValue(literal: Literal, type: FieldType): string | number | boolean | null {
  switch (literal.type) {
    case 'null':
      return null;
    case 'boolean':
      return literal.value;
    case 'datetime':
      return literal.ms;
    case 'string':
      return type === 'id' || type === 'reference'
        ? (canonicalId(literal.value) ?? literal.value)
        : literal.value.toLowerCase();
    default:
      return String('value' in literal ? literal.value : '');
  }
}

function holds(row: Row, condition: Condition, fields: Record<string, FieldType>): boolean {
  switch (condition.kind) {
    case 'and':
      return condition.items.every((c) => holds(row, c, fields));
    case 'or':
      return condition.items.some((c) => holds(row, c, fields));
    case 'not':
      return !holds(row, condition.item, fields);
    case 'like': {
      const value = row[condition.field];
      return value !== null && condition.pattern.test(String(value));
    }
    case 'in': {
      const type = fields[condition.field]!;
      const actual = fold(row[condition.field] ?? null, type);
      const found = condition.values.some((v) => literalValue(v, type) === actual);
      return condition.negate ? !found : found;
    }
    case 'compare': {
      const type = fields[condition.field]!;
      const a = fold(row[condition.field] ?? null, type);
      const b = literalValue(condition.value, type);
      switch (condition.op) {
        case '=':
          return a === b;
        case '!=':
          return a !== b;
        default:
          if (a === null || b === null) return false;
          if (condition.op === '<') return a < b;
          if (condition.op === '<=') return a <= b;
          if (condition.op === '>') return a > b;
          return a >= b;
      }
    }
  }
}

const collator = new Intl.Collator('en', { sensitivity: 'base' });

/** The rows a query selects, in its order (ties by Id), before LIMIT/OFFSET. */
export function runSoql(query: SoqlQuery, rows: readonly Row[], fields: Record<string, FieldType>): Row[] {
  const matched = query.where ? rows.filter((row) => holds(row, query.where!, fields)) : [...rows];
  if (query.orderBy.length === 0) return matched;
  return matched.sort((x, y) => {
    for (const key of query.orderBy) {
      const type = fields[key.field]!;
      const a = fold(x[key.field] ?? null, type);
      const b = fold(y[key.field] ?? null, type);
      if (a === b) continue;
      if (a === null) return key.nullsFirst ? -1 : 1;
      if (b === null) return key.nullsFirst ? 1 : -1;
      const order =
        typeof a === 'string' && typeof b === 'string'
          ? collator.compare(String(x[key.field]), String(y[key.field]))
          : a < b
            ? -1
            : 1;
      if (order !== 0) return key.desc ? -order : order;
    }
    return String(x['Id']) < String(y['Id']) ? -1 : 1;
  });
}
