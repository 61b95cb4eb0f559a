/**
 * Close users and their organization (https://developer.close.com/api/resources/users,
 * https://developer.close.com/api/resources/organizations): `user_…` ids, dates as ISO 8601 with
 * microseconds and a `+00:00` offset, no active flag on the user. Whether a user is still on the team is
 * the organization's business: its `memberships` hold current members, `inactive_memberships` removed
 * ones. Seeded with the docs' own examples (Anthony Nemitz, who owns the keys and tokens, Stefan Wojcik,
 * Kevin Ramani) followed by the kit's people; deactivated people are removed members.
 */
import { generatePeople, type Person } from '../kit/people.ts';
import { hash32, hashGuid } from '../kit/random.ts';

export interface CloseUser {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  image: string | null;
  organizations: string[];
  date_created: string;
  date_updated: string;
  email_verified_at?: string | null;
  google_profile_image_url?: string | null;
  last_used_timezone?: string | null;
}

export interface CloseMembership {
  auto_record_calls: 'unset' | 'enabled' | 'disabled';
  id: string;
  permissions_granted: string[];
  role_id: string;
  track_email_opens: boolean;
  user_email: string;
  user_first_name: string;
  user_full_name: string;
  user_id: string;
  user_last_name: string;
  user_phone: string | null;
}

export interface NewUser {
  first_name: string;
  last_name: string;
  email?: string;
  /** Default true: a current member of the organization. */
  active?: boolean;
}

/** The docs' organization ("Sample Data"). */
export const ORGANIZATION_ID = 'orga_RbREgmiiwcr1w2b4cOnCMQaQPSIFxMqAD2Dh243uxcH';
/** Anthony Nemitz, the user of `GET /me/` in the docs: every key and token acts as him. */
export const OWNER_ID = 'user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA';
const ROLE_USER = 'role_y6eLquXvRUdmwqi61tsmgCJUU7uGfxaRbDuLoONZL9p';

/**
 * The docs' users: Anthony from the `/me/` example; Stefan and Kevin from the `/user/` list example (whose
 * Stefan reuses Anthony's id, so Stefan keeps the id of Close's older published fixture).
 */
export const DOCS_EXAMPLES: readonly CloseUser[] = [
  {
    date_created: '2012-08-29T13:46:31.870000+00:00',
    date_updated: '2013-02-08T06:17:00.583000+00:00',
    email: 'anthony@close.com',
    first_name: 'Anthony',
    id: OWNER_ID,
    image: 'https://secure.gravatar.com/avatar/0ff7116c35caeba6d174affd45730cfd',
    last_name: 'Nemitz',
    organizations: [ORGANIZATION_ID],
  },
  {
    date_created: '2012-08-29T00:33:22.720000+00:00',
    date_updated: '2013-05-08T01:57:15.204000+00:00',
    email: 'stefan@close.com',
    first_name: 'Stefan',
    id: 'user_912jAIAEWR0b3KDozVFqXSRbt2uBjw3QfeYa7ZaGTwI',
    image: 'https://secure.gravatar.com/avatar/a4bec4594864f1896c4750328b1d7470',
    last_name: 'Wojcik',
    organizations: [ORGANIZATION_ID],
  },
  {
    date_created: '2012-08-10T00:00:11.000000+00:00',
    date_updated: '2013-05-08T02:00:13.000000+00:00',
    email: 'kevin@close.com',
    first_name: 'Kevin',
    id: 'user_Ova4RGFG7pztSeJiiMFdN7O2MFl71nD0uGO3bIOo4Wk',
    image: 'https://secure.gravatar.com/avatar/37b6e80dc105b9a8d0d16ef51b5d68c7',
    last_name: 'Ramani',
    organizations: [ORGANIZATION_ID],
  },
];

/** `2012-08-29T00:33:22.720000+00:00`: Close's dates, microseconds and an explicit UTC offset. */
export function closeDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A Close object id (`user_…`, `memb_…`: 43 base62 characters), a pure function of its inputs. */
export function closeId(prefix: string, seed: number, index: number, salt: number): string {
  let out = '';
  for (let k = 0; out.length < 43; k++) {
    let h = hash32(seed, index, salt * 64 + k);
    for (let j = 0; j < 5 && out.length < 43; j++, h = Math.floor(h / 62)) out += BASE62[h % 62];
  }
  return `${prefix}_${out}`;
}

