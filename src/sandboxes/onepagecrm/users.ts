/**
 * OnePageCRM users as the v3 API returns them (`User` in OnePageCRM's OpenAPI file,
 * https://github.com/OnePageCRM/swagger): a BSON id, names, email, company, account rights, photo and
 * country; `bcc_email` and `google_contacts_email` only on the caller's own record. No status and no
 * timestamps: a user removed from the team is simply gone.
 */
import { generatePeople } from '../kit/people.ts';
import { hash32, hex } from '../kit/random.ts';

export interface OnePageCrmUser {
  id: string;
  first_name: string;
  last_name: string;
  email: string;
  company_name: string;
  account_rights: string[];
  photo_url: string;
  country_code: string;
  /** The caller's own record only. */
  bcc_email?: string;
  /** The caller's own record only. */
  google_contacts_email?: string;
}

/** The user in the OpenAPI file's examples, kept verbatim (the caller's own record, so with both private fields). */
export const DOCS_EXAMPLE_USER: OnePageCrmUser = {
  id: '5aba31e99007ba0f570c12f7',
  first_name: 'Jane',
  last_name: 'Doe',
  email: 'jane.doe@example.com',
  company_name: 'Big Company Inc.',
  account_rights: ['activity', 'edit_target', 'pipeline', 'export', 'private_contacts'],
  photo_url: 'https://{foo.bar}/jane-doe.jpg',
  country_code: 'IE',
  bcc_email: '5abg31e93007ba0f470c92q6@users.onepagecrm.com',
  google_contacts_email: 'jane.doe@example.com',
};

const RIGHTS = [
  'activity',
  'create_report',
  'edit_target',
  'deal_items',
  'delete_contacts',
  'delete_deals',
  'pipeline',
  'export',
  'private_contacts',
  'bulk_status',
  'bulk_owner',
  'save_to_google_contacts',
  'download_contact_vcard',
  'emails_full_sync',
  'manage_autoflows',
  'webforms',
];
const COUNTRIES: Record<string, string> = {
  'America/New_York': 'US',
  'America/Los_Angeles': 'US',
  'Europe/London': 'GB',
  'Europe/Berlin': 'DE',
  'Europe/Paris': 'FR',
  'Asia/Kolkata': 'IN',
  'Australia/Sydney': 'AU',
};

/** A BSON ObjectId: four bytes of creation time in seconds, then eight derived from the seed. */
function objectId(createdAtMs: number, seed: number, index: number): string {
  return `${hex(Math.floor(createdAtMs / 1000), 8)}${hex(hash32(seed, index, 31), 8)}${hex(hash32(seed, index, 32), 8)}`;
}

export class UserStore {
  readonly #users = new Map<string, OnePageCrmUser>();

  constructor(users: OnePageCrmUser[]) {
    for (const user of users) this.#users.set(user.id, user);
  }

  /** Every user as `viewer` sees them: the private fields only on the viewer's own record. */
  list(viewer: string): OnePageCrmUser[] {
    return [...this.#users.values()].map((user) => this.#asSeenBy(user, viewer));
  }

  get(id: string, viewer: string): OnePageCrmUser | undefined {
    const user = this.#users.get(id);
    return user && this.#asSeenBy(user, viewer);
  }

  has(id: string): boolean {
    return this.#users.has(id);
  }

  add(user: OnePageCrmUser): OnePageCrmUser {
    if (this.#users.has(user.id)) throw new Error(`user ${user.id} already exists`);
    this.#users.set(user.id, { ...user });
    return user;
  }

  /** Removes a user from the team (OnePageCRM keeps no deactivated users in the list). */
  remove(id: string): boolean {
    return this.#users.delete(id);
  }

  #asSeenBy(user: OnePageCrmUser, viewer: string): OnePageCrmUser {
    if (user.id === viewer) return structuredClone(user);
    const { bcc_email: _bcc, google_contacts_email: _google, ...shared } = user;
    return structuredClone(shared);
  }
}

/** The docs' example user (the API user) and `count - 1` seeded team members. */
export function seedUsers(count: number, seed: number): UserStore {
  const people = generatePeople({ seed, count: Math.max(0, count - 1), nonHumanShare: 0, inactiveShare: 0 });
  const users: OnePageCrmUser[] = [DOCS_EXAMPLE_USER];
  for (const person of people) {
    const h = (salt: number) => hash32(seed, person.index, 700 + salt);
    const admin = h(1) % 10 === 0;
    const rights = RIGHTS.filter((_, k) => (h(2) >>> k) & 1);
    users.push({
      id: objectId(person.createdAt, seed, person.index),
      first_name: person.firstName,
      last_name: person.lastName,
      email: person.email,
      company_name: `${people.company} Inc.`,
      account_rights: admin ? ['admin', ...rights] : rights,
      photo_url: `https://photos.onepagecrm.example/${hex(h(3), 8)}.jpg`,
      country_code: COUNTRIES[person.timeZone] ?? 'IE',
    });
  }
  return new UserStore(users);
}
