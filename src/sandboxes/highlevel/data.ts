/**
 * HighLevel's agency (company), its sub-accounts (locations) and users, as API v2 returns users
 * (`UserSchema` in HighLevel's published OpenAPI document): 20-character ids, `name`, `firstName`,
 * `lastName`, `email`, `phone`, `extension`, `permissions`, `roles` (`type` account or agency, the
 * `locationIds` the user works in), `deleted`, `platformLanguage`. No dates. Seeded from the kit's people,
 * with the docs' example user (John Deo) first; API users are dropped (HighLevel has none).
 */
import { generatePeople } from '../kit/people.ts';
import { hash32 } from '../kit/random.ts';

export interface HighLevelRoles {
  type: 'account' | 'agency';
  role: 'admin' | 'user';
  locationIds: string[];
  restrictSubAccount: boolean;
}

export interface HighLevelUser {
  id: string;
  name: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  extension: string;
  permissions: Record<string, boolean>;
  roles: HighLevelRoles;
  deleted: boolean;
  lcPhone?: Record<string, string>;
  platformLanguage: string;
}

/** The docs' examples: company `5DP41231LkQsiKESj6rh`, locations `ve9EPM428h8vShlRW1KT` and `s4BtzHFWmT28mbb85uPa`. */
export const COMPANY_ID = '5DP41231LkQsiKESj6rh';
export const MAIN_LOCATION = 've9EPM428h8vShlRW1KT';
export const OTHER_LOCATION = 's4BtzHFWmT28mbb85uPa';
export const LOCATIONS = [
  { id: MAIN_LOCATION, name: 'Deo Dental (sandbox)' },
  { id: OTHER_LOCATION, name: 'Deo Dental East (sandbox)' },
];

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A HighLevel-style id: 20 base-62 characters, a pure function of its inputs. */
export function highLevelId(seed: number, index: number, salt: number): string {
  let id = '';
  for (let k = 0; id.length < 20; k++) {
    const h = hash32(seed, index, salt * 31 + k);
    for (let b = 0; b < 5 && id.length < 20; b++) id += BASE62[(h >>> (b * 6)) % 62];
  }
  return id;
}

function permissions(admin: boolean): Record<string, boolean> {
  return {
    campaignsEnabled: true,
    campaignsReadOnly: false,
    contactsEnabled: true,
    workflowsEnabled: true,
    workflowsReadOnly: !admin,
    opportunitiesEnabled: true,
    dashboardStatsEnabled: true,
    appointmentsEnabled: true,
    conversationsEnabled: true,
    settingsEnabled: admin,
    assignedDataOnly: !admin,
  };
}

/** The docs' `UserSchema` example. */
export const DOCS_EXAMPLE_USER: HighLevelUser = {
  id: '0IHuJvc2ofPAAA8GzTRi',
  name: 'John Deo',
  firstName: 'John',
  lastName: 'Deo',
  email: 'john@deo.com',
  phone: '+1 808-868-8888',
  extension: '',
  permissions: permissions(true),
  roles: { type: 'account', role: 'admin', locationIds: [MAIN_LOCATION], restrictSubAccount: true },
  deleted: false,
  lcPhone: { locationId: '+1234556677' },
  platformLanguage: 'en_US',
};

const LANGUAGES: Record<string, string> = { 'de-DE': 'de', 'fr-FR': 'fr_FR' };

/**
 * The docs' user, then people spread over the agency (about one in ten, in both locations) and the two
 * locations; deactivated people are soft-deleted (`deleted: true`).
 */
export function seedUsers(count: number, seed: number): HighLevelUser[] {
  const users = [structuredClone(DOCS_EXAMPLE_USER)];
  for (const person of generatePeople({ seed, count })) {
    if (!person.human) continue;
    const h = hash32(seed, person.index, 733);
    const agency = h % 10 === 0;
    const admin = person.index === 0 || (h >>> 4) % 10 < 2;
    const locationIds = agency
      ? [MAIN_LOCATION, OTHER_LOCATION]
      : [(h >>> 8) % 4 === 0 ? OTHER_LOCATION : MAIN_LOCATION];
    const digits = person.phone.replace(/\D/g, '');
    users.push({
      id: highLevelId(seed, person.index, 17),
      name: `${person.firstName} ${person.lastName}`,
      firstName: person.firstName,
      lastName: person.lastName,
      email: person.email,
      phone: `+${digits.slice(0, 1)} ${digits.slice(1, 4)}-${digits.slice(4, 7)}-${digits.slice(7)}`,
      extension: '',
      permissions: permissions(admin),
      roles: {
        type: agency ? 'agency' : 'account',
        role: admin ? 'admin' : 'user',
        locationIds,
        restrictSubAccount: !agency,
      },
      deleted: !person.active,
      platformLanguage: LANGUAGES[person.locale] ?? 'en_US',
    });
  }
  return users;
}
