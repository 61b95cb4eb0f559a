/**
 * API accounts: key pairs mapped to tenant data. The primary account owns the seeded tenant;
 * extra accounts get a data set of their own (default) or share an existing one as another
 * Administrator's keys.
 */
import { randomBytes } from 'node:crypto';
import { generateTenant, keysForSeed } from './data/generate.ts';
import type { Tenant } from './data/tenant.ts';
import { ROLE_ADMINISTRATOR } from './data/user-store.ts';
import type { Account, SandboxState } from './state.ts';

export interface AddAccountOptions {
  /** Default: a random key in the observed format (`u$r` + 32 hex digits). */
  accessKey?: string;
  /** Default: 40 random hex digits. */
  secretKey?: string;
  /** Share this access key's data set instead of generating a new one (the primary's: `true`). */
  shareDataWith?: string | true;
  /** Users of a new data set (default 1000). */
  users?: number;
  /** Seed of a new data set (default: the primary seed + the number of accounts). */
  seed?: number;
  customFields?: number;
}

export function randomKeys(): { accessKey: string; secretKey: string } {
  return { accessKey: `u$r${randomBytes(16).toString('hex')}`, secretKey: randomBytes(20).toString('hex') };
}

export function primaryAccount(tenant: Tenant, accessKey?: string, secretKey?: string): Account {
  const seeded = keysForSeed(tenant.seed);
  return {
    accessKey: accessKey ?? seeded.accessKey,
    secretKey: secretKey ?? seeded.secretKey,
    tenant,
    owner: 0,
  };
}

/** An active Administrator of the tenant who does not own keys yet (else the first user). */
function freeAdministrator(state: SandboxState, tenant: Tenant): number {
  const owners = new Set([...state.accounts.values()].filter((a) => a.tenant === tenant).map((a) => a.owner));
  const u = tenant.users;
  for (let i = 0; i < u.count; i++) {
    if (u.role[i] === ROLE_ADMINISTRATOR && tenant.isActive(i) && !owners.has(i)) return i;
  }
  return 0;
}

export function addAccount(state: SandboxState, options: AddAccountOptions = {}): Account {
  const keys = randomKeys();
  const accessKey = options.accessKey ?? keys.accessKey;
  if (state.accounts.has(accessKey)) throw new Error(`access key ${accessKey} already exists`);
  let account: Account;
  if (options.shareDataWith !== undefined) {
    const shared = options.shareDataWith === true ? state.primary : state.accounts.get(options.shareDataWith);
    if (!shared) throw new Error(`no account with access key ${String(options.shareDataWith)}`);
    account = {
      accessKey,
      secretKey: options.secretKey ?? keys.secretKey,
      tenant: shared.tenant,
      owner: freeAdministrator(state, shared.tenant),
    };
  } else {
    const tenant = generateTenant({
      users: options.users ?? 1000,
      seed: options.seed ?? state.primary.tenant.seed + state.accounts.size,
      customFields: options.customFields,
    });
    account = { accessKey, secretKey: options.secretKey ?? keys.secretKey, tenant, owner: 0 };
  }
  state.accounts.set(accessKey, account);
  return account;
}
