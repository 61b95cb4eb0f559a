/**
 * Freshsales users as the owners selector returns them (`GET /api/selector/owners` → `{ "users": [...] }`):
 * numeric id, `display_name`, `email`, `is_active`, `work_number`, `mobile_number`. Each user has a
 * personal API key. No timestamps and no user kinds: Freshsales has no API or bot users among them.
 */
import { randomBytes } from 'node:crypto';
import { generatePeople } from '../kit/people.ts';
import { hash32 } from '../kit/random.ts';

export interface FreshsalesUser {
  id: number;
  display_name: string;
  email: string;
  is_active: boolean;
  work_number: string | null;
  mobile_number: string | null;
}

/** Jane Sampleton, the sample person of Freshsales' API docs, as the account's admin. */
export const DOCS_EXAMPLE_USER: FreshsalesUser = {
  id: 31_000_000_001,
  display_name: 'Jane Sampleton',
  email: 'janesampleton@gmail.com',
  is_active: true,
  work_number: null,
  mobile_number: null,
};

export class UserStore {
  readonly #users: FreshsalesUser[] = [];
  /** API key → user id. */
  readonly #keys = new Map<string, number>();

  constructor(users: FreshsalesUser[]) {
    for (const user of users) this.add(user);
  }

  list(): FreshsalesUser[] {
    return this.#users.map((user) => ({ ...user }));
  }

  get(id: number): FreshsalesUser | undefined {
    const user = this.#users.find((u) => u.id === id);
    return user && { ...user };
  }

  add(user: FreshsalesUser): FreshsalesUser {
    if (this.#users.some((u) => u.id === user.id)) throw new Error(`user ${user.id} already exists`);
    this.#users.push({ ...user });
    return user;
  }

  /** Deactivates (or reactivates) a user; a deactivated user's API key stops working. */
  setActive(id: number, active: boolean): FreshsalesUser {
    const user = this.#users.find((u) => u.id === id);
    if (!user) throw new Error(`no user ${id}`);
    user.is_active = active;
    return { ...user };
  }

  /** A fresh API key for the user (the old one, if any, stops working). */
  issueKey(id: number, key = randomBytes(16).toString('base64url')): string {
    for (const [k, owner] of this.#keys) if (owner === id) this.#keys.delete(k);
    this.#keys.set(key, id);
    return key;
  }

  revokeKeys(): void {
    this.#keys.clear();
  }

  /** The active user an API key belongs to. */
  userForKey(key: string): FreshsalesUser | undefined {
    const id = this.#keys.get(key);
    const user = id === undefined ? undefined : this.#users.find((u) => u.id === id);
    return user?.is_active ? user : undefined;
  }
}

/** The docs' sample user and `count - 1` seeded ones (about 8% deactivated), ids rising with creation. */
export function seedUsers(count: number, seed: number): UserStore {
  const people = generatePeople({ seed, count: Math.max(0, count - 1), nonHumanShare: 0 });
  const users = [DOCS_EXAMPLE_USER];
  let id = DOCS_EXAMPLE_USER.id;
  for (const person of people) {
    const h = hash32(seed, person.index, 610);
    id += 1 + (h % 40);
    users.push({
      id,
      display_name: `${person.firstName} ${person.lastName}`,
      email: person.email,
      is_active: person.active,
      work_number: h % 3 === 0 ? null : person.phone,
      mobile_number: h % 5 === 0 ? person.phone.replace('555 01', '555 02') : null,
    });
  }
  return new UserStore(users);
}
