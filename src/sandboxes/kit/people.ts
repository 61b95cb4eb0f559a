/**
 * Seeded directory people, the same for every vendor emulator: each emulator maps them to its own record
 * shape (a HubSpot owner, a Salesforce User, a Pipedrive user). Person `i` is a pure function of (seed, i),
 * computed in constant time, so a million-user directory needs no stored strings and any record can be
 * produced on demand. Creation times rise with the index (ids handed out in order look like creation
 * order); updates come later; about 8% are deactivated, about 3% are API/integration users (not human),
 * and about 10% have accented or apostrophised names.
 */
import { FIRST_NAMES, LAST_NAMES } from './names.ts';
import { hash32 } from './random.ts';

export interface Person {
  index: number;
  firstName: string;
  lastName: string;
  email: string;
  /** The email's domain. */
  domain: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms, at or after `createdAt`. */
  updatedAt: number;
  active: boolean;
  /** Epoch ms, for inactive people. */
  deactivatedAt?: number;
  /** False for API, integration and bot users. */
  human: boolean;
  title: string;
  department: string;
  /** `+1 555 01xx xxxx`-style, fictional. */
  phone: string;
  timeZone: string;
  locale: string;
}

export interface PeopleOptions {
  seed: number;
  /** How many people the directory has (creation times are spread across them). */
  count: number;
  /** Company name used for the email domains (default chosen by the seed). */
  company?: string;
  /** Share deactivated (default 0.08). */
  inactiveShare?: number;
  /** Share of API/integration users (default 0.03). Person 0 is always a human (the account owner). */
  nonHumanShare?: number;
  /** Share with accented or apostrophised names (default 0.1). */
  accentedShare?: number;
  /** Newest possible creation time, epoch ms (default 2025-06-01 UTC, so a seed always gives the same data). */
  anchor?: number;
  /** Creation times spread over this many years before the anchor (default 7). */
  years?: number;
}

const ACCENTED_FIRST = [
  'José',
  'Zoë',
  'Chloé',
  'Søren',
  'Björn',
  'Inés',
  'François',
  'Núria',
  'Ágnes',
  'Łukasz',
];
const ACCENTED_LAST = [
  "O'Brien",
  'García',
  'Müller',
  'Ødegaard',
  "D'Souza",
  'Nuñez',
  'Dvořák',
  'Lefèvre',
  'Çelik',
];
const BOTS: readonly (readonly [string, string, string])[] = [
  ['API', 'User', 'api'],
  ['Integration', 'User', 'integration'],
  ['Data Sync', 'Bot', 'datasync'],
  ['Zapier', 'Connector', 'zapier'],
  ['Marketing', 'Automation', 'automation'],
];
const COMPANIES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', 'Stark', 'Wayne', 'Soylent'];
const TITLES = [
  'Account Executive',
  'Sales Development Representative',
  'Sales Manager',
  'Customer Success Manager',
  'Solutions Engineer',
  'Marketing Manager',
  'Operations Analyst',
  'Support Specialist',
  'VP Sales',
  'RevOps Lead',
];
const DEPARTMENTS = ['Sales', 'Sales', 'Sales', 'Customer Success', 'Marketing', 'Operations', 'Support'];
const ZONES: readonly (readonly [string, string])[] = [
  ['America/New_York', 'en-US'],
  ['America/Los_Angeles', 'en-US'],
  ['Europe/London', 'en-GB'],
  ['Europe/Berlin', 'de-DE'],
  ['Europe/Paris', 'fr-FR'],
  ['Asia/Kolkata', 'en-IN'],
  ['Australia/Sydney', 'en-AU'],
];

const DAY_MS = 86_400_000;
// Salts of the per-person hashes.
const S_FIRST = 1;
const S_LAST = 2;
const S_KIND = 3;
const S_STATUS = 4;
const S_UPDATED = 5;
const S_DOMAIN = 6;
const S_DETAIL = 7;
const S_PHONE = 8;

/** Lower-case ASCII for an email local part: accents stripped, apostrophes and spaces dropped. */
export function emailLocal(text: string): string {
  return text
    .normalize('NFD')
    .replace(/ø/gi, 'o')
    .replace(/ł/gi, 'l')
    .replace(/[^A-Za-z0-9.]/g, '')
    .toLowerCase();
}

