/**
 * Capsule CRM users (https://developer.capsulecrm.com/v2/operations/User): `GET /api/v2/users`, paged by
 * `page` / `perPage` (at most 100) with the next page in a `Link` header. A user has no email of its own:
 * Capsule keeps it on the user's party (person) record, so each page's parties are read, ten at a time,
 * with `GET /api/v2/parties/{ids}`. OAuth 2.0 (scope `read`) or a personal access token, both bearer
 * tokens. Capsule filters and sorts no users: Switchboard applies every filter and refuses sorts.
 */
import { SwitchboardError } from '../../errors.ts';
import type { CrmUser } from '../../unified/records.ts';
import type { Caller } from '../../unified/types.ts';
import { bearerToken, oauth2 } from '../kit/auth.ts';
import { defineIntegration } from '../kit/define.ts';
import { linkHeader } from '../kit/paginate/index.ts';
import { resource } from '../kit/resource.ts';
import { unifiedFrom } from '../kit/unified.ts';

interface Party {
  id: number;
  firstName?: string | null;
  lastName?: string | null;
  emailAddresses?: Array<{ address?: string }>;
}

interface CapsuleUser {
  id: number;
  name?: string | null;
  status?: string;
  party?: Party;
}

interface UserWithEmail {
  user: CapsuleUser;
  email: string | null;
}

const users = resource({
  description: 'Users (`/api/v2/users?embed=party`): page and perPage, next page in the Link header',
  list: {
    request: { path: '/api/v2/users', query: { embed: 'party' } },
    paginator: linkHeader({ size: 'perPage' }),
    records: 'users',
    maxPageSize: 100,
  },
  get: { request: { path: '/api/v2/users/{id}', query: { embed: 'party' } }, record: 'user' },
});

const PARTIES_PER_CALL = 10;

const emailOf = (party: Party | undefined) => party?.emailAddresses?.find((e) => e.address)?.address ?? null;

const is404 = (error: unknown) => error instanceof SwitchboardError && error.statusCode === 404;

/** Parties by id, ten per call (`{party}` for one id, `{parties}` for several). */
async function partyEmails(caller: Caller, ids: number[]): Promise<Map<number, string | null>> {
  const read = async (batch: number[]): Promise<Party[]> => {
    const path = `/api/v2/parties/${batch.join(',')}`;
    const answer = (await caller.call({ method: 'GET', path }, { safe: true })).body as {
      party?: Party;
      parties?: Party[];
    };
    return answer.parties ?? (answer.party ? [answer.party] : []);
  };
  const found = new Map<number, string | null>();
  for (let k = 0; k < ids.length; k += PARTIES_PER_CALL) {
    const batch = ids.slice(k, k + PARTIES_PER_CALL);
    let parties: Party[] = [];
    try {
      parties = await read(batch);
    } catch (error) {
      if (!is404(error)) throw error;
      // Capsule answers 404 for the whole batch when one party is gone: read the others one by one.
      for (const id of batch.length > 1 ? batch : []) {
        try {
          parties.push(...(await read([id])));
        } catch (single) {
          if (!is404(single)) throw single;
        }
      }
    }
    for (const party of parties) found.set(party.id, emailOf(party));
  }
  return found;
}

const crmUsers = unifiedFrom<UserWithEmail, CrmUser>({
  resource: users,
  async enrich(caller, records) {
    const list = records as CapsuleUser[];
    // An embedded party that already holds addresses needs no second read.
    const missing = [
      ...new Set(list.filter((u) => u.party && !u.party.emailAddresses).map((u) => u.party!.id)),
    ];
    const emails = missing.length > 0 ? await partyEmails(caller, missing) : new Map<number, string | null>();
    return list.map((user) => ({
      user,
      email: user.party?.emailAddresses ? emailOf(user.party) : (emails.get(user.party?.id ?? -1) ?? null),
    }));
  },
  map: ({ user, email }) => ({
    id: String(user.id),
    name: user.name ?? null,
    first_name: user.party?.firstName ?? null,
    last_name: user.party?.lastName ?? null,
    email,
    is_active: user.status === undefined ? null : user.status === 'ACTIVE',
    // Users carry no dates (their party's dates are the contact record's, not the user's).
    created_at: null,
    updated_at: null,
    remote_data: user,
  }),
});

export const capsule = defineIntegration({
  name: 'capsule',
  label: 'Capsule',
  category: 'crm',
  docsUrl: 'https://developer.capsulecrm.com/v2/operations/User',
  auth: [
    oauth2({
      authorizeUrl: 'https://api.capsulecrm.com/oauth/authorise',
      tokenUrl: 'https://api.capsulecrm.com/oauth/token',
      scopes: ['read'],
      pkce: false,
      clientAuth: 'body',
      tokenContext: { subdomain: 'subdomain' },
    }),
    bearerToken({
      label: 'Personal access token',
      field: {
        name: 'access_token',
        label: 'Personal access token',
        help: 'In Capsule: My Preferences › API Authentication Tokens › Generate new API token.',
      },
    }),
  ],
  baseUrl: 'https://api.capsulecrm.com',
  served: ['https://api.capsulecrm.com'],
  validation: { method: 'GET', path: '/api/v2/users/current' },
  // 4,000 calls an hour per user, with X-RateLimit-Remaining and an epoch-seconds X-RateLimit-Reset.
  rateLimit: {
    calls: 4000,
    windowSeconds: 3600,
    headers: {
      remaining: 'x-ratelimit-remaining',
      reset: { header: 'x-ratelimit-reset', unit: 'epoch-seconds' },
    },
  },
  errors: { message: ['message', 'error'] },
  resources: { users },
  unified: { 'crm/users': crmUsers },
});
