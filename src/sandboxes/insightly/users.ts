/**
 * The Insightly sandbox's users (https://api.na1.insightly.com/v3.1/Help#!/Users): upper-case field names,
 * numeric ids, booleans, and UTC dates as `yyyy-MM-dd HH:mm:ss` (no `T`, no zone). The first user is the
 * account owner and an administrator; deactivated people are `ACTIVE: false`. Windows time-zone names, as
 * Insightly's regional settings use them.
 */
import { generatePeople } from '../kit/people.ts';
import { hash32 } from '../kit/random.ts';

export interface InsightlyUser {
  USER_ID: number;
  CONTACT_ID: number | null;
  FIRST_NAME: string;
  LAST_NAME: string;
  TIMEZONE_ID: string;
  EMAIL_ADDRESS: string;
  EMAIL_DROPBOX_IDENTIFIER: string;
  EMAIL_DROPBOX_ADDRESS: string;
  ADMINISTRATOR: boolean;
  ACCOUNT_OWNER: boolean;
  ACTIVE: boolean;
  DATE_CREATED_UTC: string;
  DATE_UPDATED_UTC: string;
  USER_CURRENCY: string;
  CONTACT_DISPLAY: string;
  CONTACT_ORDER: string;
  TASK_WEEK_START: number;
  INSTANCE_ID: number;
  PROFILE_ID: number | null;
  ROLE_ID: number | null;
}

/** `2024-01-31 09:30:00`: Insightly's UTC date-time. */
export function insightlyDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

const WINDOWS_ZONES: Record<string, string> = {
  'America/New_York': 'Eastern Standard Time',
  'America/Los_Angeles': 'Pacific Standard Time',
  'Europe/London': 'GMT Standard Time',
  'Europe/Berlin': 'W. Europe Standard Time',
  'Europe/Paris': 'Romance Standard Time',
  'Asia/Kolkata': 'India Standard Time',
  'Australia/Sydney': 'AUS Eastern Standard Time',
};
const CURRENCIES: Record<string, string> = {
  'en-US': 'USD',
  'en-GB': 'GBP',
  'de-DE': 'EUR',
  'fr-FR': 'EUR',
  'en-IN': 'INR',
  'en-AU': 'AUD',
};

/** `count` users for one instance: ids and contact ids rise with creation, as Insightly hands them out. */
export function seedUsers(count: number, seed: number, instanceId: number): InsightlyUser[] {
  const users: InsightlyUser[] = [];
  let userId = 1_100_000 + (hash32(seed, 0, 500) % 100_000);
  let contactId = 250_000_000 + (hash32(seed, 0, 501) % 1_000_000);
  for (const person of generatePeople({ seed, count })) {
    const h = (salt: number) => hash32(seed, person.index, 510 + salt);
    userId += 1 + (h(1) % 40);
    contactId += 1 + (h(2) % 5000);
    const dropbox = `${person.lastName.toLowerCase().replace(/[^a-z]/g, '')}${h(3) % 10_000}`;
    users.push({
      USER_ID: userId,
      CONTACT_ID: person.human ? contactId : null,
      FIRST_NAME: person.firstName,
      LAST_NAME: person.lastName,
      TIMEZONE_ID: WINDOWS_ZONES[person.timeZone] ?? 'UTC',
      EMAIL_ADDRESS: person.email,
      EMAIL_DROPBOX_IDENTIFIER: dropbox,
      EMAIL_DROPBOX_ADDRESS: `${dropbox}@mailbox.insight.ly`,
      ADMINISTRATOR: person.index === 0 || h(4) % 10 === 0,
      ACCOUNT_OWNER: person.index === 0,
      ACTIVE: person.active,
      DATE_CREATED_UTC: insightlyDate(person.createdAt),
      DATE_UPDATED_UTC: insightlyDate(person.updatedAt),
      USER_CURRENCY: CURRENCIES[person.locale] ?? 'USD',
      CONTACT_DISPLAY: h(5) % 2 === 0 ? 'LastFirst' : 'FirstLast',
      CONTACT_ORDER: h(6) % 2 === 0 ? 'LastFirst' : 'FirstLast',
      TASK_WEEK_START: h(7) % 3 === 0 ? 0 : 1,
      INSTANCE_ID: instanceId,
      PROFILE_ID: null,
      ROLE_ID: null,
    });
  }
  return users;
}
