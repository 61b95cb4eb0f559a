/**
 * The Zoho CRM sandbox's users, in the v8 Users API's shape (zoho/crm-oas `v8.0/users.json`, `users`
 * schema): the kit's seeded people as users of one organisation, the docs' example user "Bruce Wills"
 * (https://www.zoho.com/crm/developer/docs/api/v2/get-users.html) among them, some deactivated
 * (`status: "disabled"`), some invited but not confirmed (`confirm: false`) and some deleted (seen only with
 * `type=DeletedUsers`). Date-times carry the **organisation's** UTC offset (`2021-08-09T09:51:46+05:30`),
 * which moves with daylight saving time in zones that have it.
 */
import { generatePeople } from '../kit/people.ts';
import { hash32 } from '../kit/random.ts';

export type ZohoStatus = 'active' | 'disabled' | 'deleted';

export interface Lookup {
  name: string;
  id: string;
}

/** A user as the API returns it. */
export interface ZohoUser {
  id: string;
  zuid: string;
  first_name: string | null;
  last_name: string;
  full_name: string;
  email: string;
  status: ZohoStatus;
  confirm: boolean;
  role: Lookup;
  profile: Lookup;
  category: string;
  alias: string | null;
  phone: string | null;
  mobile: string | null;
  city: string | null;
  country: string | null;
  language: string;
  locale: string;
  country_locale: string;
  time_zone: string;
  time_format: string;
  date_format: string;
  decimal_separator: string;
  number_separator: string;
  sort_order_preference__s: string;
  name_format__s: string;
  Isonline: boolean;
  microsoft: boolean;
  personal_account: boolean;
  sandboxDeveloper: boolean;
  Currency: string;
  Reporting_To: Lookup | null;
  created_by: Lookup;
  created_time: string;
  Modified_By: Lookup;
  Modified_Time: string;
  $current_shift: null;
  $next_shift: null;
  $shift_effective_from: null;
}

/** `yyyy-MM-ddTHH:mm:ss±HH:mm` in `zone`, as Zoho writes an organisation's date-times. */
export function zonedDateTime(ms: number, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  }).formatToParts(new Date(ms));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const offset = part('timeZoneName').replace('GMT', '') || '+00:00';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}:${part('second')}${offset}`;
}

const ROLES = {
  ceo: { name: 'CEO', id: '4876876000000026005' },
  manager: { name: 'Manager', id: '4876876000000026008' },
  rep: { name: 'Sales Rep', id: '4876876000000026011' },
};
const PROFILES = {
  admin: { name: 'Administrator', id: '4876876000000026014' },
  standard: { name: 'Standard', id: '4876876000000026017' },
};

export interface NewZohoUser {
  first_name?: string | null;
  last_name: string;
  email?: string;
  status?: ZohoStatus;
  confirm?: boolean;
  created_time?: string;
}

export class ZohoUserStore {
  readonly zone: string;
  readonly #prefix: string;
  readonly #users: ZohoUser[] = [];
  #serial = 500_000;
  #lastWrite = 0;

  constructor(orgPrefix: string, zone: string) {
    this.#prefix = orgPrefix;
    this.zone = zone;
  }

  /** A 19-digit id of this organisation (its 7-digit prefix, then a serial). */
  nextId(serial = ++this.#serial): string {
    return `${this.#prefix}${String(serial).padStart(12, '0')}`;
  }

  /** Users in id order (creation order); deleted ones too. */
  all(): ZohoUser[] {
    return this.#users;
  }

  get(id: string): ZohoUser | undefined {
    return this.#users.find((u) => u.id === id);
  }

  insert(user: ZohoUser): ZohoUser {
    this.#users.push(user);
    this.#users.sort((a, b) => (a.id < b.id ? -1 : 1));
    return user;
  }

  add(input: NewZohoUser): ZohoUser {
    const now = this.#now();
    const admin = this.#users[0];
    return this.insert(
      zohoUser({
        id: this.nextId(),
        zuid: String(70_000_000 + this.#serial),
        first: input.first_name ?? null,
        last: input.last_name,
        email: input.email ?? `${(input.first_name ?? input.last_name).toLowerCase()}@zylker.example.com`,
        status: input.status ?? 'active',
        confirm: input.confirm ?? true,
        admin: false,
        created: input.created_time ? Date.parse(input.created_time) : now,
        modified: now,
        zone: this.zone,
        by: admin ? { name: admin.full_name, id: admin.id } : undefined,
      }),
    );
  }

  /** Changes fields; `Modified_Time` moves forward. */
  update(
    id: string,
    patch: Partial<Pick<ZohoUser, 'first_name' | 'last_name' | 'email' | 'status' | 'confirm'>>,
  ) {
    const user = this.get(id);
    if (!user) throw new Error(`no user ${id}`);
    Object.assign(user, patch);
    user.full_name = fullName(user.first_name, user.last_name);
    user.Modified_Time = zonedDateTime(this.#now(), this.zone);
    return user;
  }

  #now(): number {
    this.#lastWrite = Math.max(Date.now(), this.#lastWrite + 1000);
    return this.#lastWrite;
  }
}

