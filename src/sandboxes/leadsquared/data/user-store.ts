/**
 * Users kept as columns in typed arrays (struct of arrays): about 50 bytes a user, so a million
 * users fit easily in one process. Index order is id order: ids are built so that their text sorts
 * like their index, which makes "sort by UserId" free and id lookup a binary search.
 *
 * Fields that the generator derives (phones, address, custom fields, ...) are not stored at all
 * (see user-fields.ts); only values written through the API are, in a sparse `overrides` map.
 */
import { FIRST_NAMES, FIRST_NAMES_LOWER, LAST_NAMES, LAST_NAMES_LOWER } from '../../kit/names.ts';
import { hash32, hex } from '../../kit/random.ts';

export const ROLES = ['Administrator', 'Marketing_User', 'Sales_Manager', 'Sales_User'] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_ADMINISTRATOR = 0;
export const ROLE_MARKETING_USER = 1;
export const ROLE_SALES_MANAGER = 2;
export const ROLE_SALES_USER = 3;

export function roleIndex(value: unknown): number {
  return typeof value === 'string' ? ROLES.indexOf(value as Role) : -1;
}

/** Stored lower-case on the user record, as LeadSquared does (`"online"`); check-in takes capitalised values. */
export const AVAILABILITY = ['offline', 'online', 'away'] as const;

export type FieldValue = string | number | boolean | null;

const SALT_ID_MID = 101;
const SALT_ID_STEP = 102;
const SALT_ID_BASE = 103;

export interface UserStoreIdentity {
  seed: number;
  /** The shared tail of every user id: `11e7-xxxx-xxxxxxxxxxxx`, like v1 GUIDs minted on one host. */
  idTail: string;
  emailDomain: string;
}

function grow<T extends Uint8Array | Uint16Array | Uint32Array | Int32Array>(array: T, capacity: number): T {
  const next = new (array.constructor as new (n: number) => T)(capacity);
  next.set(array);
  return next;
}

export class UserStore {
  count = 0;
  capacity: number;
  readonly seed: number;
  readonly idTail: string;
  readonly emailDomain: string;

  /** First 8 hex digits of the id; strictly increasing with the index. */
  timeLow: Uint32Array;
  firstName: Uint16Array;
  lastName: Uint16Array;
  role: Uint8Array;
  /** StatusCode: 0 active, 1 deactivated. */
  status: Uint8Array;
  /** 1 once marked obsolete (always after deactivation): hidden from every endpoint, email freed. */
  obsolete: Uint8Array;
  /** 1 for users created through the API: their optional fields come from `overrides` only. */
  apiCreated: Uint8Array;
  manager: Int32Array;
  team: Int32Array;
  group1: Int32Array;
  group2: Int32Array;
  createdOn: Uint32Array;
  modifiedOn: Uint32Array;
  checkedIn: Uint8Array;
  lastCheckedOn: Uint32Array;
  availability: Uint8Array;

  /** Values written through the API, by user index then attribute name. */
  readonly overrides = new Map<number, Record<string, FieldValue>>();
  /** Lower-cased email → index, for users created through the API (generated emails are parsed instead). */
  readonly createdEmails = new Map<string, number>();
  /** Sales-group memberships beyond the first two. */
  readonly extraGroups = new Map<number, number[]>();

  constructor(identity: UserStoreIdentity, capacity: number) {
    this.seed = identity.seed;
    this.idTail = identity.idTail;
    this.emailDomain = identity.emailDomain;
    this.capacity = Math.max(16, capacity);
    const n = this.capacity;
    this.timeLow = new Uint32Array(n);
    this.firstName = new Uint16Array(n);
    this.lastName = new Uint16Array(n);
    this.role = new Uint8Array(n);
    this.status = new Uint8Array(n);
    this.obsolete = new Uint8Array(n);
    this.apiCreated = new Uint8Array(n);
    this.manager = new Int32Array(n).fill(-1);
    this.team = new Int32Array(n);
    this.group1 = new Int32Array(n).fill(-1);
    this.group2 = new Int32Array(n).fill(-1);
    this.createdOn = new Uint32Array(n);
    this.modifiedOn = new Uint32Array(n);
    this.checkedIn = new Uint8Array(n);
    this.lastCheckedOn = new Uint32Array(n);
    this.availability = new Uint8Array(n);
  }

  private ensureCapacity(needed: number): void {
    if (needed <= this.capacity) return;
    const n = Math.max(needed, this.capacity * 2);
    this.timeLow = grow(this.timeLow, n);
    this.firstName = grow(this.firstName, n);
    this.lastName = grow(this.lastName, n);
    this.role = grow(this.role, n);
    this.status = grow(this.status, n);
    this.obsolete = grow(this.obsolete, n);
    this.apiCreated = grow(this.apiCreated, n);
    this.manager = grow(this.manager, n);
    this.manager.fill(-1, this.capacity);
    this.team = grow(this.team, n);
    this.group1 = grow(this.group1, n);
    this.group1.fill(-1, this.capacity);
    this.group2 = grow(this.group2, n);
    this.group2.fill(-1, this.capacity);
    this.createdOn = grow(this.createdOn, n);
    this.modifiedOn = grow(this.modifiedOn, n);
    this.checkedIn = grow(this.checkedIn, n);
    this.lastCheckedOn = grow(this.lastCheckedOn, n);
    this.availability = grow(this.availability, n);
    this.capacity = n;
  }

