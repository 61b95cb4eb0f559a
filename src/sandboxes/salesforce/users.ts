/**
 * The Salesforce sandbox's User records: the kit's seeded people as Users of one org, Salesforce's own
 * documentation ids among them, and the org's built-in non-human users (Automated Process, Platform
 * Integration User, Chatter Expert, a site guest user) and a few Experience Cloud (portal) users.
 *
 * Field names and types are the User object's (https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_user.htm).
 * Date-times are written the way the REST API writes them: `2023-04-01T10:00:00.000+0000`.
 */
import { generatePeople } from '../kit/people.ts';
import { hash32 } from '../kit/random.ts';
import { canonicalId, makeId, to18 } from './ids.ts';

export type FieldType = 'id' | 'string' | 'email' | 'boolean' | 'datetime' | 'picklist' | 'reference';

/** The User fields the sandbox serves, with their SOQL types. */
export const USER_FIELDS: Record<string, FieldType> = {
  Id: 'id',
  Username: 'string',
  LastName: 'string',
  FirstName: 'string',
  Name: 'string',
  CompanyName: 'string',
  Title: 'string',
  Department: 'string',
  Email: 'email',
  Phone: 'string',
  Alias: 'string',
  CommunityNickname: 'string',
  IsActive: 'boolean',
  TimeZoneSidKey: 'picklist',
  LocaleSidKey: 'picklist',
  LanguageLocaleKey: 'picklist',
  EmailEncodingKey: 'picklist',
  UserType: 'picklist',
  ProfileId: 'reference',
  UserRoleId: 'reference',
  ManagerId: 'reference',
  LastLoginDate: 'datetime',
  CreatedDate: 'datetime',
  CreatedById: 'reference',
  LastModifiedDate: 'datetime',
  LastModifiedById: 'reference',
  SystemModstamp: 'datetime',
};

/** `UserType` picklist values: only `Standard` users hold a Salesforce (CRM) licence. */
export type UserType =
  | 'Standard'
  | 'PowerCustomerSuccess'
  | 'CspLitePortal'
  | 'CsnOnly'
  | 'Guest'
  | 'AutomatedProcess'
  | 'CloudIntegrationUser';

export type FieldValue = string | boolean | null;
/** A User as stored: every field in `USER_FIELDS`, values as the API writes them. */
export type UserRow = Record<string, FieldValue>;

export interface NewUser {
  FirstName?: string | null;
  LastName: string;
  Email?: string;
  UserType?: UserType;
  IsActive?: boolean;
  Id?: string;
  CreatedDate?: string;
}

/** `2023-04-01T10:00:00.000+0000`: milliseconds always zero, as Salesforce stores seconds. */
export function sfDateTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('Z', '+0000');
}

const PROFILES = {
  admin: to18('00e5g000001AdmA'),
  standard: to18('00e5g000001StdU'),
  integration: to18('00e5g000001IntG'),
  community: to18('00e5g000001CmtY'),
};

export class UserStore {
  readonly orgId: string;
  #rows: UserRow[] = [];
  #sorted = true;
  readonly #byId = new Map<string, UserRow>();
  #serial = 40_000;
  #lastWrite = 0;

  constructor(orgId: string) {
    this.orgId = orgId;
  }

  /** Every user, in id (creation) order. */
  all(): readonly UserRow[] {
    if (!this.#sorted) {
      this.#rows.sort((a, b) => (String(a['Id']) < String(b['Id']) ? -1 : 1));
      this.#sorted = true;
    }
    return this.#rows;
  }

  get(id: string): UserRow | undefined {
    const canonical = canonicalId(id);
    return canonical ? this.#byId.get(canonical) : undefined;
  }

