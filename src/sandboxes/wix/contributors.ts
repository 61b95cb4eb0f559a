/**
 * The Wix sandbox's site contributors: the people with access to a site's dashboard (the site owner and
 * the collaborators invited to it), from the kit's seeded people. Wix lists only current contributors:
 * deactivated people are simply not there (a removed collaborator disappears), and pending invitations
 * live in the Site Invites API. A few contributors are team accounts (`isTeam`) or client accounts
 * (`isClient`). Shape: https://dev.wix.com/docs/rest/account-level/user-management/contributors/contributor-object
 */
import { generatePeople } from '../kit/people.ts';
import { hash32, hashGuid } from '../kit/random.ts';

export interface AssignedPolicy {
  policyId: string;
  title: string;
}

export interface Assignment {
  policy: AssignedPolicy;
  assignmentId: string;
  subject: { id: string; subjectType: 'USER'; context: { id: string; contextType: 'ACCOUNT' } };
}

/** A contributor as Query Site Contributors returns it. */
export interface WixContributor {
  id: string;
  metaData: {
    id: string;
    fullName?: string;
    imageUrl?: string;
    email?: string;
    assignments: Assignment[];
  };
  isTeam: boolean;
  /** Absent for the site owner, who was never invited. */
  invitedEmail?: string;
  isClient: boolean;
  /** ISO 8601 UTC with milliseconds, as Wix writes timestamps. */
  joinedAt: string;
}

/** Built-in site roles (titles from Wix's roles overview; the ids are guesses, the owner's as integrators use it). */
export const ROLES = {
  owner: { policyId: 'wix.platform.roles.owner', title: 'Owner' },
  admin: { policyId: '0d4e9d3b-9f3a-4c23-8f6a-5b2b1f1e7c11', title: 'Admin (Co-Owner)' },
  manager: { policyId: '7b2f6a0e-3c1d-4e8f-9a4b-2d6c8e0f1a22', title: 'Website Manager' },
  backOffice: { policyId: 'c5a1e7d2-8b4f-4a3c-b6e9-1f2d3c4b5a33', title: 'Back Office Manager' },
  writer: { policyId: 'e9f8d7c6-5b4a-4392-8170-6f5e4d3c2b44', title: 'Blog Writer' },
} as const satisfies Record<string, AssignedPolicy>;

const ROLE_POOL = [ROLES.admin, ROLES.manager, ROLES.manager, ROLES.backOffice, ROLES.writer];
const TEAMS = ['Northwind Design Studio', 'Bluebird Web Agency'];

export class ContributorStore {
  readonly siteId: string;
  #contributors: WixContributor[];

  constructor(siteId: string, contributors: WixContributor[]) {
    this.siteId = siteId;
    this.#contributors = contributors;
  }

  /** Every contributor, in the order Wix lists them (by joining date). */
  list(): WixContributor[] {
    return structuredClone(this.#contributors);
  }

  /** Contributors with at least one of the roles (Wix's `filter.policyIds`), or all. */
  query(filter: { policyIds?: string[]; locationIds?: string[] }): WixContributor[] {
    return this.list().filter(
      (c) =>
        (!filter.policyIds ||
          c.metaData.assignments.some((a) => filter.policyIds!.includes(a.policy.policyId))) &&
        // No seeded assignment is limited to a business location, so a location filter matches nobody.
        !filter.locationIds,
    );
  }

  add(contributor: WixContributor): WixContributor {
    if (this.#contributors.some((c) => c.id === contributor.id))
      throw new Error(`contributor ${contributor.id} already exists`);
    this.#contributors.push(structuredClone(contributor));
    return contributor;
  }

  /** Removing a collaborator clears their assignments: they are no longer listed. */
  remove(id: string): boolean {
    const before = this.#contributors.length;
    this.#contributors = this.#contributors.filter((c) => c.id !== id);
    return this.#contributors.length < before;
  }
}

function assignment(seed: number, index: number, userId: string, accountId: string, policy: AssignedPolicy) {
  return {
    policy: { ...policy },
    assignmentId: hashGuid(seed, index, 8200),
    subject: {
      id: userId,
      subjectType: 'USER' as const,
      context: { id: accountId, contextType: 'ACCOUNT' as const },
    },
  };
}

/**
 * `count` contributors of one site: person 0 owns it, the rest are collaborators; the kit's deactivated
 * people are left out (Wix lists current contributors only), its bots too (Wix users are people).
 */
export function seedContributors(count: number, seed: number, siteId: string): ContributorStore {
  const contributors: WixContributor[] = [];
  for (const person of generatePeople({ seed, count: 2 * count + 4 })) {
    if (contributors.length >= count) break;
    if (!person.active || !person.human) continue;
    const h = (salt: number) => hash32(seed, person.index, 8100 + salt);
    const id = hashGuid(seed, person.index, 8000);
    const owner = contributors.length === 0;
    // A team account every 17 contributors (the 6th, 23rd, …): few, but always some to exclude.
    const team = contributors.length % 17 === 5;
    const name = team ? TEAMS[h(2) % TEAMS.length]! : `${person.firstName} ${person.lastName}`;
    const policy = owner ? ROLES.owner : ROLE_POOL[h(3) % ROLE_POOL.length]!;
    contributors.push({
      id,
      metaData: {
        id,
        fullName: name,
        ...(h(4) % 3 === 0
          ? {}
          : {
              imageUrl: `https://static.wixstatic.com/media/${hashGuid(seed, person.index, 8300).replaceAll('-', '').slice(0, 24)}.jpg`,
            }),
        ...(team ? {} : { email: person.email }),
        assignments: [assignment(seed, person.index, id, hashGuid(seed, person.index, 8400), policy)],
      },
      isTeam: team,
      ...(owner ? {} : { invitedEmail: person.email }),
      isClient: !owner && !team && h(5) % 12 === 0,
      joinedAt: new Date(person.createdAt).toISOString(),
    });
  }
  return new ContributorStore(siteId, contributors);
}
