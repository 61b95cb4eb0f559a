/**
 * Outreach users as JSON:API resources (https://developers.outreach.io/api/reference/tag/User/): integer
 * ids, `attributes` with camelCase names, dates as ISO 8601 UTC with milliseconds, `locked` for users who
 * can no longer sign in. Seeded from the kit's people, plus the example user of the reference.
 */
import { emailLocal, generatePeople } from '../kit/people.ts';
import { hash32 } from '../kit/random.ts';

export interface OutreachUserAttributes {
  email: string;
  firstName: string | null;
  lastName: string | null;
  name: string;
  username: string;
  locked: boolean;
  title: string | null;
  createdAt: string;
  updatedAt: string;
  currentSignInAt: string | null;
  lastSignInAt: string | null;
}

export interface OutreachUser {
  type: 'user';
  id: number;
  attributes: OutreachUserAttributes;
  links: { self: string };
}

/** The example user shown with Outreach's user resource (field values as published in the reference). */
export const EXAMPLE_USER: { id: number; attributes: OutreachUserAttributes } = {
  id: 1,
  attributes: {
    email: 'jane@acme.com',
    firstName: 'Jane',
    lastName: 'Doe',
    name: 'Jane Doe',
    username: 'jane',
    locked: false,
    title: 'AE',
    createdAt: '2023-04-01T10:00:00.000Z',
    updatedAt: '2024-02-03T08:30:00.000Z',
    currentSignInAt: '2024-05-01T07:00:00.000Z',
    lastSignInAt: '2024-04-29T16:12:00.000Z',
  },
};

export interface StoredUser {
  id: number;
  attributes: OutreachUserAttributes;
}

export function seedUsers(count: number, seed: number): StoredUser[] {
  const users: StoredUser[] = [structuredClone(EXAMPLE_USER)];
  let id = 1;
  for (const person of generatePeople({ seed, count })) {
    const h = (salt: number) => hash32(seed, person.index, 800 + salt);
    id += 1 + (h(1) % 3);
    const signedIn = person.active && h(2) % 100 < 85;
    const lastSignIn = person.updatedAt + (h(3) % 30) * 86_400_000;
    users.push({
      id,
      attributes: {
        email: person.email,
        firstName: person.firstName,
        lastName: person.lastName,
        name: `${person.firstName} ${person.lastName}`,
        username: `${emailLocal(`${person.firstName}.${person.lastName}`)}${person.index + 1}`,
        locked: !person.active,
        title: person.title,
        createdAt: new Date(person.createdAt).toISOString(),
        updatedAt: new Date(person.updatedAt).toISOString(),
        currentSignInAt: signedIn ? new Date(lastSignIn + 3_600_000).toISOString() : null,
        lastSignInAt: signedIn ? new Date(lastSignIn).toISOString() : null,
      },
    });
  }
  return users;
}

/** Attributes the reference marks filterable and sortable, and their types. */
export const FILTERABLE = {
  email: 'string',
  firstName: 'string',
  lastName: 'string',
  username: 'string',
  locked: 'boolean',
  createdAt: 'datetime',
  updatedAt: 'datetime',
  currentSignInAt: 'datetime',
} as const;
export type Filterable = keyof typeof FILTERABLE;

export interface Filter {
  attribute: Filterable | 'id';
  /** Values for equality (a comma-separated list means any of them). */
  values?: string[];
  /** Inclusive epoch-ms bounds for datetime ranges (`a..b`, `neginf`/`inf` open). */
  range?: { from: number; to: number };
}

export interface SortKey {
  attribute: Filterable | 'id';
  descending: boolean;
}

function matches(user: StoredUser, filter: Filter): boolean {
  const value = filter.attribute === 'id' ? user.id : user.attributes[filter.attribute];
  if (filter.range) {
    const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    return Number.isFinite(ms) && ms >= filter.range.from && ms <= filter.range.to;
  }
  const text = value === null ? 'null' : String(value).toLowerCase();
  return (filter.values ?? []).some((v) => v.toLowerCase() === text);
}

const collator = new Intl.Collator('en', { sensitivity: 'base' });

function compare(a: StoredUser, b: StoredUser, key: SortKey): number {
  const x = key.attribute === 'id' ? a.id : a.attributes[key.attribute];
  const y = key.attribute === 'id' ? b.id : b.attributes[key.attribute];
  // Nulls sort last ascending (PostgreSQL's default), first descending.
  if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return collator.compare(String(x), String(y));
}

/** The users matching every filter, sorted by the keys in order, then by id. */
export function queryUsers(users: readonly StoredUser[], filters: Filter[], sort: SortKey[]): StoredUser[] {
  const keys = [...sort, { attribute: 'id' as const, descending: false }];
  return users
    .filter((u) => filters.every((f) => matches(u, f)))
    .sort((a, b) => {
      for (const key of keys) {
        const order = compare(a, b, key);
        if (order !== 0) return key.descending ? -order : order;
      }
      return 0;
    });
}
