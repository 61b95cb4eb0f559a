/**
 * The Pipeliner sandbox's users, which Pipeliner calls Clients: the kit's seeded people as `Client`
 * entities (fields and order from Pipeliner's OpenAPI `Client` schema), the docs' own example among them,
 * Pipeliner support accounts (`type: 1`), and the in-memory store the routes and the control both use.
 * Times are kept in microseconds, as Pipeliner stores them.
 */
import { generatePeople } from '../kit/people.ts';
import { hash32, hex } from '../kit/random.ts';
import { formatPipelinerDate } from './dates.ts';

/** A Client exactly as `GET /entities/Clients` returns it. */
export interface PipelinerClient {
  is_delete_protected: boolean;
  id: string;
  is_deleted: boolean;
  modified: string;
  created: string;
  default_unit: string;
  master_right: string;
  default_unit_id: string;
  email: string;
  first_name: string;
  last_active: string | null;
  last_name: string;
  master_right_id: string;
  middle_name: string | null;
  phone: string | null;
  picture_url: string | null;
  position: string | null;
  region: string | null;
  timezone: string | null;
  /** 0 - Customer (a user of the space), 1 - Support (Pipeliner's own support access). */
  type: 0 | 1;
  revision: number;
  user_profile_id: number;
  unit_membership: string[];
  timezone_name: string;
  name: string;
  formatted_name: string;
  unit_manager_ids: string[];
  unit_member_ids: string[];
  user_recalculation_state: 'InProgress' | 'NoRecalculation' | 'Pending';
}

export interface ClientRecord {
  id: string;
  type: 0 | 1;
  email: string;
  first_name: string;
  middle_name: string | null;
  last_name: string;
  phone: string | null;
  picture_url: string | null;
  position: string | null;
  region: string | null;
  timezone_name: string;
  is_deleted: boolean;
  is_delete_protected: boolean;
  /** Microseconds since the epoch. */
  created: number;
  modified: number;
  last_active: number | null;
  default_unit_id: string;
  master_right_id: string;
  membership_ids: string[];
  user_profile_id: number;
  revision: number;
}

export type NewClient = Partial<Omit<ClientRecord, 'created' | 'modified' | 'last_active'>> &
  Pick<ClientRecord, 'first_name' | 'last_name'> & { created?: number };
export type ClientPatch = Partial<
  Pick<ClientRecord, 'email' | 'first_name' | 'last_name' | 'position' | 'type'>
>;

/** Where relation URIs point: the API base the client called, and the space. */
export interface RenderContext {
  base: string;
  timeZone?: string;
}

export const fullName = (r: ClientRecord) => `${r.first_name} ${r.last_name}`.trim();

export function toPublic(r: ClientRecord, ctx: RenderContext): PipelinerClient {
  const uri = (entity: string, id: string) => `${ctx.base}/entities/${entity}/${id}`;
  const date = (micros: number) => formatPipelinerDate(micros, ctx.timeZone);
  return {
    is_delete_protected: r.is_delete_protected,
    id: r.id,
    is_deleted: r.is_deleted,
    modified: date(r.modified),
    created: date(r.created),
    default_unit: uri('SalesUnits', r.default_unit_id),
    master_right: uri('MasterRights', r.master_right_id),
    default_unit_id: r.default_unit_id,
    email: r.email,
    first_name: r.first_name,
    last_active: r.last_active === null ? null : date(r.last_active),
    last_name: r.last_name,
    master_right_id: r.master_right_id,
    middle_name: r.middle_name,
    phone: r.phone,
    picture_url: r.picture_url,
    position: r.position,
    region: r.region,
    timezone: null,
    type: r.type,
    revision: r.revision,
    user_profile_id: r.user_profile_id,
    unit_membership: r.membership_ids.map((id) => uri('SalesUnitClientRelations', id)),
    timezone_name: r.timezone_name,
    name: fullName(r),
    formatted_name: [r.first_name, r.middle_name, r.last_name].filter(Boolean).join(' '),
    unit_manager_ids: [],
    unit_member_ids: [r.default_unit_id],
    user_recalculation_state: 'NoRecalculation',
  };
}

/** A v4-shaped UUID that is a pure function of (seed, index, salt). */
export function seededUuid(seed: number, index: number, salt: number): string {
  const h = (k: number) => hash32(seed, index, salt + k);
  const [a, b, c, d] = [h(0), h(1), h(2), h(3)];
  return `${hex(a, 8)}-${hex(b, 4)}-4${hex(b >>> 16, 3)}-${'89ab'[c & 3]}${hex(c >>> 4, 3)}-${hex(d, 8)}${hex(a >>> 16, 4)}`;
}

export class ClientStore {
  readonly #byId = new Map<string, ClientRecord>();
  readonly #seed: number;
  #added = 0;
  #lastWrite = 0;

  constructor(records: ClientRecord[], seed: number) {
    this.#seed = seed;
    for (const r of records) this.#byId.set(r.id, r);
  }

