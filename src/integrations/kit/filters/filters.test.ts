import { describe, expect, it } from 'vitest';
import type { Condition } from '../../../unified/types.ts';
import { jsonApiFilters } from './jsonapi.ts';
import { odataFilter } from './odata.ts';
import { soqlString, soqlWhere } from './soql.ts';

const c = (field: string, op: Condition['op'], value: string | string[]): Condition => ({ field, op, value });

describe('SOQL', () => {
  it('escapes string literals so that a value can never end the clause', () => {
    expect(soqlString(`O'Brien\\ "x"\n`)).toBe(`'O\\'Brien\\\\ \\"x\\"\\n'`);
  });

  it('pushes what SOQL can express and leaves the rest', () => {
    const fields = {
      email: { name: 'Email', type: 'string' as const },
      is_active: { name: 'IsActive', type: 'boolean' as const },
      updated_at: { name: 'SystemModstamp', type: 'datetime' as const },
      name: { name: 'Name', type: 'string' as const },
    };
    const { clause, pushed } = soqlWhere(
      [
        c('email', 'eq', "a'b@x.com"),
        c('is_active', 'eq', 'false'),
        c('updated_at', 'gte', '2024-01-31T09:30:00.000Z'),
        c('name', 'like', '50%_off'),
        c('email', 'in', ['a@x.com', 'b@x.com']),
        c('created_at', 'gte', '2024-01-01'),
      ],
      fields,
    );
    expect(clause).toBe(
      "Email = 'a\\'b@x.com' AND IsActive = FALSE AND SystemModstamp >= 2024-01-31T09:30:00Z AND " +
        "Name LIKE '%50\\%\\_off%' AND Email IN ('a@x.com', 'b@x.com')",
    );
    expect(pushed.map((p) => p.field)).toEqual(['email', 'is_active', 'updated_at', 'name', 'email']);
  });
});

describe('OData', () => {
  it('writes $filter with doubled quotes, bare dates and contains()', () => {
    const { filter, pushed } = odataFilter(
      [
        c('email', 'eq', "o'neil@x.com"),
        c('is_active', 'eq', 'true'),
        c('updated_at', 'gt', '2024-01-31T00:00:00Z'),
        c('name', 'like', 'ann'),
        c('email', 'nin', ['a@x.com']),
        c('unknown', 'eq', 'x'),
      ],
      {
        email: { name: 'internalemailaddress', type: 'string' },
        is_active: { name: 'isdisabled', type: 'boolean' },
        updated_at: { name: 'modifiedon', type: 'datetime' },
        name: { name: 'fullname', type: 'string' },
      },
    );
    expect(filter).toBe(
      "internalemailaddress eq 'o''neil@x.com' and isdisabled eq true and modifiedon gt 2024-01-31T00:00:00Z and " +
        "contains(fullname,'ann') and not (internalemailaddress eq 'a@x.com')",
    );
    expect(pushed).toHaveLength(5);
  });
});

describe('JSON:API', () => {
  it('pushes equality and date ranges', () => {
    const { query, pushed } = jsonApiFilters(
      [
        c('email', 'eq', 'a@x.com'),
        c('updated_at', 'gt', '2024-01-31T00:00:00.000Z'),
        c('updated_at', 'lte', '2024-02-01T00:00:00.000Z'),
        c('created_at', 'lt', '2024-01-01T00:00:00.000Z'),
        c('email', 'like', 'x'),
      ],
      {
        email: { name: 'emails', type: 'string' },
        updated_at: { name: 'updatedAt', type: 'datetime' },
        created_at: { name: 'createdAt', type: 'datetime' },
      },
    );
    expect(query).toEqual({
      'filter[emails]': 'a@x.com',
      'filter[updatedAt]': '2024-01-31T00:00:00.001Z..2024-02-01T00:00:00.000Z',
      'filter[createdAt]': 'neginf..2023-12-31T23:59:59.999Z',
    });
    expect(pushed).toHaveLength(4);
  });
});
