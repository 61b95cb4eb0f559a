/**
 * Zendesk Sell users as the Users API returns them (https://developer.zendesk.com/api-reference/sales-crm/resources/users/):
 * numeric ids, `status` active|inactive, `role` user|admin, `confirmed`/`invited`, dates as ISO 8601 UTC
 * with seconds (`2014-08-27T16:32:56Z`). Seeded from the kit's people, plus the docs' own example user.
 */
import { generatePeople } from '../kit/people.ts';
import { hash32 } from '../kit/random.ts';

export interface SellUser {
  id: number;
  name: string;
  email: string;
  status: 'active' | 'inactive';
  invited: boolean;
  confirmed: boolean;
  phone_number: string | null;
  role: 'user' | 'admin';
  roles: Array<{ id: number; name: string }>;
  team_name: string | null;
  group: { id: number; name: string } | null;
  reports_to: number | null;
  timezone: string;
  created_at: string;
  updated_at: string;
}

/** The example user of Sell's Users reference page (values as published there). */
export const DOCS_EXAMPLE_USER: SellUser = {
  id: 1,
  name: 'Mark Johnson',
  email: 'mark@example.com',
  status: 'active',
  invited: true,
  confirmed: true,
  phone_number: '+44-208-1234567',
  role: 'user',
  roles: [{ id: 1, name: 'Sales rep' }],
  team_name: 'Team 1',
  group: { id: 1, name: 'Sales' },
  reports_to: 2,
  timezone: 'UTC',
  created_at: '2014-08-27T16:32:56Z',
  updated_at: '2014-08-27T17:32:56Z',
};

const GROUPS = [
  { id: 101, name: 'EMEA Sales' },
  { id: 102, name: 'North America' },
  { id: 103, name: 'APAC' },
];
const TEAMS = ['Inside Sales', 'Enterprise', 'Customer Success', 'SDR'];

/** Sell writes dates without fractional seconds. */
export function sellDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function seedUsers(count: number, seed: number): SellUser[] {
  const users: SellUser[] = [{ ...DOCS_EXAMPLE_USER }];
  let id = 1000;
  for (const person of generatePeople({ seed, count })) {
    const h = (salt: number) => hash32(seed, person.index, 700 + salt);
    id += 1 + (h(1) % 50);
    const confirmed = h(2) % 100 >= 4;
    users.push({
      id,
      name: `${person.firstName} ${person.lastName}`,
      email: person.email,
      status: person.active ? 'active' : 'inactive',
      invited: true,
      confirmed,
      phone_number: h(3) % 100 < 70 ? person.phone : null,
      role: person.index === 0 || h(4) % 100 < 8 ? 'admin' : 'user',
      roles: [],
      team_name: h(5) % 100 < 80 ? TEAMS[h(6) % TEAMS.length]! : null,
      group: h(7) % 100 < 70 ? { ...GROUPS[h(8) % GROUPS.length]! } : null,
      reports_to: person.index === 0 ? null : 1001,
      timezone: person.timeZone,
      created_at: sellDate(person.createdAt),
      updated_at: sellDate(person.updatedAt),
    });
  }
  return users;
}

export interface UserQuery {
  ids?: number[];
  name?: string;
  email?: string;
  status?: 'active' | 'inactive';
  role?: 'user' | 'admin';
  confirmed?: boolean;
  sort: { field: SortField; direction: 'asc' | 'desc' };
}

export const SORT_FIELDS = ['id', 'name', 'email', 'created_at', 'updated_at'] as const;
export type SortField = (typeof SORT_FIELDS)[number];

const collator = new Intl.Collator('en', { sensitivity: 'base' });

/** The users a list request matches, in the order asked (ties broken by id, ascending). */
export function queryUsers(users: readonly SellUser[], q: UserQuery): SellUser[] {
  const email = q.email?.toLowerCase();
  const matched = users.filter(
    (u) =>
      (q.ids === undefined || q.ids.includes(u.id)) &&
      (q.name === undefined || u.name === q.name) &&
      (email === undefined || u.email.toLowerCase() === email) &&
      (q.status === undefined || u.status === q.status) &&
      (q.role === undefined || u.role === q.role) &&
      (q.confirmed === undefined || u.confirmed === q.confirmed),
  );
  const { field, direction } = q.sort;
  const sign = direction === 'asc' ? 1 : -1;
  return matched.sort((a, b) => {
    const order =
      field === 'id' ? a.id - b.id : collator.compare(String(a[field]), String(b[field])) || a.id - b.id;
    return order * sign;
  });
}
