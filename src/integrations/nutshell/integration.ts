/**
 * Nutshell CRM users are the REST users API (https://developers.nutshell.com, "Get a list of users":
 * `GET /rest/users` with `meta.next`/`meta.total`), paged by a 0-based `page[page]` and `page[limit]`
 * (at most 10,000). HTTP Basic: a user's email (or the company domain) and an API key; no OAuth. Nutshell
 * documents filters for accounts, contacts and leads only, so Switchboard applies every users filter.
 * Users have `modifiedTime` (epoch seconds) but no creation time; `emails` is a list, the first taken.
 */
import type { CrmUser } from '../../unified/records.ts';
import { basicAuth } from '../kit/auth.ts';
import { isoUtc } from '../kit/dates.ts';
import { defineIntegration } from '../kit/define.ts';
import { pageNumber } from '../kit/paginate/index.ts';
import { resource } from '../kit/resource.ts';
import { recordsAt } from '../kit/select.ts';
import { unifiedFrom } from '../kit/unified.ts';

interface NutshellUser {
  id: string;
  name?: string | null;
  firstName?: string | null;
  emails?: Array<string | { value?: string }> | null;
  isEnabled?: boolean;
  modifiedTime?: number | null;
}

const users = resource({
  description: 'Users (`/rest/users`): 0-based `page[page]` and `page[limit]` (max 10,000), `meta.total`',
  list: {
    request: { path: '/users' },
    paginator: pageNumber({ page: 'page[page]', size: 'page[limit]', start: 0, total: 'meta.total' }),
    records: 'users',
    maxPageSize: 10_000,
  },
  get: { request: { path: '/users/{id}' }, record: (body) => recordsAt(body, 'users')[0] },
});

/** The first address of `emails`, whether Nutshell lists strings or `{ value }` objects. */
function firstEmail(emails: NutshellUser['emails']): string | null {
  const first = emails?.[0];
  const value = typeof first === 'string' ? first : first?.value;
  return typeof value === 'string' && value !== '' ? value : null;
}

const crmUsers = unifiedFrom<NutshellUser, CrmUser>({
  resource: users,
  // `name` is the full name; only the first name is separate, so the last name is not guessed from it.
  map: (user) => ({
    id: user.id,
    name: user.name ?? null,
    first_name: user.firstName ?? null,
    last_name: null,
    email: firstEmail(user.emails),
    is_active: typeof user.isEnabled === 'boolean' ? user.isEnabled : null,
    created_at: null,
    updated_at: isoUtc(user.modifiedTime),
    remote_data: user,
  }),
});

/** Nutshell answers some refusals with an `errors` list; a 2xx carrying one is an error too. */
const hasErrors = (body: unknown): boolean =>
  Array.isArray((body as { errors?: unknown } | null)?.errors) &&
  (body as { errors: unknown[] }).errors.length > 0;

export const nutshell = defineIntegration({
  name: 'nutshell',
  label: 'Nutshell',
  category: 'crm',
  docsUrl: 'https://developers.nutshell.com/',
  auth: [
    basicAuth({
      label: 'Email and API key',
      help: 'Create an API key in Nutshell’s settings (API keys); the user name is your Nutshell login email (or the company domain).',
      username: {
        name: 'username',
        label: 'Nutshell user email or company domain',
        type: 'text',
        secret: false,
        required: true,
      },
      password: { name: 'api_key', label: 'API key', type: 'password', secret: true, required: true },
    }),
  ],
  baseUrl: 'https://app.nutshell.com',
  served: ['https://app.nutshell.com'],
  basePath: '/rest',
  validation: { method: 'GET', path: '/users', query: { 'page[limit]': 1 } },
  // Nutshell publishes no limit: a conservative 5 calls a second per account.
  rateLimit: { calls: 5, windowSeconds: 1 },
  errors: {
    message: ['errors.0.detail', 'errors.0.title', 'message'],
    code: ['errors.0.status', 'code'],
    errorIn2xx: hasErrors,
  },
  resources: { users },
  unified: { 'crm/users': crmUsers },
});
