/**
 * The Teamleader sandbox's users: the kit's seeded people as Teamleader Focus users (the docs' own
 * example, John Smith, first: he is the account owner `users.me` answers for), and the in-memory store
 * that `users.list` / `users.info` and the control read and write. Teamleader users carry no timestamps
 * and have no API or bot users, so neither is invented here.
 */
import { generatePeople } from '../kit/people.ts';
import { hash32, hashGuid } from '../kit/random.ts';

export interface Telephone {
  type: 'phone' | 'mobile' | 'fax';
  number: string;
}

/** A user as `users.list` returns it (https://developer.focus.teamleader.eu/docs/api/users-list). */
export interface TeamleaderUser {
  id: string;
  account: { type: 'account'; id: string };
  first_name: string;
  last_name: string;
  email: string;
  telephones: Telephone[];
  /** Two-letter language in lists (`nl`); `users.info` gives the full locale (`nl-BE`). */
  language: string;
  function: string | null;
  status: 'active' | 'deactivated';
  teams: Array<{ type: 'team'; id: string }>;
}

/** What `users.info` adds: the locale and the time zone. */
export interface TeamleaderUserInfo extends Omit<TeamleaderUser, 'language'> {
  language: string;
  time_zone: string;
}

interface UserRecord extends TeamleaderUser {
  locale: string;
  timeZone: string;
}

export type NewUser = Partial<Omit<TeamleaderUser, 'account'>> & { first_name: string; last_name: string };

/** The account (company) id and the first user of Teamleader's own examples. */
export const DOCS_ACCOUNT_ID = '0fc55513-7f68-4865-aba0-de5da9e4e43d';
export const DOCS_USER: TeamleaderUser = {
  id: 'cb8da52a-ce89-4bf6-8f7e-8ee6cb85e3b5',
  account: { type: 'account', id: DOCS_ACCOUNT_ID },
  first_name: 'John',
  last_name: 'Smith',
  email: 'john@teamleader.eu',
  telephones: [{ type: 'phone', number: '092980615' }],
  language: 'nl',
  function: 'Sales',
  status: 'active',
  teams: [{ type: 'team', id: '6dd0069e-45da-0ec4-911a-afb351d968cd' }],
};

/** The locales `users.info` documents; people's locales map onto them. */
const LOCALES = ['da-DK', 'de-DE', 'en-GB', 'es-ES', 'fi-FI', 'fr-FR', 'it-IT', 'nb-NO', 'nl-BE', 'nl-NL'];
const TEAMS = [
  '6dd0069e-45da-0ec4-911a-afb351d968cd',
  '3f2a8b1c-5d0e-4c7a-9b6f-1e2d3c4b5a69',
  '8e7d6c5b-4a39-4281-8f0e-d1c2b3a49586',
];
const FUNCTIONS = ['Sales', 'Account Manager', 'Support', 'Project Manager', 'Finance', null];

function localeOf(personLocale: string, h: number): string {
  const language = personLocale.slice(0, 2);
  return LOCALES.find((l) => l.startsWith(language)) ?? LOCALES[h % LOCALES.length]!;
}

function toPublic(r: UserRecord): TeamleaderUser {
  return {
    id: r.id,
    account: { ...r.account },
    first_name: r.first_name,
    last_name: r.last_name,
    email: r.email,
    telephones: r.telephones.map((t) => ({ ...t })),
    language: r.language,
    function: r.function,
    status: r.status,
    teams: r.teams.map((t) => ({ ...t })),
  };
}

function toInfo(r: UserRecord): TeamleaderUserInfo {
  return { ...toPublic(r), language: r.locale, time_zone: r.timeZone };
}

export interface UserQuery {
  ids?: string[];
  term?: string;
  status: Array<'active' | 'deactivated'>;
  sort: Array<{ field: SortField; order: 'asc' | 'desc' }>;
  size: number;
  number: number;
}

export const SORT_FIELDS = ['first_name', 'last_name', 'email', 'function'] as const;
export type SortField = (typeof SORT_FIELDS)[number];

/** Case- and accent-insensitive, as a MySQL `*_unicode_ci` collation orders (a guess: Teamleader's is not documented). */
const collator = new Intl.Collator('en', { sensitivity: 'base' });

export class UserStore {
  readonly accountId: string;
  #users: UserRecord[] = [];
  #seq = 0;

  constructor(accountId: string, records: UserRecord[]) {
    this.accountId = accountId;
    this.#users = records;
  }