function fullName(first: string | null, last: string): string {
  return first ? `${first} ${last}` : last;
}

function zohoUser(u: {
  id: string;
  zuid: string;
  first: string | null;
  last: string;
  email: string;
  status: ZohoStatus;
  confirm: boolean;
  admin: boolean;
  created: number;
  modified: number;
  zone: string;
  by?: Lookup;
  phone?: string | null;
  reportsTo?: Lookup | null;
  online?: boolean;
}): ZohoUser {
  const self = { name: fullName(u.first, u.last), id: u.id };
  return {
    id: u.id,
    zuid: u.zuid,
    first_name: u.first,
    last_name: u.last,
    full_name: fullName(u.first, u.last),
    email: u.email,
    status: u.status,
    confirm: u.confirm,
    role: { ...(u.admin ? ROLES.ceo : u.reportsTo ? ROLES.rep : ROLES.manager) },
    profile: { ...(u.admin ? PROFILES.admin : PROFILES.standard) },
    category: 'regular_user',
    alias: null,
    phone: u.phone ?? null,
    mobile: null,
    city: null,
    country: null,
    language: 'en_US',
    locale: 'en_US',
    country_locale: 'en_US',
    time_zone: u.zone,
    time_format: 'hh:mm a',
    date_format: 'MMM d, yyyy',
    decimal_separator: 'Period',
    number_separator: 'Comma',
    sort_order_preference__s: 'First Name,Last Name',
    name_format__s: 'Salutation,First Name,Last Name',
    Isonline: u.online ?? false,
    microsoft: false,
    personal_account: false,
    sandboxDeveloper: false,
    Currency: 'USD',
    Reporting_To: u.reportsTo ?? null,
    created_by: u.by ?? self,
    created_time: zonedDateTime(u.created, u.zone),
    Modified_By: u.by ?? self,
    Modified_Time: zonedDateTime(u.modified, u.zone),
    $current_shift: null,
    $next_shift: null,
    $shift_effective_from: null,
  };
}

/** The docs' example user (Zoho CRM API v2 "Get Users" sample response), in an IST organisation. */
export const DOC_USER = {
  id: '1386586000000078001',
  zuid: '400000',
  first: 'Bruce',
  last: 'Wills',
  email: 'user1@zoho.com',
  created: Date.parse('2017-02-24T23:35:57+05:30'),
  modified: Date.parse('2018-03-05T16:40:59+05:30'),
};

/**
 * `count` seeded people: person 0 the administrator who connected the app, deactivated people `disabled`,
 * about 4% not confirmed and 2% deleted; the kit's API/integration people are left out, as Zoho CRM has no
 * such users.
 */
export function seedZohoUsers(count: number, seed: number, zone: string): ZohoUserStore {
  const store = new ZohoUserStore('4876876', zone);
  const people = [...generatePeople({ seed, count, nonHumanShare: 0 })];
  const owner = people[0];
  let adminRef: Lookup | undefined;
  for (const person of people) {
    const h = hash32(seed, person.index, 880);
    const id = store.nextId(100_000 + person.index * 7 + (h % 7));
    const user = zohoUser({
      id,
      zuid: String(60_000_000 + (h % 30_000_000)),
      first: person.firstName,
      last: person.lastName,
      email: person.email,
      status: !person.active ? 'disabled' : person.index > 0 && h % 50 === 3 ? 'deleted' : 'active',
      confirm: person.index === 0 || h % 25 !== 11,
      admin: person === owner,
      created: person.createdAt,
      modified: person.updatedAt,
      zone,
      by: adminRef,
      phone: person.phone,
      reportsTo: person === owner ? null : adminRef,
      online: h % 9 === 0,
    });
    store.insert(user);
    if (person === owner) adminRef = { name: user.full_name, id: user.id };
  }
  store.insert(
    zohoUser({
      id: DOC_USER.id,
      zuid: DOC_USER.zuid,
      first: DOC_USER.first,
      last: DOC_USER.last,
      email: DOC_USER.email,
      status: 'active',
      confirm: true,
      admin: false,
      created: DOC_USER.created,
      modified: DOC_USER.modified,
      zone,
      by: adminRef,
    }),
  );
  return store;
}
