/**
 * The ActiveCampaign sandbox's users (https://developers.activecampaign.com/reference/list-all-users): the
 * docs' two sample users (ids 1 and 5), then the kit's seeded people. ActiveCampaign has no inactive users
 * (a removed user is deleted), so deactivated people are left out. Ids and `mfaEnabled` are strings, as the
 * API sends them; `links` point at the account's own API host.
 */
import { emailLocal, generatePeople } from '../kit/people.ts';
import { hash32 } from '../kit/random.ts';

export interface AcUser {
  username: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  signature: string | null;
  lang: string;
  localZoneid: string;
  mfaEnabled: '0' | '1';
  links: Record<'lists' | 'userGroup' | 'dealGroupTotals' | 'dealGroupUsers' | 'configs', string>;
  id: string;
}

export type NewUser = Partial<Omit<AcUser, 'id' | 'links'>> & Pick<AcUser, 'username' | 'email'>;

export function linksFor(apiOrigin: string, id: string): AcUser['links'] {
  const base = `${apiOrigin}/api/3/users/${id}`;
  return {
    lists: `${base}/lists`,
    userGroup: `${base}/userGroup`,
    dealGroupTotals: `${base}/dealGroupTotals`,
    dealGroupUsers: `${base}/dealGroupUsers`,
    configs: `${base}/configs`,
  };
}

function user(apiOrigin: string, id: string, fields: Omit<AcUser, 'id' | 'links'>): AcUser {
  return { ...fields, links: linksFor(apiOrigin, id), id };
}

/** The list example of the docs (John Doe, the admin, and Jane Doe), with the fields real responses add. */
function docUsers(apiOrigin: string): AcUser[] {
  const common = {
    phone: '',
    signature: null,
    lang: 'english',
    localZoneid: 'America/New_York',
    mfaEnabled: '0',
  } as const;
  return [
    user(apiOrigin, '1', {
      username: 'admin',
      firstName: 'John',
      lastName: 'Doe',
      email: 'johndoe@activecampaign.com',
      ...common,
    }),
    user(apiOrigin, '5', {
      username: 'janedoe',
      firstName: 'Jane',
      lastName: 'Doe',
      email: 'janedoe@activecampaign.com',
      ...common,
    }),
  ];
}

export class UserStore {
  readonly apiOrigin: string;
  #users: AcUser[];
  #nextId: number;

  constructor(apiOrigin: string, users: AcUser[]) {
    this.apiOrigin = apiOrigin;
    this.#users = users;
    this.#nextId = Math.max(0, ...users.map((u) => Number(u.id))) + 1;
  }

  list(): AcUser[] {
    return this.#users;
  }

  get(id: string): AcUser | undefined {
    return this.#users.find((u) => u.id === id);
  }

  /** Lookups by email and username ignore case, as MySQL-backed lookups usually do. */
  byEmail(email: string): AcUser | undefined {
    const wanted = email.toLowerCase();
    return this.#users.find((u) => u.email.toLowerCase() === wanted);
  }

  byUsername(username: string): AcUser | undefined {
    const wanted = username.toLowerCase();
    return this.#users.find((u) => u.username.toLowerCase() === wanted);
  }

  add(input: NewUser): AcUser {
    const id = String(this.#nextId++);
    const added = user(this.apiOrigin, id, {
      firstName: '',
      lastName: '',
      phone: '',
      signature: null,
      lang: 'english',
      localZoneid: 'America/New_York',
      mfaEnabled: '0',
      ...input,
    });
    this.#users.push(added);
    return added;
  }

  /** Deleting is the only way a user stops being listed. */
  remove(id: string): boolean {
    const before = this.#users.length;
    this.#users = this.#users.filter((u) => u.id !== id);
    return this.#users.length < before;
  }
}

/** The docs' users, then `count` seeded people (active ones only) with ids from 6. */
export function seedUsers(apiOrigin: string, count: number, seed: number): UserStore {
  const users = docUsers(apiOrigin);
  let id = 5;
  for (const person of generatePeople({ seed, count })) {
    if (!person.active) continue;
    id += 1 + (hash32(seed, person.index, 600) % 3);
    users.push(
      user(apiOrigin, String(id), {
        username: person.human
          ? emailLocal(`${person.firstName[0]}${person.lastName}`) + (person.index + 1)
          : `api${person.index + 1}`,
        firstName: person.firstName,
        lastName: person.lastName,
        email: person.email,
        phone: hash32(seed, person.index, 601) % 2 === 0 ? person.phone : '',
        signature: null,
        lang: person.locale.startsWith('de')
          ? 'german'
          : person.locale.startsWith('fr')
            ? 'french'
            : 'english',
        localZoneid: person.timeZone,
        mfaEnabled: hash32(seed, person.index, 602) % 4 === 0 ? '1' : '0',
      }),
    );
  }
  return new UserStore(apiOrigin, users);
}
