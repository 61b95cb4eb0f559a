/**
 * Capsule's users and the party (person) records behind them, as API v2 returns them
 * (https://developer.capsulecrm.com/v2/models/user, /v2/models/party). A user carries no email of its
 * own: its party holds the name, picture and email addresses. Users are nested-party shaped in lists
 * (`party: {id, type, firstName, lastName, pictureURL}`); parties are full records. Seeded from the kit's
 * people, with the docs' two example users (Scott and John Spacey) first.
 */
import { generatePeople } from '../kit/people.ts';
import { hash32 } from '../kit/random.ts';

export interface NestedParty {
  id: number;
  type: 'person';
  firstName: string;
  lastName: string;
  pictureURL: string;
}

export interface CapsuleUser {
  id: number;
  locale: string;
  currency: string;
  status: string;
  party: NestedParty;
  username: string;
  timezone: string;
  lastLoginAt: string | null;
  name: string;
  taskReminder: boolean;
}

export interface CapsuleParty extends NestedParty {
  about: string | null;
  title: string | null;
  jobTitle: string | null;
  createdAt: string;
  updatedAt: string;
  organisation: null;
  lastContactedAt: string | null;
  addresses: unknown[];
  phoneNumbers: Array<{ id: number; type: string | null; number: string }>;
  websites: unknown[];
  emailAddresses: Array<{ id: number; type: string | null; address: string }>;
}

/** Capsule's dates: ISO 8601 UTC to the second. */
export function capsuleTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function pictureUrl(first: string, last: string): string {
  const initials = `${first.charAt(0)}${last.charAt(0)}`.toUpperCase();
  return `https://facehub.appspot.com/default/person?text=${encodeURIComponent(initials)}&size=100`;
}

function party(
  id: number,
  first: string,
  last: string,
  email: string | undefined,
  createdAt: string,
): CapsuleParty {
  return {
    id,
    type: 'person',
    firstName: first,
    lastName: last,
    pictureURL: pictureUrl(first, last),
    about: null,
    title: null,
    jobTitle: null,
    createdAt,
    updatedAt: createdAt,
    organisation: null,
    lastContactedAt: null,
    addresses: [],
    phoneNumbers: [],
    websites: [],
    emailAddresses: email ? [{ id: id * 10 + 1, type: 'Work', address: email }] : [],
  };
}

export function nested(p: CapsuleParty): NestedParty {
  return { id: p.id, type: p.type, firstName: p.firstName, lastName: p.lastName, pictureURL: p.pictureURL };
}

/** The two users of the docs' `GET /api/v2/users` example. */
export function docsExample(): { users: CapsuleUser[]; parties: CapsuleParty[] } {
  const scott = party(1, 'Scott', 'Spacey', 'scott@homestyleshop.co', '2015-09-15T10:43:23Z');
  const john = party(448488, 'John', 'Spacey', 'john@homestyleshop.co', '2015-11-02T09:12:40Z');
  return {
    parties: [scott, john],
    users: [
      {
        id: 1,
        locale: 'en_GB',
        currency: 'EUR',
        status: 'ACTIVE',
        party: nested(scott),
        username: 'scott',
        timezone: 'Europe/London',
        lastLoginAt: '2015-12-11T14:01:15Z',
        name: 'Scott Spacey',
        taskReminder: true,
      },
      {
        id: 12345682,
        locale: 'en_GB',
        currency: 'GBP',
        status: 'ACTIVE',
        party: nested(john),
        username: 'john',
        timezone: 'Europe/London',
        lastLoginAt: '2015-11-24T16:45:53Z',
        name: 'John Spacey',
        taskReminder: false,
      },
    ],
  };
}

const LOCALES: Record<string, [string, string]> = {
  'en-US': ['en_US', 'USD'],
  'en-GB': ['en_GB', 'GBP'],
  'de-DE': ['en_GB', 'EUR'],
  'fr-FR': ['en_GB', 'EUR'],
  'en-IN': ['en_GB', 'INR'],
  'en-AU': ['en_GB', 'AUD'],
};

/**
 * The docs' users, then `count` people (API users dropped: Capsule has none). Deactivated people are
 * `SUSPENDED`; one in fifty has a party without an email address.
 */
export function seed(count: number, seedValue: number): { users: CapsuleUser[]; parties: CapsuleParty[] } {
  const { users, parties } = docsExample();
  for (const person of generatePeople({ seed: seedValue, count })) {
    if (!person.human) continue;
    const h = hash32(seedValue, person.index, 512);
    const userId = 12_400_000 + person.index * 7 + (h % 7);
    const partyId = 500_000 + person.index * 13 + (h % 13);
    const created = capsuleTime(person.createdAt);
    const p = party(
      partyId,
      person.firstName,
      person.lastName,
      h % 50 === 7 ? undefined : person.email,
      created,
    );
    const [locale, currency] = LOCALES[person.locale] ?? ['en_US', 'USD'];
    parties.push(p);
    users.push({
      id: userId,
      locale,
      currency,
      status: person.active ? 'ACTIVE' : 'SUSPENDED',
      party: nested(p),
      username: person.email.split('@')[0]!.replace(/[^a-z0-9]/g, ''),
      timezone: person.timeZone,
      lastLoginAt: person.active ? capsuleTime(person.updatedAt) : null,
      name: `${person.firstName} ${person.lastName}`,
      taskReminder: h % 3 === 0,
    });
  }
  return { users, parties };
}
