/**
 * Keap users as REST v2 returns them (`User` in Keap's OpenAPI document): string ids, `given_name` /
 * `family_name`, `email_addresses` slots, `status` (ACTIVE, INVITED, INACTIVE, NOT_A_USER), `partner`,
 * ISO 8601 UTC `create_time` / `update_time` without fractions. Seeded from the kit's people, with the
 * documentation's own example user among them.
 */
import { generatePeople } from '../kit/people.ts';
import { hash32 } from '../kit/random.ts';

export type KeapStatus = 'ACTIVE' | 'INVITED' | 'INACTIVE' | 'NOT_A_USER';

export interface KeapEmail {
  email: string;
  field: 'EMAIL1' | 'EMAIL2' | 'EMAIL3';
}

export interface KeapPhone {
  number: string;
  extension?: string;
  type: string;
  field: 'PHONE1' | 'PHONE2' | 'PHONE3' | 'PHONE4' | 'PHONE5';
  number_e164?: string;
}

export interface KeapUser {
  id: string;
  global_user_id: string;
  keap_id: string;
  given_name: string;
  family_name: string;
  middle_name?: string;
  nickname?: string;
  title?: string;
  company_name?: string;
  website?: string;
  admin: boolean;
  partner: boolean;
  status: KeapStatus;
  email_addresses: KeapEmail[];
  phone_numbers: KeapPhone[];
  fax_numbers: unknown[];
  social_accounts: unknown[];
  created_by: number;
  create_time: string;
  updated_by: number;
  update_time: string;
}

/** Keap's date format: ISO 8601 UTC to the second. */
export function keapTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The example user of Keap's v2 `User` schema (its field examples, put together). */
export const DOCS_EXAMPLE_USER: KeapUser = {
  id: '123',
  global_user_id: 'usr_abc123',
  keap_id: '456',
  given_name: 'John',
  family_name: 'Smith',
  middle_name: 'Edward',
  nickname: 'Tony',
  title: 'Sales Manager',
  company_name: 'Acme Corp',
  website: 'https://example.com',
  admin: true,
  partner: false,
  status: 'ACTIVE',
  email_addresses: [{ email: 'john.smith@example.com', field: 'EMAIL1' }],
  phone_numbers: [
    { number: '5551234567', extension: '101', type: 'Work', field: 'PHONE1', number_e164: '+15551234567' },
  ],
  fax_numbers: [],
  social_accounts: [],
  created_by: 1,
  create_time: '2024-05-21T14:30:00Z',
  updated_by: 1,
  update_time: '2024-05-21T15:00:00Z',
};

export type NewUser = Partial<Omit<KeapUser, 'id'>> & { given_name: string; family_name: string };

/** The primary email: the EMAIL1 slot, else the first. */
export function primaryEmail(user: KeapUser): string | undefined {
  return (user.email_addresses.find((e) => e.field === 'EMAIL1') ?? user.email_addresses[0])?.email;
}

export class UserStore {
  readonly #users = new Map<string, KeapUser>();
  #nextId = 1;
  #lastWrite = 0;

  constructor(users: KeapUser[]) {
    for (const user of users) this.#put(user);
  }

  /** Every user, in id order. */
  all(): KeapUser[] {
    return [...this.#users.values()]
      .sort((a, b) => Number(a.id) - Number(b.id))
      .map((u) => structuredClone(u));
  }

  get(id: string): KeapUser | undefined {
    const user = this.#users.get(id);
    return user && structuredClone(user);
  }

  add(input: NewUser): KeapUser {
    const now = keapTime(this.#now());
    const id = String(this.#nextId);
    const user: KeapUser = {
      id,
      global_user_id: `usr_${id.padStart(6, '0')}`,
      keap_id: String(1000 + Number(id)),
      admin: false,
      partner: false,
      status: 'ACTIVE',
      email_addresses: [],
      phone_numbers: [],
      fax_numbers: [],
      social_accounts: [],
      created_by: 1,
      create_time: now,
      updated_by: 1,
      update_time: now,
      ...input,
    };
    this.#put(user);
    return structuredClone(user);
  }

  update(id: string, patch: Partial<Omit<KeapUser, 'id'>>): KeapUser {
    const user = this.#users.get(id);
    if (!user) throw new Error(`no user ${id}`);
    Object.assign(user, patch, { update_time: keapTime(this.#now()) });
    return structuredClone(user);
  }

  #put(user: KeapUser): void {
    if (this.#users.has(user.id)) throw new Error(`user ${user.id} exists`);
    this.#users.set(user.id, user);
    this.#nextId = Math.max(this.#nextId, Number(user.id) + 1);
  }

  #now(): number {
    this.#lastWrite = Math.max(Date.now(), this.#lastWrite + 1000);
    return this.#lastWrite;
  }
}

/**
 * `count` users from the kit's people (deactivated → INACTIVE, API users → NOT_A_USER, a few INVITED and
 * partners), then the docs' example user.
 */
export function seedUsers(count: number, seed: number): UserStore {
  const users: KeapUser[] = [];
  for (const person of generatePeople({ seed, count })) {
    const h = hash32(seed, person.index, 311);
    // Seeded ids start above the docs' example user's 123.
    const id = String(1001 + person.index);
    const status: KeapStatus = !person.human
      ? 'NOT_A_USER'
      : !person.active
        ? 'INACTIVE'
        : h % 100 < 4 && person.index > 0
          ? 'INVITED'
          : 'ACTIVE';
    const digits = person.phone.replace(/\D/g, '');
    users.push({
      id,
      global_user_id: `usr_${(h >>> 4).toString(36)}${id}`,
      keap_id: String(5000 + person.index),
      given_name: person.firstName,
      family_name: person.lastName,
      title: person.title,
      company_name: 'Keap Sandbox Inc.',
      admin: person.index === 0 || h % 100 >= 93,
      partner: person.human && person.index > 0 && (h >>> 8) % 100 < 3,
      status,
      email_addresses: [{ email: person.email, field: 'EMAIL1' }],
      phone_numbers: [{ number: digits.slice(1), type: 'Work', field: 'PHONE1', number_e164: `+${digits}` }],
      fax_numbers: [],
      social_accounts: [],
      created_by: 1,
      create_time: keapTime(person.createdAt),
      updated_by: 1,
      update_time: keapTime(person.updatedAt),
    });
  }
  users.push(structuredClone(DOCS_EXAMPLE_USER));
  return new UserStore(users);
}
