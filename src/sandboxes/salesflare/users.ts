/**
 * The Salesflare sandbox's users: the kit's seeded people as Salesflare users (fields of the `/me` schema in
 * Salesflare's OpenAPI, https://api.salesflare.com/docs, without the account-private ones), the store, and
 * the `GET /users` query (`id`, `name`, `email`, `search`, `onlyEnabled`, `order_by`, `limit`, `offset`).
 */
import { generatePeople } from '../kit/people.ts';
import { hash32 } from '../kit/random.ts';

/** A user as `GET /users` returns it. */
export interface SalesflareUser {
  id: number;
  group: number;
  disabled: boolean;
  creation_date: string;
  modification_date: string;
  prefix: string | null;
  firstname: string;
  middle: string | null;
  lastname: string;
  suffix: string | null;
  name: string;
  email: string;
  domain: string;
  picture: string | null;
  is_admin: boolean;
  role: { id: number; name: string };
}

export type NewUser = Pick<SalesflareUser, 'firstname' | 'lastname'> & Partial<SalesflareUser>;
export type UserPatch = Partial<
  Pick<SalesflareUser, 'firstname' | 'lastname' | 'email' | 'disabled' | 'is_admin'>
>;

const ROLES = [
  { id: 1, name: 'Admin' },
  { id: 2, name: 'User' },
];

function build(
  fields: Omit<SalesflareUser, 'name' | 'domain' | 'role' | 'group'> & { group?: number },
): SalesflareUser {
  return {
    id: fields.id,
    group: fields.group ?? 1,
    disabled: fields.disabled,
    creation_date: fields.creation_date,
    modification_date: fields.modification_date,
    prefix: fields.prefix,
    firstname: fields.firstname,
    middle: fields.middle,
    lastname: fields.lastname,
    suffix: fields.suffix,
    name: [fields.firstname, fields.middle, fields.lastname].filter(Boolean).join(' '),
    email: fields.email,
    domain: fields.email.split('@')[1] ?? '',
    picture: fields.picture,
    is_admin: fields.is_admin,
    role: fields.is_admin ? ROLES[0]! : ROLES[1]!,
  };
}

export class UserStore {
  readonly #byId = new Map<number, SalesflareUser>();
  #nextId: number;
  #lastWrite = 0;

  constructor(users: SalesflareUser[]) {
    for (const u of users) this.#byId.set(u.id, u);
    this.#nextId = Math.max(1000, ...users.map((u) => u.id));
  }

  all(): SalesflareUser[] {
    return [...this.#byId.values()].sort((a, b) => a.id - b.id);
  }

  get(id: number): SalesflareUser | undefined {
    return this.#byId.get(id);
  }

  add(input: NewUser): SalesflareUser {
    const now = new Date(this.#now()).toISOString();
    const id = input.id ?? ++this.#nextId;
    const u = build({
      id,
      disabled: input.disabled ?? false,
      creation_date: input.creation_date ?? now,
      modification_date: now,
      prefix: null,
      firstname: input.firstname,
      middle: null,
      lastname: input.lastname,
      suffix: null,
      email: input.email ?? `${input.firstname}.${input.lastname}.${id}@example.com`.toLowerCase(),
      picture: null,
      is_admin: input.is_admin ?? false,
    });
    if (this.#byId.has(id)) throw new Error(`user ${id} already exists`);
    this.#byId.set(id, u);
    return u;
  }

  update(id: number, patch: UserPatch): SalesflareUser {
    const u = this.#byId.get(id);
    if (!u) throw new Error(`no user ${id}`);
    const next = build({ ...u, ...patch, modification_date: new Date(this.#now()).toISOString() });
    this.#byId.set(id, next);
    return next;
  }

  #now(): number {
    this.#lastWrite = Math.max(Date.now(), this.#lastWrite + 1);
    return this.#lastWrite;
  }
}

/** `count` seeded people as the users of one Salesflare team (disabled ones `disabled`). */
export function seedUsers(count: number, seed: number): UserStore {
  const users: SalesflareUser[] = [];
  let id = 4000 + (hash32(seed, 0, 401) % 1000);
  for (const p of generatePeople({ seed, count })) {
    const h = hash32(seed, p.index, 402);
    id += 1 + (h % 37);
    users.push(
      build({
        id,
        disabled: !p.active,
        creation_date: new Date(p.createdAt).toISOString(),
        modification_date: new Date(p.updatedAt).toISOString(),
        prefix: h % 11 === 0 ? 'Dr.' : null,
        firstname: p.firstName,
        middle: null,
        lastname: p.lastName,
        suffix: null,
        email: p.email,
        picture: h % 3 === 0 ? null : `https://lib.salesflare.com/avatars/${id}.png`,
        is_admin: p.index === 0 || h % 9 === 0,
      }),
    );
  }
  return new UserStore(users);
}

// --- the list query ---------------------------------------------------------------------------------

export interface UsersQuery {
  ids: number[];
  name?: string;
  email?: string;
  search?: string;
  onlyEnabled: boolean;
  orderBy: { key: keyof SalesflareUser; desc: boolean }[];
  limit: number;
  offset: number;
}

export const SORT_KEYS = ['id', 'name', 'email', 'creation_date', 'modification_date'] as const;

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

export function selectUsers(all: SalesflareUser[], q: UsersQuery): SalesflareUser[] {
  const matching = all.filter(
    (u) =>
      (q.ids.length === 0 || q.ids.includes(u.id)) &&
      (!q.onlyEnabled || !u.disabled) &&
      (q.email === undefined || u.email.toLowerCase() === q.email.toLowerCase()) &&
      (q.name === undefined || fold(u.name).includes(fold(q.name))) &&
      (q.search === undefined || [u.name, u.email].some((v) => fold(v).includes(fold(q.search!)))),
  );
  const sorted = [...matching].sort((a, b) => {
    for (const { key, desc } of q.orderBy) {
      const x = a[key];
      const y = b[key];
      const c =
        typeof x === 'string' && typeof y === 'string'
          ? x.localeCompare(y, 'en', { sensitivity: 'base' })
          : Number(x) - Number(y);
      if (c !== 0) return desc ? -c : c;
    }
    return a.id - b.id;
  });
  return sorted.slice(q.offset, q.offset + q.limit);
}
