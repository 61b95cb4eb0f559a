/**
 * Sales groups. Membership itself lives on the users (user-store.ts group columns), so a million
 * memberships cost no maps; a group keeps only the permission flags of its managers.
 */

/** Per-membership permission flags; a member with any flag set is a group manager. */
export const GROUP_FLAGS = [
  'ViewAllLeadsOfGroup',
  'ModifyAllLeadsOfGroup',
  'AddUsersToGroup',
  'ViewAllAccountsOfGroup',
  'ModifyAllAccountsOfGroup',
  'CreateGroupAutomation',
] as const;

export interface SalesGroup {
  id: string;
  name: string;
  description: string;
  createdOn: number;
  deleted: boolean;
  /** User index → bit mask over GROUP_FLAGS (bit k = GROUP_FLAGS[k]). Only non-zero masks are kept. */
  managerFlags: Map<number, number>;
}

/** Reads the six flags from a request object; accepts booleans and the 0/1 integers Create User uses. */
export function flagsFromBody(body: Record<string, unknown>): number {
  let mask = 0;
  GROUP_FLAGS.forEach((flag, bit) => {
    const v = body[flag];
    if (v === true || v === 1 || v === '1' || v === 'true') mask |= 1 << bit;
  });
  return mask;
}

export function flagsToObject(mask: number): Record<(typeof GROUP_FLAGS)[number], boolean> {
  const out = {} as Record<(typeof GROUP_FLAGS)[number], boolean>;
  GROUP_FLAGS.forEach((flag, bit) => {
    out[flag] = (mask & (1 << bit)) !== 0;
  });
  return out;
}
