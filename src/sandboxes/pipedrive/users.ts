/**
 * Pipedrive users (https://developers.pipedrive.com/docs/api/v1/Users) as the v1 API returns them: numeric
 * ids, `active_flag`/`is_deleted`, `is_admin` as 0/1, dates as `YYYY-MM-DD HH:MM:SS` in UTC, `is_you` true
 * only for the user the token belongs to. Seeded with the docs' own examples (John Doe, id 1, who owns
 * the tokens, and Jane Doe, id 2) followed by the kit's people.
 */
import { generatePeople, type Person } from '../kit/people.ts';
import { hash32 } from '../kit/random.ts';

export interface PipedriveAccess {
  app: 'sales' | 'projects' | 'campaigns' | 'global' | 'account_settings';
  admin: boolean;
  permission_set_id: string;
}

export interface PipedriveUser {
  id: number;
  name: string;
  default_currency: string;
  locale: string;
  lang: number;
  email: string;
  phone: string | null;
  activated: boolean;
  last_login: string | null;
  created: string;
  modified: string | null;
  has_created_company: boolean;
  access: PipedriveAccess[];
  active_flag: boolean;
  timezone_name: string;
  timezone_offset: string;
  role_id: number;
  icon_url: string | null;
  is_you: boolean;
  is_deleted: boolean;
}

/** What `control.add` accepts; everything but the name and email has a default. */
export type NewUser = Pick<PipedriveUser, 'name' | 'email'> & Partial<Omit<PipedriveUser, 'is_you'>>;

/** `2024-05-01 07:00:00`: Pipedrive v1's date-time format, in UTC. */
export function pipedriveDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** The docs' example response for `GET /v1/users` (https://developers.pipedrive.com/docs/api/v1/Users). */
export const DOCS_EXAMPLES: readonly Omit<PipedriveUser, 'is_you'>[] = [
  {
    id: 1,
    name: 'John Doe',
    default_currency: 'EUR',
    locale: 'et_EE',
    lang: 1,
    email: 'john@pipedrive.com',
    phone: '0000-0001',
    activated: true,
    last_login: '2019-11-21 08:45:56',
    created: '2018-11-13 09:16:26',
    modified: '2019-11-21 08:45:56',
    has_created_company: true,
    access: [
      { app: 'sales', admin: true, permission_set_id: '62cc4d7f-4038-4352-abf3-a8c1c822b631' },
      { app: 'global', admin: true, permission_set_id: '233b7976-39bd-43a9-b305-ef3a2b0998e5' },
      { app: 'account_settings', admin: true, permission_set_id: '982c5ce5-b8ba-4b47-b102-9da024f4b990' },
    ],
    active_flag: true,
    timezone_name: 'Europe/Berlin',
    timezone_offset: '+03:00',
    role_id: 1,
    icon_url:
      'https://upload.wikimedia.org/wikipedia/en/thumb/e/e0/WPVG_icon_2016.svg/1024px-WPVG_icon_2016.svg.png',
    is_deleted: false,
  },
  {
    id: 2,
    name: 'Jane Doe',
    default_currency: 'EUR',
    locale: 'et_EE',
    lang: 1,
    email: 'jane@pipedrive.com',
    phone: '0000-0002',
    activated: true,
    last_login: '2019-09-11 11:43:54',
    created: '2019-01-22 10:43:47',
    modified: '2019-11-21 09:49:50',
    has_created_company: false,
    access: [
      { app: 'sales', admin: false, permission_set_id: 'f07d229d-088a-4144-a40f-1fe64295d180' },
      { app: 'global', admin: true, permission_set_id: '233b7976-39bd-43a9-b305-ef3a2b0998e5' },
    ],
    active_flag: true,
    timezone_name: 'Europe/Berlin',
    timezone_offset: '+03:00',
    role_id: 1,
    icon_url: null,
    is_deleted: false,
  },
];

/** The id of the user every token acts as (`is_you: true`): John Doe, the docs' company creator. */
export const OWNER_ID = 1;

const REGULAR_SET = 'f07d229d-088a-4144-a40f-1fe64295d180';
const GLOBAL_SET = '233b7976-39bd-43a9-b305-ef3a2b0998e5';
const CURRENCIES = ['EUR', 'USD', 'GBP'];

function offsetOf(timeZone: string): string {
  if (timeZone.startsWith('America/New_York')) return '-05:00';
  if (timeZone.startsWith('America/Los_Angeles')) return '-08:00';
  if (timeZone === 'Europe/London') return '+00:00';
  if (timeZone.startsWith('Europe/')) return '+01:00';
  if (timeZone === 'Asia/Kolkata') return '+05:30';
  return '+10:00';
}