  /** Every record, in id order (Pipeliner's default order). */
  all(): ClientRecord[] {
    return [...this.#byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  get(id: string): ClientRecord | undefined {
    return this.#byId.get(id);
  }

  add(input: NewClient): ClientRecord {
    const now = this.#now();
    const i = ++this.#added;
    const record: ClientRecord = {
      id: input.id ?? seededUuid(this.#seed, 1_000_000 + i, 51),
      type: input.type ?? 0,
      email: input.email ?? `${input.first_name}.${input.last_name}.${i}@example.com`.toLowerCase(),
      first_name: input.first_name,
      middle_name: input.middle_name ?? null,
      last_name: input.last_name,
      phone: input.phone ?? null,
      picture_url: input.picture_url ?? null,
      position: input.position ?? null,
      region: input.region ?? null,
      timezone_name: input.timezone_name ?? 'Europe/Bratislava',
      is_deleted: input.is_deleted ?? false,
      is_delete_protected: input.is_delete_protected ?? false,
      created: input.created ?? now,
      modified: Math.max(now, input.created ?? 0),
      last_active: null,
      default_unit_id: input.default_unit_id ?? DEFAULT_UNIT,
      master_right_id: input.master_right_id ?? MASTER_RIGHTS[0],
      membership_ids: input.membership_ids ?? [seededUuid(this.#seed, 1_000_000 + i, 61)],
      user_profile_id: input.user_profile_id ?? 900_000 + i,
      revision: input.revision ?? 1,
    };
    if (this.#byId.has(record.id)) throw new Error(`client ${record.id} already exists`);
    this.#byId.set(record.id, record);
    return record;
  }

  /** Changes fields; `modified` and `revision` move forward, as on every Pipeliner write. */
  update(id: string, patch: ClientPatch): ClientRecord {
    const r = this.#mustGet(id);
    Object.assign(r, patch);
    r.modified = this.#now();
    r.revision += 1;
    return r;
  }

  /** Deletes (deactivates) a Client: Pipeliner keeps it with `is_deleted: true`. */
  remove(id: string, deleted = true): ClientRecord {
    const r = this.#mustGet(id);
    r.is_deleted = deleted;
    r.modified = this.#now();
    r.revision += 1;
    return r;
  }

  #mustGet(id: string): ClientRecord {
    const r = this.#byId.get(id);
    if (!r) throw new Error(`no client ${id}`);
    return r;
  }

  /** Microseconds, never going backwards. */
  #now(): number {
    this.#lastWrite = Math.max(Date.now() * 1000, this.#lastWrite + 1);
    return this.#lastWrite;
  }
}

// --- deterministic seed data ----------------------------------------------------------------------

const DEFAULT_UNIT = '0f0a4d37-3b5a-4b8e-9c43-2c6b1f6f5a10';
const MASTER_RIGHTS = ['4c7e5a51-7c4a-4d8b-8a1e-8f3a2e1c9b01', '4c7e5a51-7c4a-4d8b-8a1e-8f3a2e1c9b02'];
const PIPELINER_POSITIONS = ['Sales Rep', 'Sales Manager', 'Account Manager', 'Team Lead', 'VP of Sales'];

/**
 * The docs' own example: the OpenAPI `Client` example id, the Dates page's example timestamp and the API
 * parameters page's `filter[email]=john.doe@example.com`.
 */
export const DOCS_EXAMPLE_ID = '01234567-abcd-dcba-ffff-000000000000';

function docsExample(): ClientRecord {
  return {
    id: DOCS_EXAMPLE_ID,
    type: 0,
    email: 'john.doe@example.com',
    first_name: 'John',
    middle_name: null,
    last_name: 'Doe',
    phone: null,
    picture_url: null,
    position: 'Sales Rep',
    region: null,
    timezone_name: 'America/Chicago',
    is_deleted: false,
    is_delete_protected: false,
    created: 1_549_006_909_529_970,
    modified: 1_549_006_909_529_970,
    last_active: null,
    default_unit_id: DEFAULT_UNIT,
    master_right_id: MASTER_RIGHTS[1],
    membership_ids: ['01234567-abcd-dcba-ffff-000000000001'],
    user_profile_id: 1,
    revision: 1,
  };
}

/** `count` people (the docs' example first) plus two Pipeliner support accounts. */
export function seedClients(count: number, seed: number): ClientStore {
  const records: ClientRecord[] = count > 0 ? [docsExample()] : [];
  for (const p of generatePeople({ seed, count: Math.max(0, count - 1) })) {
    const h = (salt: number) => hash32(seed, p.index, 700 + salt);
    const micros = (ms: number, salt: number) => ms * 1000 + (h(salt) % 1000);
    records.push({
      id: seededUuid(seed, p.index, 11),
      type: 0,
      email: p.email,
      first_name: p.firstName,
      middle_name: h(1) % 20 === 0 ? 'J.' : null,
      last_name: p.lastName,
      phone: p.phone,
      picture_url: h(2) % 3 === 0 ? `https://cdn.pipelinersales.com/avatars/${hex(h(3), 8)}.png` : null,
      position: PIPELINER_POSITIONS[h(4) % PIPELINER_POSITIONS.length],
      region: null,
      timezone_name: p.timeZone,
      is_deleted: !p.active,
      is_delete_protected: p.index === 0,
      created: micros(p.createdAt, 5),
      modified: micros(p.updatedAt, 6),
      last_active: p.active ? micros(p.updatedAt, 7) : null,
      default_unit_id: DEFAULT_UNIT,
      master_right_id: MASTER_RIGHTS[p.index === 0 ? 1 : 0],
      membership_ids: [seededUuid(seed, p.index, 21)],
      user_profile_id: 400_000 + p.index,
      revision: 1 + (h(8) % 900),
    });
  }
  for (const k of [0, 1]) {
    if (records.length === 0) break;
    records.push({
      ...docsExample(),
      id: seededUuid(seed, 9_000_000 + k, 31),
      type: 1,
      email: `support${k + 1}@pipelinersales.com`,
      first_name: 'Pipeliner',
      last_name: k === 0 ? 'Support' : 'Implementation',
      position: null,
      timezone_name: 'Europe/Bratislava',
      is_delete_protected: true,
      created: Date.UTC(2020, 0, 15 + k) * 1000,
      modified: Date.UTC(2020, 0, 15 + k) * 1000,
      membership_ids: [],
      user_profile_id: 10 + k,
    });
  }
  return new ClientStore(records, seed);
}