  /** Reserves the next index and gives it an id that sorts after every existing one. */
  append(): number {
    const i = this.count;
    this.ensureCapacity(i + 1);
    const step = 1 + (hash32(this.seed, i, SALT_ID_STEP) & 2047);
    const next =
      i === 0 ? 0x10000000 + (hash32(this.seed, 0, SALT_ID_BASE) & 0x0fffffff) : this.timeLow[i - 1] + step;
    if (next > 0xffffffff) throw new Error('the sandbox cannot hold more users');
    this.timeLow[i] = next;
    this.count = i + 1;
    return i;
  }

  idOf(i: number): string {
    return `${hex(this.timeLow[i], 8)}-${hex(hash32(this.seed, i, SALT_ID_MID), 4)}-${this.idTail}`;
  }

  /** Index of a listed (not obsolete) or obsolete user by id; -1 when unknown. Case-insensitive. */
  indexOfId(id: unknown): number {
    if (typeof id !== 'string' || id.length !== 36) return -1;
    const lower = id.toLowerCase();
    const head = Number.parseInt(lower.slice(0, 8), 16);
    if (!Number.isFinite(head) || !/^[0-9a-f]{8}$/.test(lower.slice(0, 8))) return -1;
    let lo = 0;
    let hi = this.count - 1;
    const times = this.timeLow;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = times[mid];
      if (v < head) lo = mid + 1;
      else if (v > head) hi = mid - 1;
      else return this.idOf(mid) === lower ? mid : -1;
    }
    return -1;
  }

  generatedEmailOf(i: number): string {
    return `${FIRST_NAMES_LOWER[this.firstName[i]]}.${LAST_NAMES_LOWER[this.lastName[i]]}${i + 1}@${this.emailDomain}`;
  }

  emailOf(i: number): string {
    if (this.apiCreated[i]) return String(this.overrides.get(i)?.EmailAddress ?? '');
    return this.generatedEmailOf(i);
  }

  /**
   * Index of the non-obsolete user with this email (case-insensitive), or -1. Generated emails end
   * in `<index + 1>@domain`, so they are found by parsing instead of through a million-entry map.
   */
  indexOfEmail(email: unknown): number {
    if (typeof email !== 'string') return -1;
    const lower = email.trim().toLowerCase();
    const created = this.createdEmails.get(lower);
    if (created !== undefined && !this.obsolete[created]) return created;
    const at = lower.lastIndexOf('@');
    let start = at;
    while (start > 0 && lower.charCodeAt(start - 1) >= 48 && lower.charCodeAt(start - 1) <= 57) start--;
    if (start === at || at - start > 9) return -1;
    const candidate = Number(lower.slice(start, at)) - 1;
    if (candidate < 0 || candidate >= this.count) return -1;
    if (this.apiCreated[candidate] || this.obsolete[candidate]) return -1;
    return this.generatedEmailOf(candidate) === lower ? candidate : -1;
  }

  override(i: number, name: string): FieldValue | undefined {
    return this.overrides.get(i)?.[name];
  }

  setOverride(i: number, name: string, value: FieldValue): void {
    let record = this.overrides.get(i);
    if (!record) {
      record = {};
      this.overrides.set(i, record);
    }
    record[name] = value;
  }

  firstNameOf(i: number): string | null {
    const o = this.overrides.get(i)?.FirstName;
    if (o !== undefined) return o === null ? null : String(o);
    return this.apiCreated[i] ? null : FIRST_NAMES[this.firstName[i]];
  }

  lastNameOf(i: number): string | null {
    const o = this.overrides.get(i)?.LastName;
    if (o !== undefined) return o === null ? null : String(o);
    return this.apiCreated[i] ? null : LAST_NAMES[this.lastName[i]];
  }

  fullNameOf(i: number): string {
    return `${this.firstNameOf(i) ?? ''} ${this.lastNameOf(i) ?? ''}`.trim();
  }

  groupsOf(i: number): number[] {
    const out: number[] = [];
    if (this.group1[i] >= 0) out.push(this.group1[i]);
    if (this.group2[i] >= 0) out.push(this.group2[i]);
    const extra = this.extraGroups.get(i);
    if (extra) out.push(...extra);
    return out;
  }

  isInGroup(i: number, group: number): boolean {
    return (
      this.group1[i] === group ||
      this.group2[i] === group ||
      (this.extraGroups.get(i)?.includes(group) ?? false)
    );
  }

  /** Returns false when the user already was a member. */
  addToGroup(i: number, group: number): boolean {
    if (this.isInGroup(i, group)) return false;
    if (this.group1[i] < 0) this.group1[i] = group;
    else if (this.group2[i] < 0) this.group2[i] = group;
    else {
      const extra = this.extraGroups.get(i) ?? [];
      extra.push(group);
      this.extraGroups.set(i, extra);
    }
    return true;
  }

  /** Returns false when the user was not a member. */
  removeFromGroup(i: number, group: number): boolean {
    const rest = this.groupsOf(i);
    const at = rest.indexOf(group);
    if (at < 0) return false;
    rest.splice(at, 1);
    this.group1[i] = rest.length > 0 ? rest[0] : -1;
    this.group2[i] = rest.length > 1 ? rest[1] : -1;
    if (rest.length > 2) this.extraGroups.set(i, rest.slice(2));
    else this.extraGroups.delete(i);
    return true;
  }
}
