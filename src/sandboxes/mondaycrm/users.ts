/**
 * monday.com users as the GraphQL `User` type exposes them (schema in mondaycom/monday-graphql-api, API
 * versions up to 2026-07): string ids, `enabled`, `is_guest`/`is_view_only`/`is_pending`, `created_at` as
 * ISO 8601 UTC to the second, `join_date` as a date, and `url`, the user's profile page. Seeded from the
 * kit's people (guests, viewers and pending invitations among them), plus the docs' example user.
 */
import { generatePeople } from '../kit/people.ts';
import { hash32 } from '../kit/random.ts';

export interface MondayUser {
  id: string;
  name: string;
  email: string;
  enabled: boolean;
  created_at: string;
  join_date: string | null;
  last_activity: string | null;
  is_admin: boolean;
  is_guest: boolean;
  is_pending: boolean;
  is_verified: boolean;
  is_view_only: boolean;
  title: string | null;
  location: string | null;
  phone: string | null;
  mobile_phone: string | null;
  time_zone_identifier: string;
  utc_hours_diff: number;
  url: string;
  photo_original: string | null;
  photo_thumb: string | null;
  teams: Array<{ id: string; name: string }>;
}

/** monday renders `Date` values as ISO 8601 UTC without fractional seconds. */
export function mondayDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const ACCOUNT = { id: 9_876_543, name: 'Acme', slug: 'acme' };
const profileUrl = (id: string) => `https://${ACCOUNT.slug}.monday.com/users/${id}`;

/** The example user of monday's users reference (field values as published there, with the account's URL). */
export const DOCS_EXAMPLE_USER: MondayUser = {
  id: '12345678',
  name: 'Dana Levi',
  email: 'dana@acme.com',
  enabled: true,
  created_at: '2023-05-01T09:00:00Z',
  join_date: '2023-05-01',
  last_activity: '2024-06-02T08:15:00Z',
  is_admin: false,
  is_guest: false,
  is_pending: false,
  is_verified: true,
  is_view_only: false,
  title: 'Account Executive',
  location: 'Tel Aviv',
  phone: null,
  mobile_phone: null,
  time_zone_identifier: 'Asia/Jerusalem',
  utc_hours_diff: 3,
  url: profileUrl('12345678'),
  photo_original: 'https://files.monday.com/use1/photos/12345678/original/12345678-user_photo.png',
  photo_thumb: 'https://files.monday.com/use1/photos/12345678/thumb/12345678-user_photo.png',
  teams: [{ id: '1100', name: 'Sales' }],
};

const TEAMS = [
  { id: '1100', name: 'Sales' },
  { id: '1101', name: 'Customer Success' },
  { id: '1102', name: 'Marketing' },
];
const OFFSETS: Record<string, number> = { 'Europe/London': 0, 'America/New_York': -5, 'Asia/Tokyo': 9 };

export function seedUsers(count: number, seed: number): MondayUser[] {
  const users: MondayUser[] = [];
  let id = 30_000_000;
  for (const person of generatePeople({ seed, count })) {
    const h = (salt: number) => hash32(seed, person.index, 600 + salt);
    id += 1 + (h(1) % 9_000);
    const key = String(id);
    const roll = h(2) % 100;
    const guest = person.index > 0 && roll < 6;
    const viewer = person.index > 0 && !guest && roll < 10;
    const pending = person.index > 0 && person.active && h(3) % 100 < 3;
    const photo = h(4) % 100 < 60;
    users.push({
      id: key,
      name: `${person.firstName} ${person.lastName}`,
      email: guest ? person.email.replace(/@.*/, '@partner.example.net') : person.email,
      enabled: person.active,
      created_at: mondayDate(person.createdAt),
      join_date: pending ? null : new Date(person.createdAt).toISOString().slice(0, 10),
      last_activity: pending ? null : mondayDate(person.updatedAt),
      is_admin: person.index === 0 || h(5) % 100 < 5,
      is_guest: guest,
      is_pending: pending,
      is_verified: !pending,
      is_view_only: viewer,
      title: person.title,
      location: null,
      phone: h(6) % 100 < 40 ? person.phone : null,
      mobile_phone: null,
      time_zone_identifier: person.timeZone,
      utc_hours_diff: OFFSETS[person.timeZone] ?? 0,
      url: profileUrl(key),
      photo_original: photo
        ? `https://files.monday.com/use1/photos/${key}/original/${key}-user_photo.png`
        : null,
      photo_thumb: photo ? `https://files.monday.com/use1/photos/${key}/thumb/${key}-user_photo.png` : null,
      teams: guest ? [] : [{ ...TEAMS[h(7) % TEAMS.length]! }],
    });
  }
  // The docs' example user joins the seeded ones in creation order.
  users.push(structuredClone(DOCS_EXAMPLE_USER));
  return users.sort((a, b) => Number(a.id) - Number(b.id));
}

export interface UsersArgs {
  ids?: string[];
  emails?: string[];
  name?: string;
  kind?: 'all' | 'guests' | 'non_guests' | 'non_pending';
  non_active?: boolean;
  newest_first?: boolean;
  limit?: number;
  page?: number;
}

/** `users(...)`: enabled users unless `non_active`, narrowed by kind, ids, emails and a fuzzy name. */
export function selectUsers(all: readonly MondayUser[], args: UsersArgs): MondayUser[] {
  const emails = args.emails?.map((e) => e.toLowerCase());
  const name = args.name?.toLowerCase();
  const kind = args.kind ?? 'all';
  const matched = all.filter(
    (u) =>
      u.enabled === !args.non_active &&
      (kind === 'all' ||
        (kind === 'guests' && u.is_guest) ||
        (kind === 'non_guests' && !u.is_guest) ||
        (kind === 'non_pending' && !u.is_pending)) &&
      (args.ids === undefined || args.ids.includes(u.id)) &&
      (emails === undefined || emails.includes(u.email.toLowerCase())) &&
      (name === undefined || u.name.toLowerCase().includes(name)),
  );
  if (args.newest_first)
    matched.sort((a, b) => b.created_at.localeCompare(a.created_at) || Number(b.id) - Number(a.id));
  if (args.limit === undefined) return matched;
  const page = args.page ?? 1;
  return matched.slice((page - 1) * args.limit, page * args.limit);
}
