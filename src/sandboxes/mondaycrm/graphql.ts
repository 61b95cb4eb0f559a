/**
 * A small GraphQL parser for the monday sandbox: operations with variable definitions, fields with
 * aliases, arguments (every literal kind and variables) and selection sets. Fragments and directives are
 * refused (the connector does not use them). Errors carry graphql-js style messages and locations, which
 * is what monday's API (built on graphql-js) answers with.
 */

export interface Location {
  line: number;
  column: number;
}

export type Value =
  | { kind: 'Variable'; name: string; loc: Location }
  | { kind: 'Int' | 'Float' | 'String' | 'Enum'; value: string; loc: Location }
  | { kind: 'Boolean'; value: boolean; loc: Location }
  | { kind: 'Null'; loc: Location }
  | { kind: 'List'; values: Value[]; loc: Location }
  | { kind: 'Object'; fields: Array<{ name: string; value: Value }>; loc: Location };

export type TypeRef =
  | { kind: 'Named'; name: string }
  | { kind: 'List'; of: TypeRef }
  | { kind: 'NonNull'; of: TypeRef };

export interface Field {
  alias?: string;
  name: string;
  args: Array<{ name: string; value: Value; loc: Location }>;
  selections?: Field[];
  loc: Location;
}

export interface VariableDefinition {
  name: string;
  type: TypeRef;
  defaultValue?: Value;
  loc: Location;
}

export interface Operation {
  operation: 'query' | 'mutation' | 'subscription';
  name?: string;
  variables: VariableDefinition[];
  selections: Field[];
  loc: Location;
}

export class GraphQLError extends Error {
  readonly locations: Location[];
  constructor(message: string, locations: Location[] = []) {
    super(message);
    this.locations = locations;
  }
}

interface Token {
  kind: 'punct' | 'name' | 'int' | 'float' | 'string' | 'eof';
  value: string;
  loc: Location;
}

const PUNCT = new Set(['{', '}', '(', ')', '[', ']', ':', '=', '!', '$', '@', '|', '&']);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const loc = (at: number): Location => ({ line, column: at - lineStart + 1 });
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\n') {
      line++;
      i++;
      lineStart = i;
    } else if (c === ' ' || c === '\t' || c === ',' || c === '\r' || c === '\ufeff') i++;
    else if (c === '#') while (i < source.length && source[i] !== '\n') i++;
    else if (source.startsWith('...', i)) {
      tokens.push({ kind: 'punct', value: '...', loc: loc(i) });
      i += 3;
    } else if (PUNCT.has(c)) tokens.push({ kind: 'punct', value: c, loc: loc(i++) });
    else if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < source.length && /\w/.test(source[i]!)) i++;
      tokens.push({ kind: 'name', value: source.slice(start, i), loc: loc(start) });
    } else if (/[-0-9]/.test(c)) {
      const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(i));
      if (!match) throw new GraphQLError(`Syntax Error: Invalid number, unexpected "${c}".`, [loc(i)]);
      tokens.push({ kind: match[2] || match[3] ? 'float' : 'int', value: match[0], loc: loc(i) });
      i += match[0].length;
    } else if (c === '"') {
      const start = i++;
      let text = '';
      while (source[i] !== '"') {
        if (i >= source.length || source[i] === '\n')
          throw new GraphQLError('Syntax Error: Unterminated string.', [loc(start)]);
        if (source[i] === '\\') {
          const e = source[i + 1]!;
          if (e === 'u') {
            text += String.fromCharCode(Number.parseInt(source.slice(i + 2, i + 6), 16));
            i += 6;
            continue;
          }
          text += ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' } as Record<string, string>)[e] ?? e;
          i += 2;
        } else text += source[i++];
      }
      i++;
      tokens.push({ kind: 'string', value: text, loc: loc(start) });
    } else throw new GraphQLError(`Syntax Error: Unexpected character: "${c}".`, [loc(i)]);
  }
  tokens.push({ kind: 'eof', value: '<EOF>', loc: loc(i) });
  return tokens;
}

const describe = (t: Token) =>
  t.kind === 'eof'
    ? '<EOF>'
    : t.kind === 'punct'
      ? `"${t.value}"`
      : `${t.kind === 'name' ? 'Name' : 'value'} "${t.value}"`;

class Parser {
  #tokens: Token[];
  #at = 0;
  constructor(source: string) {
    this.#tokens = tokenize(source);
  }