  /** Every user, in insertion order (the control's view). */
  list(filter: { status?: 'active' | 'deactivated' } = {}): TeamleaderUser[] {
    return this.#users.filter((u) => !filter.status || u.status === filter.status).map(toPublic);
  }

  info(id: string): TeamleaderUserInfo | undefined {
    const r = this.#users.find((u) => u.id === id);
    return r && toInfo(r);
  }

  /** `users.me`: the account owner (the first user) as the docs show it: no status, with preferences. */
  me(): Omit<TeamleaderUserInfo, 'status'> & { preferences: { invoiceable: boolean } } {
    const { status: _status, ...owner } = toInfo(this.#users[0]!);
    return { ...owner, preferences: { invoiceable: true } };
  }

  /** One page of `users.list`: filtered, sorted (default by name, then id for a stable order), sliced. */
  page(q: UserQuery): TeamleaderUser[] {
    const term = q.term?.toLowerCase();
    const matching = this.#users.filter(
      (u) =>
        q.status.includes(u.status) &&
        (!q.ids || q.ids.includes(u.id)) &&
        (!term ||
          [u.first_name, u.last_name, u.email, u.function ?? ''].some((v) => v.toLowerCase().includes(term))),
    );
    const keys = q.sort.length > 0 ? q.sort : [{ field: 'first_name' as const, order: 'asc' as const }];
    const ordering = [
      ...keys,
      ...(q.sort.length > 0 ? [] : [{ field: 'last_name' as const, order: 'asc' as const }]),
    ];
    matching.sort((a, b) => {
      for (const { field, order } of ordering) {
        const c = collator.compare(a[field] ?? '', b[field] ?? '');
        if (c !== 0) return order === 'desc' ? -c : c;
      }
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
    return matching.slice((q.number - 1) * q.size, q.number * q.size).map(toPublic);
  }

  add(input: NewUser): TeamleaderUser {
    this.#seq++;
    const record: UserRecord = {
      id: input.id ?? hashGuid(0x7ea, this.#seq, 991),
      account: { type: 'account', id: this.accountId },
      first_name: input.first_name,
      last_name: input.last_name,
      email: input.email ?? `${input.first_name}.${input.last_name}@example.com`.toLowerCase(),
      telephones: input.telephones ?? [],
      language: input.language ?? 'en',
      function: input.function ?? null,
      status: input.status ?? 'active',
      teams: input.teams ?? [],
      locale: 'en-GB',
      timeZone: 'Europe/Brussels',
    };
    if (this.#users.some((u) => u.id === record.id)) throw new Error(`user ${record.id} already exists`);
    this.#users.push(record);
    return toPublic(record);
  }

  /** Deactivates a user (Teamleader keeps deactivated users, listed with `status: deactivated`). */
  setStatus(id: string, status: 'active' | 'deactivated'): TeamleaderUser {
    const r = this.#users.find((u) => u.id === id);
    if (!r) throw new Error(`no user ${id}`);
    r.status = status;
    return toPublic(r);
  }
}

/** `count` users from `seed`: John Smith from the docs, then the kit's human people (about 8 % deactivated). */
export function seedUsers(count: number, seed: number, accountId = DOCS_ACCOUNT_ID): UserStore {
  const records: UserRecord[] = [
    {
      ...DOCS_USER,
      account: { type: 'account', id: accountId },
      locale: 'nl-BE',
      timeZone: 'Europe/Brussels',
    },
  ];
  // Person 0 is the account owner, who is John Smith here; Teamleader has no API users, so bots are skipped.
  for (const person of generatePeople({ seed, count: 2 * count + 2 })) {
    if (records.length >= count) break;
    if (person.index === 0 || !person.human) continue;
    const h = (salt: number) => hash32(seed, person.index, 700 + salt);
    const locale = localeOf(person.locale, h(1));
    records.push({
      id: hashGuid(seed, person.index, 7100),
      account: { type: 'account', id: accountId },
      first_name: person.firstName,
      last_name: person.lastName,
      email: person.email,
      telephones: h(2) % 4 === 0 ? [] : [{ type: h(2) % 3 === 0 ? 'mobile' : 'phone', number: person.phone }],
      language: locale.slice(0, 2),
      function: FUNCTIONS[h(3) % FUNCTIONS.length]!,
      status: person.active ? 'active' : 'deactivated',
      teams: h(4) % 3 === 0 ? [] : [{ type: 'team', id: TEAMS[h(4) % TEAMS.length]! }],
      locale,
      timeZone: person.timeZone,
    });
  }
  return new UserStore(accountId, records);
}
