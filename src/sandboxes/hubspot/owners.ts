/**
 * The HubSpot sandbox's owner data: the kit's seeded people as owners, and the in-memory store the
 * HTTP routes and the `control` handle both read and write.
 *
 * Owners are kept in ascending numeric `id` order, which is also the order the list endpoint pages in.
 */
import { emailLocal, generatePeople } from '../kit/people.ts';
import { hash32 } from '../kit/random.ts';

export interface HubSpotTeam {
  id: string;
  name: string;
  primary: boolean;
}

/** An owner exactly as HubSpot's CRM Owners API returns it (`PublicOwner`). */
export interface HubSpotOwner {
  id: string;
  email?: string;
  type: 'PERSON' | 'QUEUE';
  firstName?: string;
  lastName?: string;
  /** Absent for archived owners: HubSpot nulls `userId` for deactivated users. */
  userId?: number;
  userIdIncludingInactive?: number;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  /** Absent when the owner is on no team. */
  teams?: HubSpotTeam[];
}

/** What `control.add` accepts; everything but the names has a default. */
export interface NewOwner {
  firstName: string;
  lastName: string;
  email?: string;
  type?: 'PERSON' | 'QUEUE';
  id?: string;
  userId?: number;
  teams?: HubSpotTeam[];
  archived?: boolean;
  createdAt?: string;
}

export type OwnerPatch = Partial<Pick<HubSpotOwner, 'email' | 'firstName' | 'lastName' | 'teams'>>;

interface OwnerRecord {
  id: string;
  type: 'PERSON' | 'QUEUE';
  email: string | undefined;
  firstName: string | undefined;
  lastName: string | undefined;
  /** The user id whether or not the user is still active (`userIdIncludingInactive`). */
  userId: number | undefined;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  teams: HubSpotTeam[];
}

export interface OwnerQuery {
  archived: boolean;
  email?: string;
  /** Return owners whose id is strictly greater than this one. */
  afterId?: number;
  limit: number;
}

function toPublic(r: OwnerRecord): HubSpotOwner {
  return {
    id: r.id,
    ...(r.email !== undefined ? { email: r.email } : {}),
    type: r.type,
    ...(r.firstName !== undefined ? { firstName: r.firstName } : {}),
    ...(r.lastName !== undefined ? { lastName: r.lastName } : {}),
    ...(r.userId !== undefined && !r.archived ? { userId: r.userId } : {}),
    ...(r.userId !== undefined ? { userIdIncludingInactive: r.userId } : {}),
    createdAt: new Date(r.createdAt).toISOString(),
    updatedAt: new Date(r.updatedAt).toISOString(),
    archived: r.archived,
    ...(r.teams.length > 0 ? { teams: r.teams.map((t) => ({ ...t })) } : {}),
  };
}

export class OwnerStore {
  #owners: OwnerRecord[] = [];
  #byIdIndex = new Map<string, OwnerRecord>();
  #nextId = 60_000_000;
  #nextUserId = 1_290_000;
  /** A clock that never goes backwards, so every write moves `updatedAt` forward. */
  #lastWrite = 0;

  constructor(records: OwnerRecord[] = []) {
    for (const r of records) this.#index(r);
    this.#owners = [...records].sort((a, b) => Number(a.id) - Number(b.id));
  }

  list(filter: { archived?: boolean } = {}): HubSpotOwner[] {
    return this.#owners
      .filter((r) => filter.archived === undefined || r.archived === filter.archived)
      .map(toPublic);
  }

  get(id: string): HubSpotOwner | undefined {
    const r = this.#byId(id);
    return r && toPublic(r);
  }

  /** Lookup for `GET /crm/v3/owners/{ownerId}`; `archived` selects which owners are visible, as on HubSpot. */
  find(key: string, idProperty: 'id' | 'userId', archived: boolean): HubSpotOwner | undefined {
    const r =
      idProperty === 'id'
        ? this.#byId(key)
        : this.#owners.find((o) => o.userId !== undefined && String(o.userId) === key);
    return r && r.archived === archived ? toPublic(r) : undefined;
  }

  /** One page of the list endpoint, plus the last id on it when another matching owner follows. */
  page(q: OwnerQuery): { owners: HubSpotOwner[]; lastId?: string } {
    const lo = q.afterId === undefined ? 0 : this.#firstAfter(q.afterId);
    const owners: HubSpotOwner[] = [];
    for (let i = lo; i < this.#owners.length; i++) {
      const r = this.#owners[i];
      if (r.archived !== q.archived || (q.email !== undefined && r.email !== q.email)) continue;
      if (owners.length === q.limit) return { owners, lastId: owners[owners.length - 1].id };
      owners.push(toPublic(r));
    }
    return { owners };
  }

