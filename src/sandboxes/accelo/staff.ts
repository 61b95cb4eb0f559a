/**
 * The Accelo sandbox's staff (https://api.accelo.com/docs/#staff): the docs' own sample staff, then the
 * kit's seeded people, in ascending `id` order (Accelo's default order). Ids are strings of digits, as in
 * every Accelo response; absent values are `null`.
 */
import { emailLocal, generatePeople } from '../kit/people.ts';
import { hash32 } from '../kit/random.ts';

export type Standing = 'active' | 'inactive' | 'lockout';

/** A staff member with every field the staff object documents. */
export interface AcceloStaff {
  id: string;
  firstname: string;
  surname: string;
  standing: Standing;
  financial_level: 'none' | 'time' | 'all';
  title: string | null;
  email: string | null;
  mobile: string | null;
  phone: string | null;
  fax: string | null;
  position: string | null;
  username: string;
  timezone: string | null;
  /** Returned only when asked for by name (`_ALL` leaves the rates out). */
  staff_rate: string;
  staff_cost_rate: string;
}

/** Returned whatever `_fields` says (the bold fields of the staff object). */
export const DEFAULT_FIELDS = ['id', 'firstname', 'surname'] as const;
/** The optional fields `_fields=_ALL` adds. */
export const ALL_FIELDS = [
  'standing',
  'financial_level',
  'title',
  'email',
  'mobile',
  'phone',
  'fax',
  'position',
  'username',
  'timezone',
] as const;
export const RATE_FIELDS = ['staff_rate', 'staff_cost_rate'] as const;

export type StaffView = Partial<AcceloStaff> & Pick<AcceloStaff, 'id' | 'firstname' | 'surname'>;

/** A staff member as a response shows it for the requested `_fields` (names, or `_ALL`). */
export function project(staff: AcceloStaff, fields: readonly string[]): StaffView {
  const wanted = new Set<string>(DEFAULT_FIELDS);
  for (const field of fields) {
    if (field === '_ALL') for (const name of ALL_FIELDS) wanted.add(name);
    else if (
      (ALL_FIELDS as readonly string[]).includes(field) ||
      (RATE_FIELDS as readonly string[]).includes(field)
    )
      wanted.add(field);
  }
  const view: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(staff)) if (wanted.has(key)) view[key] = value;
  return view as StaffView;
}

/**
 * The docs' sample staff: the system user of Accelo's former AffinityLive API docs ("GET /staff/1") and
 * Matthew Hughes (staff 14) from the activity interactions sample.
 */
export const DOC_STAFF: readonly AcceloStaff[] = [
  {
    id: '1',
    firstname: 'AffinityLive',
    surname: 'System',
    standing: 'active',
    financial_level: 'all',
    title: null,
    email: 'system@affinitylive.com',
    mobile: null,
    phone: null,
    fax: null,
    position: null,
    username: 'system',
    timezone: null,
    staff_rate: '0.00',
    staff_cost_rate: '0.00',
  },
  {
    id: '14',
    firstname: 'Matthew',
    surname: 'Hughes',
    standing: 'active',
    financial_level: 'time',
    title: 'Mr',
    email: 'matthew.hughes@planet-express.example.com',
    mobile: null,
    phone: null,
    fax: null,
    position: 'Developer',
    username: 'mhughes',
    timezone: 'Australia/Sydney',
    staff_rate: '120.00',
    staff_cost_rate: '60.00',
  },
];

const TITLES = ['Mr', 'Ms', 'Mrs', 'Dr', null] as const;
const LEVELS = ['none', 'time', 'all'] as const;

/** `count` seeded staff after the docs' samples (ids from 100): deactivated people inactive, a few locked out. */
export function seedStaff(count: number, seed: number): AcceloStaff[] {
  const people = generatePeople({ seed, count });
  const staff: AcceloStaff[] = DOC_STAFF.map((s) => ({ ...s }));
  for (const person of people) {
    const h = (salt: number) => hash32(seed, person.index, 700 + salt);
    const standing: Standing = person.active ? 'active' : h(1) % 4 === 0 ? 'lockout' : 'inactive';
    staff.push({
      id: String(100 + person.index),
      firstname: person.firstName,
      surname: person.lastName,
      standing,
      financial_level: LEVELS[h(2) % LEVELS.length]!,
      title: person.human ? TITLES[h(3) % TITLES.length]! : null,
      email: person.email,
      mobile: h(4) % 3 === 0 ? null : person.phone,
      phone: h(5) % 2 === 0 ? null : person.phone,
      fax: null,
      position: person.title,
      username: `${emailLocal(`${person.firstName}.${person.lastName}`)}${person.index + 1}`,
      timezone: person.timeZone,
      staff_rate: `${80 + (h(6) % 120)}.00`,
      staff_cost_rate: `${40 + (h(7) % 60)}.00`,
    });
  }
  return staff;
}
