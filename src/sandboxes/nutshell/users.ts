/**
 * Nutshell users as the REST API returns them (`GET /rest/users`, https://developers.nutshell.com): ids like
 * `7-users`, `type: "users"`, `name` and `firstName`, `emails` (a list), `isEnabled`, `isAdministrator`,
 * `modifiedTime` in epoch seconds, avatar and initials, a few flags and `permissions`; no creation time.
 * The field list is the one a recorded REST response shows (Ampersand's Nutshell schema).
 */
import { generatePeople } from '../kit/people.ts';
import { hash32, hex } from '../kit/random.ts';

export interface NutshellUser {
  id: string;
  type: 'users';
  name: string;
  firstName: string;
  emails: string[];
  isEnabled: boolean;
  isAdministrator: boolean;
  /** Epoch seconds. */
  modifiedTime: number;
  avatarUrl: string;
  initials: string;
  hasSetPassword: boolean;
  canAccessEmailMarketing: boolean;
  isHiddenFromFilters: boolean;
  isViewingRestricted: boolean;
  permissions: Record<string, boolean>;
  phonecallerType: string | null;
}

/** The Nutshell instance the sandbox plays (`meta.instanceId`, `meta.siteId`; values from a recorded answer). */
export const INSTANCE = { instanceId: '379104', siteId: '6smEpVK1' } as const;

export class UserStore {
  readonly #users: NutshellUser[] = [];

  constructor(users: NutshellUser[]) {
    for (const user of users) this.add(user);
  }

  list(): NutshellUser[] {
    return this.#users.map((user) => structuredClone(user));
  }

  /** By `7-users` or the bare number `7`. */
  get(id: string): NutshellUser | undefined {
    const key = /^\d+$/.test(id) ? `${id}-users` : id;
    const user = this.#users.find((u) => u.id === key);
    return user && structuredClone(user);
  }

  add(user: NutshellUser): NutshellUser {
    if (this.#users.some((u) => u.id === user.id)) throw new Error(`user ${user.id} already exists`);
    this.#users.push(structuredClone(user));
    return user;
  }

  /** Disables (or re-enables) a user; `modifiedTime` moves to now. */
  setEnabled(id: string, enabled: boolean): NutshellUser {
    const user = this.#users.find((u) => u.id === id);
    if (!user) throw new Error(`no user ${id}`);
    user.isEnabled = enabled;
    user.modifiedTime = Math.max(user.modifiedTime + 1, Math.floor(Date.now() / 1000));
    return structuredClone(user);
  }

  /** The enabled user with this email (case-insensitive), for Basic auth user names. */
  enabledByEmail(email: string): NutshellUser | undefined {
    const wanted = email.toLowerCase();
    return this.#users.find((u) => u.isEnabled && u.emails.some((e) => e.toLowerCase() === wanted));
  }
}

const PERMISSIONS = ['canExport', 'canEditPipelines', 'canAccessReports', 'canDeleteRecords'];

/** `count` users from the kit's people (about 8% disabled); user `1-users` is the account's first admin. */
export function seedUsers(count: number, seed: number): { store: UserStore; domain: string } {
  const people = generatePeople({ seed, count, nonHumanShare: 0 });
  const users: NutshellUser[] = [];
  let n = 0;
  for (const person of people) {
    const h = (salt: number) => hash32(seed, person.index, 820 + salt);
    n += person.index === 0 ? 1 : 1 + (h(1) % 3);
    const modified = Math.floor(person.updatedAt / 1000);
    users.push({
      id: `${n}-users`,
      type: 'users',
      name: `${person.firstName} ${person.lastName}`,
      firstName: person.firstName,
      emails:
        h(2) % 6 === 0 ? [person.email, `${person.email.split('@')[0]}@gmail.example.com`] : [person.email],
      isEnabled: person.active,
      isAdministrator: person.index === 0 || h(3) % 12 === 0,
      modifiedTime: modified,
      avatarUrl: `https://app.nutshell.com/avatar/users/${n}/${INSTANCE.instanceId}/${hex(h(4), 8)}${hex(h(5), 8)}.2/${modified}`,
      initials: `${person.firstName[0]}${person.lastName[0]}`.toUpperCase(),
      hasSetPassword: person.active || h(6) % 2 === 0,
      canAccessEmailMarketing: h(7) % 3 !== 0,
      isHiddenFromFilters: !person.active && h(8) % 2 === 0,
      isViewingRestricted: h(9) % 10 === 0,
      permissions: Object.fromEntries(
        PERMISSIONS.map((p, k) => [p, person.index === 0 || ((h(10) >>> k) & 1) === 1]),
      ),
      phonecallerType: null,
    });
  }
  return { store: new UserStore(users), domain: people.domains[0]! };
}