  get #peek(): Token {
    return this.#tokens[this.#at]!;
  }

  #next(): Token {
    return this.#tokens[this.#at++]!;
  }

  #is(value: string): boolean {
    return this.#peek.kind === 'punct' && this.#peek.value === value;
  }

  #expect(value: string): Token {
    if (!this.#is(value))
      throw new GraphQLError(`Syntax Error: Expected "${value}", found ${describe(this.#peek)}.`, [
        this.#peek.loc,
      ]);
    return this.#next();
  }

  #name(): Token {
    if (this.#peek.kind !== 'name')
      throw new GraphQLError(`Syntax Error: Expected Name, found ${describe(this.#peek)}.`, [this.#peek.loc]);
    return this.#next();
  }

  document(): Operation[] {
    const operations: Operation[] = [];
    do operations.push(this.#operation());
    while (this.#peek.kind !== 'eof');
    return operations;
  }

  #operation(): Operation {
    const loc = this.#peek.loc;
    if (this.#is('{')) return { operation: 'query', variables: [], selections: this.#selections(), loc };
    const keyword = this.#name();
    if (keyword.value === 'fragment')
      throw new GraphQLError('Fragments are not supported by this sandbox.', [keyword.loc]);
    if (!['query', 'mutation', 'subscription'].includes(keyword.value))
      throw new GraphQLError(`Syntax Error: Unexpected Name "${keyword.value}".`, [keyword.loc]);
    const name = this.#peek.kind === 'name' ? this.#next().value : undefined;
    const variables: VariableDefinition[] = [];
    if (this.#is('(')) {
      this.#next();
      while (!this.#is(')')) {
        const at = this.#expect('$').loc;
        const variable = this.#name().value;
        this.#expect(':');
        const type = this.#type();
        const defaultValue = this.#is('=') ? this.#defaultValue() : undefined;
        variables.push({ name: variable, type, defaultValue, loc: at });
      }
      this.#next();
    }
    this.#noDirectives();
    return {
      operation: keyword.value as Operation['operation'],
      name,
      variables,
      selections: this.#selections(),
      loc,
    };
  }

  /** `= <constant>` after a variable's type. */
  #defaultValue(): Value {
    this.#expect('=');
    return this.#value(true);
  }

  #type(): TypeRef {
    let type: TypeRef;
    if (this.#is('[')) {
      this.#next();
      type = { kind: 'List', of: this.#type() };
      this.#expect(']');
    } else type = { kind: 'Named', name: this.#name().value };
    if (this.#is('!')) {
      this.#next();
      type = { kind: 'NonNull', of: type };
    }
    return type;
  }

  #noDirectives(): void {
    if (this.#is('@'))
      throw new GraphQLError('Directives are not supported by this sandbox.', [this.#peek.loc]);
  }

  #selections(): Field[] {
    this.#expect('{');
    const fields: Field[] = [];
    while (!this.#is('}')) {
      if (this.#is('...'))
        throw new GraphQLError('Fragments are not supported by this sandbox.', [this.#peek.loc]);
      const first = this.#name();
      let alias: string | undefined;
      let name = first;
      if (this.#is(':')) {
        this.#next();
        alias = first.value;
        name = this.#name();
      }
      const args: Field['args'] = [];
      if (this.#is('(')) {
        this.#next();
        while (!this.#is(')')) {
          const arg = this.#name();
          this.#expect(':');
          args.push({ name: arg.value, value: this.#value(false), loc: arg.loc });
        }
        this.#next();
      }
      this.#noDirectives();
      const selections = this.#is('{') ? this.#selections() : undefined;
      fields.push({ alias, name: name.value, args, selections, loc: first.loc });
    }
    this.#next();
    if (fields.length === 0)
      throw new GraphQLError('Syntax Error: Expected Name, found "}".', [this.#peek.loc]);
    return fields;
  }

  #value(constant: boolean): Value {
    const t = this.#peek;
    if (t.kind === 'punct' && t.value === '$' && !constant) {
      this.#next();
      return { kind: 'Variable', name: this.#name().value, loc: t.loc };
    }
    if (t.kind === 'int' || t.kind === 'float') {
      this.#next();
      return { kind: t.kind === 'int' ? 'Int' : 'Float', value: t.value, loc: t.loc };
    }
    if (t.kind === 'string') {
      this.#next();
      return { kind: 'String', value: t.value, loc: t.loc };
    }
    if (t.kind === 'name') {
      this.#next();
      if (t.value === 'true' || t.value === 'false')
        return { kind: 'Boolean', value: t.value === 'true', loc: t.loc };
      if (t.value === 'null') return { kind: 'Null', loc: t.loc };
      return { kind: 'Enum', value: t.value, loc: t.loc };
    }
    if (this.#is('[')) {
      this.#next();
      const values: Value[] = [];
      while (!this.#is(']')) values.push(this.#value(constant));
      this.#next();
      return { kind: 'List', values, loc: t.loc };
    }
    if (this.#is('{')) {
      this.#next();
      const fields: Array<{ name: string; value: Value }> = [];
      while (!this.#is('}')) {
        const name = this.#name().value;
        this.#expect(':');
        fields.push({ name, value: this.#value(constant) });
      }
      this.#next();
      return { kind: 'Object', fields, loc: t.loc };
    }
    throw new GraphQLError(`Syntax Error: Unexpected ${describe(t)}.`, [t.loc]);
  }
}

export function parse(source: string): Operation[] {
  return new Parser(source).document();
}

export function typeName(type: TypeRef): string {
  if (type.kind === 'Named') return type.name;
  if (type.kind === 'List') return `[${typeName(type.of)}]`;
  return `${typeName(type.of)}!`;
}
