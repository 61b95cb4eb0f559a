/**
 * The Dynamics 365 sandbox's `systemuser` rows (https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/systemuser):
 * the kit's seeded people as users of one environment, Microsoft's documentation example among them, the
 * environment's built-in SYSTEM and INTEGRATION users, application users (server-to-server, `applicationid`
 * set, non-interactive) for the kit's API people, and a Microsoft support user. Dates are UTC with `Z` and
 * whole seconds, GUIDs lower case, as the Web API writes them.
 */
import { generatePeople } from '../kit/people.ts';
import { hash32, hashGuid } from '../kit/random.ts';

export type ColumnType = 'guid' | 'string' | 'boolean' | 'int' | 'datetime';

/** The columns the sandbox serves (Web API names: lookups as `_…_value`), with their Edm types. */
export const COLUMNS: Record<string, ColumnType> = {
  systemuserid: 'guid',
  fullname: 'string',
  firstname: 'string',
  lastname: 'string',
  internalemailaddress: 'string',
  personalemailaddress: 'string',
  domainname: 'string',
  title: 'string',
  jobtitle: 'string',
  mobilephone: 'string',
  isdisabled: 'boolean',
  islicensed: 'boolean',
  accessmode: 'int',
  applicationid: 'guid',
  azureactivedirectoryobjectid: 'guid',
  createdon: 'datetime',
  modifiedon: 'datetime',
  _businessunitid_value: 'guid',
  _parentsystemuserid_value: 'guid',
  versionnumber: 'int',
};

export type Value = string | number | boolean | null;
export type SystemUser = Record<string, Value>;

/** `accessmode` choices: 0 Read-Write, 1 Administrative, 2 Read, 3 Support User, 4 Non-interactive, 5 Delegated Admin. */
export const ACCESS_MODES = {
  readWrite: 0,
  administrative: 1,
  read: 2,
  support: 3,
  nonInteractive: 4,
} as const;

/** `2023-01-05T10:00:00Z`. */
export function webApiDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export interface NewSystemUser {
  firstname?: string | null;
  lastname: string;
  internalemailaddress?: string | null;
  isdisabled?: boolean;
  accessmode?: number;
  applicationid?: string | null;
  createdon?: string;
}

export class SystemUserStore {
  readonly businessUnitId: string;
  readonly #rows = new Map<string, SystemUser>();
  #version = 1_000_000;
  #serial = 0;
  #lastWrite = 0;

  constructor(businessUnitId: string) {
    this.businessUnitId = businessUnitId;
  }