interface Member {
  user: CloseUser;
  membership: CloseMembership;
  active: boolean;
}

function membershipOf(user: CloseUser, id: string, phone: string | null): CloseMembership {
  return {
    auto_record_calls: 'unset',
    id,
    permissions_granted: ['bulk_edit', 'export'],
    role_id: ROLE_USER,
    track_email_opens: true,
    user_email: user.email,
    user_first_name: user.first_name,
    user_full_name: `${user.first_name} ${user.last_name}`,
    user_id: user.id,
    user_last_name: user.last_name,
    user_phone: phone,
  };
}

function fromPerson(person: Person, seed: number): CloseUser {
  const h = hash32(seed, person.index, 901);
  return {
    date_created: closeDate(person.createdAt),
    date_updated: closeDate(person.updatedAt),
    email: person.email,
    email_verified_at: h % 5 === 0 ? null : closeDate(person.createdAt + 60_000),
    first_name: person.firstName,
    google_profile_image_url: null,
    id: closeId('user', seed, person.index, 1),
    image: `https://secure.gravatar.com/avatar/${hashGuid(seed, person.index, 902).replaceAll('-', '')}`,
    last_name: person.lastName,
    last_used_timezone: person.timeZone,
    organizations: [ORGANIZATION_ID],
  };
}

export class MemberStore {
  readonly #members: Member[] = [];
  #added = 0;
  #lastWrite = 0;
  readonly #seed: number;

  constructor(seed: number, members: Member[]) {
    this.#seed = seed;
    this.#members = members;
  }

  /** Current members' users, in the order Close lists them (oldest membership first). */
  listActive(): CloseUser[] {
    return this.#members.filter((m) => m.active).map((m) => structuredClone(m.user));
  }

  /** Every user who has been a member, current or removed. */
  listAll(): CloseUser[] {
    return this.#members.map((m) => structuredClone(m.user));
  }

  get(id: string): CloseUser | undefined {
    const member = this.#members.find((m) => m.user.id === id);
    return member && structuredClone(member.user);
  }

  isActive(id: string): boolean | undefined {
    return this.#members.find((m) => m.user.id === id)?.active;
  }

  memberships(active: boolean): CloseMembership[] {
    return this.#members.filter((m) => m.active === active).map((m) => structuredClone(m.membership));
  }

  add(input: NewUser): CloseUser {
    const n = this.#added++;
    const now = closeDate(this.#now());
    const id = closeId('user', this.#seed, 1_000_000 + n, 7);
    const user: CloseUser = {
      date_created: now,
      date_updated: now,
      email: input.email ?? `${input.first_name}.${input.last_name}.${n}@example.com`.toLowerCase(),
      email_verified_at: null,
      first_name: input.first_name,
      google_profile_image_url: null,
      id,
      image: null,
      last_name: input.last_name,
      last_used_timezone: 'America/New_York',
      organizations: [ORGANIZATION_ID],
    };
    const membership = membershipOf(user, closeId('memb', this.#seed, 1_000_000 + n, 8), null);
    this.#members.push({ user, membership, active: input.active ?? true });
    return structuredClone(user);
  }

  /** Removes a user from the organization (their membership becomes inactive), or adds them back. */
  setActive(id: string, active: boolean): void {
    const member = this.#members.find((m) => m.user.id === id);
    if (!member) throw new Error(`no user with id ${id}`);
    member.active = active;
  }

  #now(): number {
    this.#lastWrite = Math.max(Date.now(), this.#lastWrite + 1);
    return this.#lastWrite;
  }
}

export function seedMembers(count: number, seed: number): MemberStore {
  const members: Member[] = DOCS_EXAMPLES.map((user, k) => ({
    user: structuredClone(user),
    membership: membershipOf(user, closeId('memb', seed, k, 3), `1650282224${5 + k}`),
    active: true,
  }));
  for (const person of generatePeople({ seed, count })) {
    const user = fromPerson(person, seed);
    const membership = membershipOf(user, closeId('memb', seed, 100 + person.index, 3), person.phone);
    members.push({ user, membership, active: person.active });
  }
  return new MemberStore(seed, members);
}