/** Person → Pipedrive user; deactivated people are inactive, a third of them deleted from the company. */
function fromPerson(person: Person, id: number, seed: number): Omit<PipedriveUser, 'is_you'> {
  const h = hash32(seed, person.index, 701);
  const admin = h % 10 === 0;
  return {
    id,
    name: `${person.firstName} ${person.lastName}`,
    default_currency: CURRENCIES[h % CURRENCIES.length],
    locale: person.locale.replace('-', '_'),
    lang: 1,
    email: person.email,
    phone: h % 4 === 0 ? null : person.phone,
    activated: person.active || h % 2 === 0,
    last_login: h % 7 === 0 ? null : pipedriveDate(person.updatedAt),
    created: pipedriveDate(person.createdAt),
    modified: pipedriveDate(person.updatedAt),
    has_created_company: false,
    access: [
      { app: 'sales', admin, permission_set_id: REGULAR_SET },
      ...(admin ? [{ app: 'global' as const, admin: true, permission_set_id: GLOBAL_SET }] : []),
    ],
    active_flag: person.active,
    timezone_name: person.timeZone,
    timezone_offset: offsetOf(person.timeZone),
    role_id: 1 + (h % 3),
    icon_url: h % 3 === 0 ? `https://pipedrive-profile-pics.s3.amazonaws.com/${id}_128.jpg` : null,
    is_deleted: !person.active && h % 3 === 0,
  };
}

export class UserStore {
  #users: Omit<PipedriveUser, 'is_you'>[];
  #nextId: number;
  #lastWrite = 0;

  constructor(users: Omit<PipedriveUser, 'is_you'>[]) {
    this.#users = users.map((u) => structuredClone(u));
    this.#nextId = Math.max(0, ...users.map((u) => u.id)) + 1;
  }

  /** Every user, in id order, as `GET /v1/users` lists them for the token's user. */
  list(): PipedriveUser[] {
    return this.#users.map(publicUser);
  }

  get(id: number): PipedriveUser | undefined {
    const user = this.#users.find((u) => u.id === id);
    return user && publicUser(user);
  }

  /** `GET /v1/users/find`: case-insensitive substring of the name, or of the email with `byEmail`. */
  find(term: string, byEmail: boolean): PipedriveUser[] {
    const needle = term.toLowerCase();
    return this.list().filter((u) => (byEmail ? u.email : u.name).toLowerCase().includes(needle));
  }

  add(input: NewUser): PipedriveUser {
    const now = pipedriveDate(this.#now());
    const user: Omit<PipedriveUser, 'is_you'> = {
      default_currency: 'EUR',
      locale: 'en_US',
      lang: 1,
      phone: null,
      activated: true,
      last_login: null,
      created: now,
      modified: now,
      has_created_company: false,
      access: [{ app: 'sales', admin: false, permission_set_id: REGULAR_SET }],
      active_flag: true,
      timezone_name: 'Europe/Tallinn',
      timezone_offset: '+02:00',
      role_id: 1,
      icon_url: null,
      is_deleted: false,
      ...structuredClone(input),
      id: input.id ?? this.#nextId++,
    };
    if (this.#users.some((u) => u.id === user.id)) throw new Error(`user ${user.id} already exists`);
    this.#users.push(user);
    this.#users.sort((a, b) => a.id - b.id);
    return publicUser(user);
  }

  /** Changes fields (deactivate with `{ active_flag: false }`); `modified` moves forward. */
  update(id: number, patch: Partial<Omit<PipedriveUser, 'id' | 'is_you'>>): PipedriveUser {
    const user = this.#users.find((u) => u.id === id);
    if (!user) throw new Error(`no user with id ${id}`);
    Object.assign(user, structuredClone(patch), { modified: pipedriveDate(this.#now()) });
    return publicUser(user);
  }

  #now(): number {
    this.#lastWrite = Math.max(Date.now(), this.#lastWrite + 1000);
    return this.#lastWrite;
  }
}

function publicUser(user: Omit<PipedriveUser, 'is_you'>): PipedriveUser {
  const { is_deleted, ...rest } = structuredClone(user);
  return { ...rest, is_you: user.id === OWNER_ID, is_deleted };
}

/** The docs' two examples, then `count` generated users with 8-digit ids rising with creation time. */
export function seedUsers(count: number, seed: number): UserStore {
  const people = generatePeople({ seed, count });
  const users: Omit<PipedriveUser, 'is_you'>[] = DOCS_EXAMPLES.map((u) => structuredClone(u));
  let id = 12_000_000;
  for (const person of people) {
    id += 1 + (hash32(seed, person.index, 702) % 89);
    users.push(fromPerson(person, id, seed));
  }
  return new UserStore(users);
}
