/** Resolving the users a request names. */
import type { Tenant } from '../data/tenant.ts';
import { invalidInput, mandatoryMissing } from '../http/errors.ts';

/** A listed (non-obsolete) user by id, or a 500 naming the parameter. */
export function requireUser(t: Tenant, id: unknown, parameter: string): number {
  if (id === undefined || id === null || id === '') throw mandatoryMissing(`'${parameter}' is mandatory`);
  const i = t.users.indexOfId(id);
  if (!t.isListed(i)) throw invalidInput(`Invalid Input! Parameter Name: ${parameter}`);
  return i;
}

/** True when `candidate` is `user` or somewhere below them in the Reports-To tree. */
export function isSelfOrBelow(t: Tenant, candidate: number, user: number): boolean {
  let steps = 0;
  for (let k = candidate; k >= 0 && steps <= t.users.count; k = t.users.manager[k], steps++) {
    if (k === user) return true;
  }
  return false;
}
