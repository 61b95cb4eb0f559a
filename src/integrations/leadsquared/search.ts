/**
 * User Advanced Search (`UserManagement.svc/User/AdvancedSearch`, reference §2.4): the paged, filterable
 * user list both user mappings read. Pages are 1-based, at most 1000 rows, sorted with UserId last so that
 * paging is stable (ties on CreatedOn would otherwise shuffle rows between pages).
 */
import type { Caller, Condition, ListPlan, Page, SortKey } from '../../unified/types.ts';
import { pageNumber } from '../kit/paginate/index.ts';
import { fetchListPage } from '../kit/resource.ts';

export const SEARCH_PATH = '/UserManagement.svc/User/AdvancedSearch';
export const MAX_PAGE_SIZE = 1000;

/** LeadSquared's POST searches page by a 1-based `Paging.PageIndex` in the body and count `RecordCount`. */
export const searchPaging = pageNumber({
  page: 'Paging.PageIndex',
  size: 'Paging.PageSize',
  in: 'body',
  total: 'RecordCount',
});

export interface LsqCondition {
  LookupName: string;
  Operator: 'eq' | 'neq' | 'lik' | 'nlik' | 'lik_s' | 'lik_e' | 'n' | 'nn';
  LookupValue: string;
}

/** Unified sort field → LeadSquared columns. */
const SORT_COLUMNS: Record<string, string[]> = {
  id: ['UserId'],
  first_name: ['FirstName'],
  last_name: ['LastName'],
  name: ['FirstName', 'LastName'],
  email: ['EmailAddress'],
  status: ['StatusCode'],
  created_at: ['CreatedOn'],
  updated_at: ['ModifiedOn'],
};
export const SORTABLE = Object.keys(SORT_COLUMNS);

const OPERATOR: Partial<Record<Condition['op'], LsqCondition['Operator']>> = {
  eq: 'eq',
  ne: 'neq',
  like: 'lik',
};

/**
 * The LeadSquared condition for a unified one, or undefined if the vendor cannot apply it.
 * `columns` maps unified filter names to LeadSquared attributes; `encode` converts values.
 */
export function toLsqCondition(
  condition: Condition,
  columns: Record<string, string>,
  encode: (field: string, value: string) => string = (_f, v) => v,
): LsqCondition | undefined {
  const column = columns[condition.field];
  const operator = OPERATOR[condition.op];
  if (!column || !operator || Array.isArray(condition.value)) return undefined;
  return { LookupName: column, Operator: operator, LookupValue: encode(condition.field, condition.value) };
}

export function searchBody(conditions: LsqCondition[], sort: SortKey[], pageIndex: number, pageSize: number) {
  // With no filter, ask for every user the way integrators do (an empty condition list is UNCONFIRMED).
  const terms: LsqCondition[] = conditions.length
    ? conditions
    : [{ LookupName: 'EmailAddress', Operator: 'lik', LookupValue: '@' }];
  const sorting = sort.flatMap((key) =>
    SORT_COLUMNS[key.field]!.map((ColumnName) => ({
      ColumnName,
      Direction: key.direction === 'desc' ? 1 : 0,
    })),
  );
  if (!sorting.some((s) => s.ColumnName === 'UserId')) sorting.push({ ColumnName: 'UserId', Direction: 0 });
  return {
    Columns: { Include_CSV: '*' },
    GroupConditions: [
      {
        Condition: terms.map((term, i) => ({
          ...term,
          ConditionOperator: i < terms.length - 1 ? 'AND' : null,
        })),
        GroupOperator: null,
      },
    ],
    GroupOperator: null,
    Sorting: sorting,
    Paging: { PageIndex: pageIndex, PageSize: pageSize },
  };
}

export interface SearchState {
  page: number;
  conditions: LsqCondition[];
}

export async function fetchSearchPage(
  caller: Caller,
  state: SearchState,
  sort: SortKey[],
  pageSize: number,
): Promise<Page<SearchState>> {
  // The same paging as the `user-search` proxy resource.
  const { records, raw, next } = await fetchListPage(
    caller,
    { request: { path: SEARCH_PATH }, paginator: searchPaging, records: 'Users' },
    { method: 'POST', path: SEARCH_PATH, body: searchBody(state.conditions, sort, 1, pageSize) },
    state.page,
    pageSize,
    { primary: true },
  );
  return {
    records,
    raw: raw ?? {},
    next: next === undefined ? undefined : { page: next, conditions: state.conditions },
  };
}

/** Splits the query's conditions into LeadSquared conditions and the rest. */
export function planSearch(
  conditions: Condition[],
  toLsq: (condition: Condition) => LsqCondition | undefined,
): ListPlan<SearchState> {
  const pushed: Condition[] = [];
  const lsq: LsqCondition[] = [];
  for (const condition of conditions) {
    const term = toLsq(condition);
    if (term) {
      pushed.push(condition);
      lsq.push(term);
    }
  }
  return { pushed, first: { page: 1, conditions: lsq } };
}

/** One user by id through the search (by-id lookups answer `[]` for inactive users, reference §2.2). */
export async function searchUserById(
  caller: Caller,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  const page = await fetchSearchPage(
    caller,
    { page: 1, conditions: [{ LookupName: 'UserId', Operator: 'eq', LookupValue: id }] },
    [],
    1,
  );
  return page.records[0] as Record<string, unknown> | undefined;
}