export class People {
  readonly seed: number;
  readonly count: number;
  readonly company: string;
  /** The directory's email domains: the main one first. */
  readonly domains: readonly string[];
  readonly #inactive: number;
  readonly #nonHuman: number;
  readonly #accented: number;
  readonly #start: number;
  readonly #span: number;
  readonly #anchor: number;

  constructor(options: PeopleOptions) {
    if (!(Number.isInteger(options.count) && options.count >= 0))
      throw new Error('count must be an integer >= 0');
    this.seed = options.seed >>> 0;
    this.count = options.count;
    this.company = options.company ?? COMPANIES[hash32(this.seed, 0, 99) % COMPANIES.length];
    const slug = emailLocal(this.company.replace(/\s+/g, '-')) || 'company';
    this.domains = [
      `${slug}.example.com`,
      `eu.${slug}.example.com`,
      `${slug}.example.org`,
      'contractors.example.net',
    ];
    this.#inactive = Math.round((options.inactiveShare ?? 0.08) * 10_000);
    this.#nonHuman = Math.round((options.nonHumanShare ?? 0.03) * 10_000);
    this.#accented = Math.round((options.accentedShare ?? 0.1) * 10_000);
    this.#anchor = options.anchor ?? Date.UTC(2025, 5, 1);
    this.#span = (options.years ?? 7) * 365 * DAY_MS;
    this.#start = this.#anchor - this.#span;
  }

  /** Person `i` (0 ≤ i < count), in constant time. */
  get(i: number): Person {
    if (!(Number.isInteger(i) && i >= 0 && i < this.count)) throw new RangeError(`no person ${i}`);
    const h = (salt: number) => hash32(this.seed, i, salt);
    const human = i === 0 || h(S_KIND) % 10_000 >= this.#nonHuman;
    const accented = (h(S_KIND) >>> 16) % 10_000 < this.#accented;
    let firstName: string;
    let lastName: string;
    let local: string;
    if (human) {
      firstName =
        accented && h(S_FIRST) % 2 === 0
          ? ACCENTED_FIRST[h(S_FIRST) % ACCENTED_FIRST.length]
          : FIRST_NAMES[h(S_FIRST) % FIRST_NAMES.length];
      lastName = accented
        ? ACCENTED_LAST[h(S_LAST) % ACCENTED_LAST.length]
        : LAST_NAMES[h(S_LAST) % LAST_NAMES.length];
      local = `${emailLocal(firstName)}.${emailLocal(lastName)}${i + 1}`;
    } else {
      const bot = BOTS[h(S_FIRST) % BOTS.length];
      firstName = bot[0];
      lastName = bot[1];
      local = `${bot[2]}+${i + 1}`;
    }
    const hd = h(S_DOMAIN) % 100;
    const domain = this.domains[hd < 80 ? 0 : hd < 90 ? 1 : hd < 97 ? 2 : 3];
    const createdAt = this.#start + Math.floor((i * (this.#span - 30 * DAY_MS)) / Math.max(1, this.count));
    const updatedAt = createdAt + 1 + (h(S_UPDATED) % Math.max(1, this.#anchor - createdAt));
    const active = i === 0 || h(S_STATUS) % 10_000 >= this.#inactive;
    const detail = h(S_DETAIL);
    const [timeZone, locale] = ZONES[detail % ZONES.length];
    const phone = h(S_PHONE);
    return {
      index: i,
      firstName,
      lastName,
      email: `${local}@${domain}`,
      domain,
      createdAt,
      updatedAt,
      active,
      ...(active ? {} : { deactivatedAt: updatedAt }),
      human,
      title: human ? TITLES[(detail >>> 8) % TITLES.length] : 'Integration',
      department: human ? DEPARTMENTS[(detail >>> 16) % DEPARTMENTS.length] : 'IT',
      phone: `+1 555 01${String(phone % 100).padStart(2, '0')} ${String((phone >>> 8) % 10_000).padStart(4, '0')}`,
      timeZone,
      locale,
    };
  }

  *[Symbol.iterator](): Generator<Person> {
    for (let i = 0; i < this.count; i++) yield this.get(i);
  }
}

export function generatePeople(options: PeopleOptions): People {
  return new People(options);
}