  add(input: NewOwner): HubSpotOwner {
    const now = this.#now();
    const id = input.id ?? String(this.#nextId + 1);
    const type = input.type ?? 'PERSON';
    const record: OwnerRecord = {
      id,
      type,
      email: input.email ?? (type === 'PERSON' ? emailFor(input.firstName, input.lastName, id) : undefined),
      firstName: input.firstName,
      lastName: input.lastName,
      userId: input.userId ?? (type === 'PERSON' ? this.#nextUserId + 1 : undefined),
      createdAt: input.createdAt ? Date.parse(input.createdAt) : now,
      updatedAt: now,
      archived: input.archived ?? false,
      teams: (input.teams ?? []).map((t) => ({ ...t })),
    };
    this.#insert(record);
    return toPublic(record);
  }

  update(id: string, patch: OwnerPatch): HubSpotOwner {
    const r = this.#mustGet(id);
    if ('email' in patch) r.email = patch.email;
    if ('firstName' in patch) r.firstName = patch.firstName;
    if ('lastName' in patch) r.lastName = patch.lastName;
    if ('teams' in patch) r.teams = (patch.teams ?? []).map((t) => ({ ...t }));
    r.updatedAt = this.#now();
    return toPublic(r);
  }

  /** Archive (deactivate) an owner, or restore it with `archived: false`. */
  archive(id: string, archived = true): HubSpotOwner {
    const r = this.#mustGet(id);
    r.archived = archived;
    r.updatedAt = this.#now();
    return toPublic(r);
  }

  #byId(id: string): OwnerRecord | undefined {
    return this.#byIdIndex.get(id);
  }

  #mustGet(id: string): OwnerRecord {
    const r = this.#byId(id);
    if (!r) throw new Error(`no owner with id ${id}`);
    return r;
  }

  /** First position whose id is greater than `id` (binary search over the id-sorted list). */
  #firstAfter(id: number): number {
    let lo = 0;
    let hi = this.#owners.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (Number(this.#owners[mid].id) <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #insert(r: OwnerRecord): void {
    this.#index(r);
    this.#owners.splice(this.#firstAfter(Number(r.id)), 0, r);
  }

  #index(r: OwnerRecord): void {
    if (!/^\d+$/.test(r.id)) throw new Error(`owner id must be numeric, got ${r.id}`);
    if (this.#byIdIndex.has(r.id)) throw new Error(`owner ${r.id} already exists`);
    this.#byIdIndex.set(r.id, r);
    this.#nextId = Math.max(this.#nextId, Number(r.id));
    if (r.userId !== undefined) this.#nextUserId = Math.max(this.#nextUserId, r.userId);
  }

  #now(): number {
    this.#lastWrite = Math.max(Date.now(), this.#lastWrite + 1);
    return this.#lastWrite;
  }
}

// --- deterministic seed data: the kit's seeded people as HubSpot owners ------------------------------

const TEAMS = [
  { id: '178588', name: 'West Coast Sales' },
  { id: '178590', name: 'California Sales' },
  { id: '178601', name: 'EMEA Sales' },
  { id: '178612', name: 'Customer Success' },
  { id: '178640', name: 'Support' },
];

function emailFor(first: string, last: string, suffix: string): string {
  return `${emailLocal(`${first}.${last}`)}${suffix}@example.com`;
}

/** `count` owners from `seed`: the kit's people (deactivated ones archived), most on one or two teams. */
export function seedOwners(count: number, seed: number): OwnerStore {
  const people = generatePeople({ seed, count });
  const records: OwnerRecord[] = [];
  let id = 60_000_000;
  let userId = 1_290_000;
  for (const person of people) {
    const h = (salt: number) => hash32(seed, person.index, 900 + salt);
    id += 1 + (h(1) % 997);
    userId += 1 + (h(2) % 97);
    const teamCount = h(3) % 100 < 30 ? 0 : h(3) % 100 < 82 ? 1 : 2;
    const teams: HubSpotTeam[] = [];
    for (let k = 0; teams.length < teamCount; k++) {
      const t = TEAMS[(h(4) + k * 3) % TEAMS.length];
      if (!teams.some((x) => x.id === t.id)) teams.push({ ...t, primary: teams.length === 0 });
    }
    records.push({
      id: String(id),
      type: 'PERSON',
      email: person.email,
      firstName: person.firstName,
      lastName: person.lastName,
      userId,
      createdAt: person.createdAt,
      updatedAt: person.updatedAt,
      archived: !person.active,
      teams,
    });
  }
  return new OwnerStore(records);
}