  all(): SystemUser[] {
    return [...this.#rows.values()];
  }

  get(id: string): SystemUser | undefined {
    return this.#rows.get(id.toLowerCase());
  }

  insert(row: SystemUser): SystemUser {
    const id = String(row['systemuserid']);
    if (this.#rows.has(id)) throw new Error(`systemuser ${id} already exists`);
    row['versionnumber'] = ++this.#version;
    this.#rows.set(id, row);
    return row;
  }

  add(input: NewSystemUser): SystemUser {
    const now = this.#now();
    return this.insert(
      row({
        id: hashGuid(991, ++this.#serial, 4400),
        first: input.firstname ?? null,
        last: input.lastname,
        email: input.internalemailaddress ?? null,
        disabled: input.isdisabled ?? false,
        accessmode: input.accessmode ?? ACCESS_MODES.readWrite,
        applicationid: input.applicationid ?? null,
        created: input.createdon ? Date.parse(input.createdon) : now,
        modified: now,
        businessUnitId: this.businessUnitId,
      }),
    );
  }

  update(
    id: string,
    patch: Partial<Pick<SystemUser, 'firstname' | 'lastname' | 'internalemailaddress' | 'isdisabled'>>,
  ) {
    const target = this.get(id);
    if (!target) throw new Error(`no systemuser ${id}`);
    Object.assign(target, patch);
    target['fullname'] = fullName(target['firstname'] as string | null, target['lastname'] as string);
    target['modifiedon'] = webApiDate(this.#now());
    target['versionnumber'] = ++this.#version;
    return target;
  }

  #now(): number {
    this.#lastWrite = Math.max(Date.now(), this.#lastWrite + 1000);
    return this.#lastWrite;
  }
}

/** The environment's full-name format is "First Name Last Name" here (orgs can choose others). */
function fullName(first: string | null, last: string): string {
  return first ? `${first} ${last}` : last;
}

function row(u: {
  id: string;
  first: string | null;
  last: string;
  email: string | null;
  disabled: boolean;
  accessmode: number;
  applicationid: string | null;
  created: number;
  modified: number;
  businessUnitId: string;
  title?: string | null;
  phone?: string | null;
  managerId?: string | null;
  aadObjectId?: string | null;
}): SystemUser {
  return {
    systemuserid: u.id,
    fullname: fullName(u.first, u.last),
    firstname: u.first,
    lastname: u.last,
    internalemailaddress: u.email,
    personalemailaddress: null,
    domainname: u.email ?? '',
    title: null,
    jobtitle: u.title ?? null,
    mobilephone: u.phone ?? null,
    isdisabled: u.disabled,
    islicensed: u.accessmode <= ACCESS_MODES.read && u.applicationid === null,
    accessmode: u.accessmode,
    applicationid: u.applicationid,
    azureactivedirectoryobjectid: u.aadObjectId ?? null,
    createdon: webApiDate(u.created),
    modifiedon: webApiDate(u.modified),
    _businessunitid_value: u.businessUnitId,
    _parentsystemuserid_value: u.managerId ?? null,
    versionnumber: 0,
  };
}

/**
 * Microsoft publishes no example systemuser row; this one uses the docs' fictitious Contoso organisation
 * (`https://contoso.crm.dynamics.com`) and an all-zero-but-one id such as the docs' examples use.
 */
export const DOC_USER = {
  id: '00000000-0000-0000-0000-000000000001',
  first: 'Nancy',
  last: 'Anderson',
  email: 'nancy@contoso.com',
};

/** `count` seeded people as systemusers, plus the docs' user, SYSTEM, INTEGRATION and a support user. */
export function seedSystemUsers(count: number, seed: number): SystemUserStore {
  const businessUnitId = hashGuid(seed, 0, 4300);
  const store = new SystemUserStore(businessUnitId);
  const base = { businessUnitId, disabled: false, applicationid: null };
  const at = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d, 8, 0, 0);
  const builtIn = [
    {
      id: hashGuid(seed, 1, 4301),
      first: null,
      last: 'SYSTEM',
      email: null,
      accessmode: ACCESS_MODES.nonInteractive,
    },
    {
      id: hashGuid(seed, 2, 4301),
      first: null,
      last: 'INTEGRATION',
      email: null,
      accessmode: ACCESS_MODES.nonInteractive,
    },
    {
      id: hashGuid(seed, 3, 4301),
      first: 'Microsoft',
      last: 'Support',
      email: 'crmoln2@microsoft.com',
      accessmode: ACCESS_MODES.support,
    },
  ];
  for (const user of builtIn)
    store.insert(row({ ...base, ...user, created: at(2019, 1, 7), modified: at(2019, 1, 7) }));
  store.insert(
    row({
      ...base,
      ...DOC_USER,
      accessmode: ACCESS_MODES.readWrite,
      created: at(2019, 1, 8),
      modified: at(2023, 1, 5),
      aadObjectId: hashGuid(seed, 4, 4302),
    }),
  );
  let manager: string | null = null;
  for (const person of generatePeople({ seed, count })) {
    const id = hashGuid(seed, person.index, 4310);
    const application = !person.human;
    store.insert(
      row({
        id,
        first: application ? null : person.firstName,
        last: application ? `# ${person.firstName} ${person.lastName}` : person.lastName,
        email: person.email,
        disabled: !person.active,
        accessmode: application
          ? ACCESS_MODES.nonInteractive
          : person.index === 0
            ? ACCESS_MODES.administrative
            : hash32(seed, person.index, 4311) % 25 === 0
              ? ACCESS_MODES.read
              : ACCESS_MODES.readWrite,
        applicationid: application ? hashGuid(seed, person.index, 4312) : null,
        created: person.createdAt,
        modified: person.updatedAt,
        businessUnitId,
        title: application ? null : person.title,
        phone: application ? null : person.phone,
        managerId: application ? null : manager,
        aadObjectId: hashGuid(seed, person.index, 4313),
      }),
    );
    if (person.index === 0) manager = id;
  }
  return store;
}
