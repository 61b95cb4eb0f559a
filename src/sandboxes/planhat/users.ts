/**
 * The Planhat sandbox's users (https://www.planhat.com/developers/api/user): the kit's seeded people as
 * Planhat `User` documents with MongoDB ObjectIds, the docs' own examples among them, and the in-memory store.
 */
import { generatePeople } from '../kit/people.ts';
import { hash32, hex } from '../kit/random.ts';

/** A user exactly as `GET /users` returns it. */
export interface PlanhatUser {
  _id: string;
  email: string;
  nickName: string;
  firstName: string;
  lastName: string;
  roles: string[];
  externalId?: string;
  inactive: boolean;
  image: { path: string | null };
  radarOneLine: boolean;
  taskFilter: { owner: string };
  companyFilter: string;
  compressedView: boolean;
  isHidden: boolean;
  notificationsEnabled: boolean;
  createDate: string;
  createdAt: string;
  updatedAt: string;
  permissions: string[];
  tzOffset: number;
  managers: string[];
  teams: string[];
  isExposedAsSenderOption: boolean;
  custom: Record<string, unknown>;
  __v: number;
}

export type NewUser = Pick<PlanhatUser, 'firstName' | 'lastName'> &
  Partial<Omit<PlanhatUser, 'createDate' | 'createdAt' | 'updatedAt'>> & { createdAt?: string };
export type UserPatch = Partial<
  Pick<PlanhatUser, 'email' | 'nickName' | 'firstName' | 'lastName' | 'inactive'>
>;

const ROLES = { admin: '5f3a1c2e9d8b7a6f5e4d3c21', member: '5f3a1c2e9d8b7a6f5e4d3c22' };
const TEAMS = ['60a7b3c4d5e6f7a8b9c0d1e1', '60a7b3c4d5e6f7a8b9c0d1e2', '60a7b3c4d5e6f7a8b9c0d1e3'];

/** A MongoDB ObjectId: 4 bytes of creation time in seconds, then 8 seeded bytes. */
export function objectId(createdMs: number, seed: number, index: number): string {
  return `${hex(Math.floor(createdMs / 1000), 8)}${hex(hash32(seed, index, 301), 8)}${hex(hash32(seed, index, 302), 8)}`;
}

function user(fields: {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  nickName?: string;
  created: number;
  updated: number;
  inactive: boolean;
  admin?: boolean;
  teams?: string[];
  tzOffset?: number;
  image?: string | null;
}): PlanhatUser {
  return {
    _id: fields.id,
    email: fields.email,
    nickName: fields.nickName ?? fields.firstName,
    firstName: fields.firstName,
    lastName: fields.lastName,
    roles: [fields.admin ? ROLES.admin : ROLES.member],
    inactive: fields.inactive,
    image: { path: fields.image ?? null },
    radarOneLine: false,
    taskFilter: { owner: fields.id },
    companyFilter: 'all',
    compressedView: false,
    isHidden: false,
    notificationsEnabled: !fields.inactive,
    createDate: new Date(fields.created).toISOString(),
    createdAt: new Date(fields.created).toISOString(),
    updatedAt: new Date(fields.updated).toISOString(),
    permissions: [],
    tzOffset: fields.tzOffset ?? 0,
    managers: [],
    teams: fields.teams ?? [],
    isExposedAsSenderOption: !fields.inactive,
    custom: {},
    __v: 0,
  };
}

/**
 * The docs' own users: the owner of the Task and Project examples (`ownerId` 58e231b14246fc73139f29e8,
 * `ownerName` Alex) and the colleague of the Team page's `GET /users?email=yourcolleaguesname@yourcompany.com`.
 */
export const DOCS_EXAMPLE_IDS = { alex: '58e231b14246fc73139f29e8', colleague: '5f3a8c1e2b4d6f8a0c1e3a57' };

function docsExamples(): PlanhatUser[] {
  return [
    user({
      id: DOCS_EXAMPLE_IDS.alex,
      email: 'alex@yourcompany.com',
      firstName: 'Alex',
      lastName: 'Planhat',
      created: Date.UTC(2017, 3, 3, 9, 41, 5),
      updated: Date.UTC(2022, 6, 5, 9, 51, 52, 818),
      inactive: false,
      admin: true,
    }),
    user({
      id: DOCS_EXAMPLE_IDS.colleague,
      email: 'yourcolleaguesname@yourcompany.com',
      firstName: 'Your',
      lastName: 'Colleague',
      created: Date.UTC(2020, 7, 17, 10, 0, 0),
      updated: Date.UTC(2023, 1, 3, 8, 30, 0),
      inactive: false,
    }),
  ];
}

export class UserStore {
  readonly #byId = new Map<string, PlanhatUser>();
  readonly #seed: number;
  #added = 0;
  #lastWrite = 0;

  constructor(users: PlanhatUser[], seed: number) {
    this.#seed = seed;
    for (const u of users) this.#byId.set(u._id, u);
  }

  /** Every user in natural (ObjectId, so creation) order, as MongoDB returns them without a sort. */
  all(): PlanhatUser[] {
    return [...this.#byId.values()].sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
  }

  get(id: string): PlanhatUser | undefined {
    return this.#byId.get(id);
  }

  add(input: NewUser): PlanhatUser {
    const now = this.#now();
    const created = input.createdAt ? Date.parse(input.createdAt) : now;
    const i = ++this.#added;
    const fresh = user({
      id: input._id ?? objectId(created, this.#seed, 5_000_000 + i),
      email: input.email ?? `${input.firstName}.${input.lastName}.${i}@example.com`.toLowerCase(),
      firstName: input.firstName,
      lastName: input.lastName,
      nickName: input.nickName,
      created,
      updated: Math.max(now, created),
      inactive: input.inactive ?? false,
    });
    if (this.#byId.has(fresh._id)) throw new Error(`user ${fresh._id} already exists`);
    this.#byId.set(fresh._id, fresh);
    return fresh;
  }

  update(id: string, patch: UserPatch): PlanhatUser {
    const u = this.#byId.get(id);
    if (!u) throw new Error(`no user ${id}`);
    Object.assign(u, patch);
    u.updatedAt = new Date(this.#now()).toISOString();
    return u;
  }

  #now(): number {
    this.#lastWrite = Math.max(Date.now(), this.#lastWrite + 1);
    return this.#lastWrite;
  }
}

/** The docs' two users, then `count - 2` seeded people (deactivated ones `inactive`). */
export function seedUsers(count: number, seed: number): UserStore {
  const users = docsExamples().slice(0, count);
  const offsets: Record<string, number> = {
    'America/New_York': -4,
    'America/Los_Angeles': -7,
    'Europe/London': 1,
  };
  for (const p of generatePeople({ seed, count: Math.max(0, count - 2) })) {
    const h = hash32(seed, p.index, 303);
    users.push(
      user({
        id: objectId(p.createdAt, seed, p.index),
        email: p.email,
        firstName: p.firstName,
        lastName: p.lastName,
        created: p.createdAt,
        updated: p.updatedAt,
        inactive: !p.active,
        admin: p.index === 0,
        teams: h % 3 === 0 ? [] : [TEAMS[h % TEAMS.length]!],
        tzOffset: offsets[p.timeZone] ?? 2,
        image: h % 4 === 0 ? null : `https://s3.amazonaws.com/planhat-assets/avatars/${hex(h, 8)}.png`,
      }),
    );
  }
  return new UserStore(users, seed);
}