  insert(row: UserRow): UserRow {
    const id = row['Id'] as string;
    if (this.#byId.has(id)) throw new Error(`user ${id} already exists`);
    this.#byId.set(id, row);
    this.#rows.push(row);
    this.#sorted = false;
    return row;
  }

  add(input: NewUser): UserRow {
    const now = this.#now();
    const created = input.CreatedDate ? Date.parse(input.CreatedDate) : now;
    return this.insert(
      userRow({
        id: input.Id ?? makeId('005', '5g', ++this.#serial),
        first: input.FirstName ?? null,
        last: input.LastName,
        email: input.Email ?? `${(input.FirstName ?? 'user').toLowerCase()}@example.com`,
        type: input.UserType ?? 'Standard',
        active: input.IsActive ?? true,
        created,
        modified: now,
        orgId: this.orgId,
      }),
    );
  }

  /** Changes fields; `LastModifiedDate` and `SystemModstamp` move forward. */
  update(id: string, patch: Partial<Record<'FirstName' | 'LastName' | 'Email' | 'IsActive', FieldValue>>) {
    const row = this.get(id);
    if (!row) throw new Error(`no user ${id}`);
    Object.assign(row, patch);
    row['Name'] = fullName(row['FirstName'] as string | null, row['LastName'] as string);
    const stamp = sfDateTime(this.#now());
    row['LastModifiedDate'] = stamp;
    row['SystemModstamp'] = stamp;
    return row;
  }

  #now(): number {
    this.#lastWrite = Math.max(Date.now(), this.#lastWrite + 1000);
    return this.#lastWrite;
  }
}

function fullName(first: string | null, last: string): string {
  return first ? `${first} ${last}` : last;
}

function userRow(u: {
  id: string;
  first: string | null;
  last: string;
  email: string;
  type: UserType;
  active: boolean;
  created: number;
  modified: number;
  orgId: string;
  title?: string | null;
  department?: string | null;
  phone?: string | null;
  timeZone?: string;
  locale?: string;
  lastLogin?: number | null;
  managerId?: string | null;
}): UserRow {
  const alias = `${(u.first ?? '').slice(0, 1)}${u.last.replace(/[^A-Za-z]/g, '')}`.slice(0, 8).toLowerCase();
  const profile =
    u.type === 'Standard'
      ? PROFILES.standard
      : u.type === 'CloudIntegrationUser' || u.type === 'AutomatedProcess'
        ? PROFILES.integration
        : PROFILES.community;
  return {
    Id: u.id,
    Username: u.email.replace(/@.*$/, (domain) => `${domain}.${u.orgId.slice(-4).toLowerCase()}`),
    LastName: u.last,
    FirstName: u.first,
    Name: fullName(u.first, u.last),
    CompanyName: null,
    Title: u.title ?? null,
    Department: u.department ?? null,
    Email: u.email,
    Phone: u.phone ?? null,
    Alias: alias || 'user',
    CommunityNickname: `${alias || 'user'}${u.id.slice(-6)}`,
    IsActive: u.active,
    TimeZoneSidKey: u.timeZone ?? 'America/Los_Angeles',
    LocaleSidKey: (u.locale ?? 'en-US').replace('-', '_'),
    LanguageLocaleKey: 'en_US',
    EmailEncodingKey: 'UTF-8',
    UserType: u.type,
    ProfileId: profile,
    UserRoleId: null,
    ManagerId: u.managerId ?? null,
    LastLoginDate: u.lastLogin ? sfDateTime(u.lastLogin) : null,
    CreatedDate: sfDateTime(u.created),
    CreatedById: null,
    LastModifiedDate: sfDateTime(u.modified),
    LastModifiedById: null,
    SystemModstamp: sfDateTime(u.modified),
  };
}

/**
 * The users Salesforce's own docs show: the identity-URL example user `005x00000012Q9P` of org
 * `00Dx0000000BV7z` (https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_using_openid.htm) and the
 * Connect REST API example user `005D0000001GLoh`
 * (https://developer.salesforce.com/docs/atlas.en-us.chatterapi.meta/chatterapi/intro_understanding_chatter_connect_resources.htm).
 * The docs give only their ids; names and dates are the sandbox's.
 */
const DOC_USERS = [
  { id: '005x00000012Q9P', first: 'Admin', last: 'User', created: Date.UTC(2018, 4, 2, 9, 15, 0) },
  { id: '005D0000001GLoh', first: null, last: 'Integration Owner', created: Date.UTC(2018, 4, 3, 17, 0, 0) },
];

/** The org's own users that are not people with a CRM licence. */
const BUILT_IN: Array<{ first: string | null; last: string; email: string; type: UserType }> = [
  { first: null, last: 'Automated Process', email: 'autoproc@00d.example.com', type: 'AutomatedProcess' },
  {
    first: 'Platform Integration',
    last: 'User',
    email: 'noreply@00d.example.com',
    type: 'CloudIntegrationUser',
  },
  { first: 'Chatter', last: 'Expert', email: 'noreply@chatter.salesforce.com', type: 'CsnOnly' },
  { first: 'Site', last: 'Guest User', email: 'guest@site.example.com', type: 'Guest' },
];

/**
 * `count` seeded people as Users (deactivated ones `IsActive: false`, API/integration people
 * `CloudIntegrationUser`, about one in twenty an Experience Cloud user), plus the doc users and built-ins.
 */
export function seedUsers(count: number, seed: number, orgId: string): UserStore {
  const store = new UserStore(orgId);
  const people = generatePeople({ seed, count });
  const anchor = Date.UTC(2025, 5, 1);
  for (const doc of DOC_USERS) {
    store.insert(
      userRow({
        id: to18(doc.id),
        first: doc.first,
        last: doc.last,
        email: `${(doc.first ?? doc.last).toLowerCase().replace(/\s+/g, '.')}@docs.example.com`,
        type: 'Standard',
        active: true,
        created: doc.created,
        modified: doc.created + 86_400_000,
        orgId,
      }),
    );
  }
  BUILT_IN.forEach((user, i) => {
    const created = Date.UTC(2018, 4, 1, 0, i, 0);
    store.insert(
      userRow({
        id: makeId('005', '5g', 100 + i),
        ...user,
        active: true,
        created,
        modified: created,
        orgId,
      }),
    );
  });
  let serial = 1_000;
  let manager: string | null = null;
  for (const person of people) {
    const h = hash32(seed, person.index, 700);
    serial += 1 + (h % 50);
    const portal = person.human && person.index > 0 && h % 20 === 7;
    const type: UserType = !person.human
      ? 'CloudIntegrationUser'
      : portal
        ? 'PowerCustomerSuccess'
        : 'Standard';
    const id = makeId('005', '5g', serial);
    store.insert(
      userRow({
        id,
        first: person.firstName,
        last: person.lastName,
        email: person.email,
        type,
        active: person.active,
        created: person.createdAt,
        modified: person.updatedAt,
        orgId,
        title: type === 'Standard' ? person.title : null,
        department: type === 'Standard' ? person.department : null,
        phone: person.phone,
        timeZone: person.timeZone,
        locale: person.locale,
        lastLogin: person.active ? Math.min(anchor, person.updatedAt + (h % 86_400_000)) : null,
        managerId: type === 'Standard' ? manager : null,
      }),
    );
    if (person.index === 0) manager = id;
  }
  return store;
}
