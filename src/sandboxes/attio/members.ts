/**
 * Attio workspace members (https://docs.attio.com/rest-api/endpoint-reference/workspace-members/list-workspace-members):
 * a composite id `{ workspace_id, workspace_member_id }` (UUIDs), `email_address`, `avatar_url`,
 * `created_at` with nanosecond digits (`2022-11-21T13:22:49.061281000Z`) and `access_level` `admin`,
 * `member` or `suspended`. Attio never deletes members: suspended ones stay listed. Seeded with the docs'
 * own example (Susan Kare, whose workspace this is and who authorized the tokens) and the kit's people.
 */
import { generatePeople } from '../kit/people.ts';
import { hash32, hex } from '../kit/random.ts';

export type AccessLevel = 'admin' | 'member' | 'suspended';

export interface WorkspaceMember {
  id: { workspace_id: string; workspace_member_id: string };
  first_name: string;
  last_name: string;
  avatar_url: string | null;
  email_address: string;
  created_at: string;
  access_level: AccessLevel;
}

export interface NewMember {
  first_name: string;
  last_name: string;
  email_address?: string;
  access_level?: AccessLevel;
}

/** The docs' workspace and member (https://docs.attio.com/api-reference/workspace-members/get-a-workspace-member). */
export const WORKSPACE_ID = '14beef7a-99f7-4534-a87e-70b564330a4c';
export const DOCS_EXAMPLE: WorkspaceMember = {
  id: { workspace_id: WORKSPACE_ID, workspace_member_id: '50cf242c-7fa3-4cad-87d0-75b1af71c57b' },
  first_name: 'Susan',
  last_name: 'Kare',
  avatar_url: 'https://lh3.googleusercontent.com/a/ABdFTp7z6OgAW9EqZx78wTqPfWClGCJCZXFjQfBG7rd9=s96-c',
  email_address: 'susan.kare@apple.com',
  created_at: '2022-11-21T13:22:49.061281000Z',
  access_level: 'member',
};

/** A version-4-shaped UUID, a pure function of its inputs. */
export function uuidOf(seed: number, index: number, salt: number): string {
  const a = hash32(seed, index, salt);
  const b = hash32(seed, index, salt + 1);
  const c = hash32(seed, index, salt + 2);
  const d = hash32(seed, index, salt + 3);
  return `${hex(a, 8)}-${hex(b >>> 16, 4)}-4${hex(b, 3)}-${'89ab'[c >>> 30]}${hex(c, 3)}-${hex(c >>> 12, 4)}${hex(d, 8)}`;
}

/** Attio's timestamps: nanosecond precision, of which the last three digits are zeros. */
export function attioTime(ms: number, micros: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}${String(micros % 1000).padStart(3, '0')}000Z`;
}

export class MemberStore {
  readonly #members: WorkspaceMember[];
  readonly #seed: number;
  #added = 0;

  constructor(seed: number, members: WorkspaceMember[]) {
    this.#seed = seed;
    this.#members = members;
  }

  list(): WorkspaceMember[] {
    return this.#members.map((m) => structuredClone(m));
  }

  get(id: string): WorkspaceMember | undefined {
    const member = this.#members.find((m) => m.id.workspace_member_id === id);
    return member && structuredClone(member);
  }

  add(input: NewMember): WorkspaceMember {
    const n = this.#added++;
    const member: WorkspaceMember = {
      id: { workspace_id: WORKSPACE_ID, workspace_member_id: uuidOf(this.#seed, 1_000_000 + n, 31) },
      first_name: input.first_name,
      last_name: input.last_name,
      avatar_url: null,
      email_address:
        input.email_address ?? `${input.first_name}.${input.last_name}.${n}@example.com`.toLowerCase(),
      created_at: attioTime(Date.now(), n),
      access_level: input.access_level ?? 'member',
    };
    this.#members.push(member);
    return structuredClone(member);
  }

  /** Changes a member's access level (`suspended` is how Attio deactivates a user). */
  setAccessLevel(id: string, level: AccessLevel): WorkspaceMember {
    if (!['admin', 'member', 'suspended'].includes(level))
      throw new Error('access_level: admin, member or suspended');
    const member = this.#members.find((m) => m.id.workspace_member_id === id);
    if (!member) throw new Error(`no workspace member ${id}`);
    member.access_level = level;
    return structuredClone(member);
  }
}

export function seedMembers(count: number, seed: number): MemberStore {
  const members: WorkspaceMember[] = [structuredClone(DOCS_EXAMPLE)];
  for (const person of generatePeople({ seed, count })) {
    const h = hash32(seed, person.index, 21);
    members.push({
      id: { workspace_id: WORKSPACE_ID, workspace_member_id: uuidOf(seed, person.index, 22) },
      first_name: person.firstName,
      last_name: person.lastName,
      avatar_url:
        h % 3 === 0
          ? null
          : `https://lh3.googleusercontent.com/a/${uuidOf(seed, person.index, 26).replaceAll('-', '')}=s96-c`,
      email_address: person.email,
      created_at: attioTime(person.createdAt, h),
      access_level: !person.active ? 'suspended' : h % 8 === 0 ? 'admin' : 'member',
    });
  }
  return new MemberStore(seed, members);
}
