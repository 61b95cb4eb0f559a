/**
 * Freshsales (Freshworks CRM) users are the **owners selector** (`GET /crm/sales/api/selector/owners`,
 * https://developers.freshworks.com/crm/api/): every CRM user who can own records, with the ids the rest of
 * the CRM API uses (`owner_id`, `creater_id`), active and deactivated alike, in one unpaginated answer. The
 * SCIM API was not chosen: it needs Enterprise with SAML SSO and its own token, and its ids are not the
 * CRM's. Personal API key in `Authorization: Token token=…` on the account's bundle host; no OAuth (the
 * Freshworks OAuth for external apps covers Freshservice, not the CRM API). The selector filters and sorts
 * nothing, and there is no single-user endpoint: a get reads the list.
 */
import type { CrmUser } from '../../unified/records.ts';
import { apiKeyHeader } from '../kit/auth.ts';
import { defineIntegration } from '../kit/define.ts';
import { none } from '../kit/paginate/index.ts';
import { resource } from '../kit/resource.ts';
import { recordsAt } from '../kit/select.ts';
import { unifiedFrom } from '../kit/unified.ts';
import type { AccountContext } from '../types.ts';

interface Owner {
  id: number;
  display_name?: string | null;
  email?: string | null;
  is_active?: boolean;
}

const OWNERS_PATH = '/selector/owners';

const users = resource({
  description: 'Users (`/selector/owners`): every CRM user, one unpaginated answer under `users`',
  list: { request: { path: OWNERS_PATH }, paginator: none(), records: 'users' },
});

const crmUsers = unifiedFrom<Owner, CrmUser>({
  resource: users,
  async get(caller, id) {
    const response = await caller.call({ method: 'GET', path: OWNERS_PATH }, { safe: true });
    return recordsAt(response.body, 'users').find((owner) => String((owner as Owner).id) === id);
  },
  // Only a display name: first and last names are not split out of it.
  map: (owner) => ({
    id: String(owner.id),
    name: owner.display_name ?? null,
    first_name: null,
    last_name: null,
    email: owner.email ?? null,
    is_active: typeof owner.is_active === 'boolean' ? owner.is_active : null,
    remote_data: owner,
  }),
});

/** `acme.myfreshworks.com` from the bundle alias as API Settings shows it (`acme.myfreshworks.com/crm/sales`). */
function bundleHost(context: AccountContext): string {
  const alias = typeof context['bundle_alias'] === 'string' ? context['bundle_alias'] : '';
  return alias.replace(/^https:\/\//, '').split('/')[0]!;
}

export const freshsales = defineIntegration({
  name: 'freshsales',
  label: 'Freshsales',
  category: 'crm',
  docsUrl: 'https://developers.freshworks.com/crm/api/',
  auth: [
    apiKeyHeader({
      label: 'API key',
      header: 'authorization',
      prefix: 'Token token=',
      help: 'Freshsales › profile picture › Profile Settings › API Settings: "Your API key", and the bundle alias below it.',
      field: { name: 'api_key', label: 'API key' },
    }),
  ],
  config: [
    {
      name: 'bundle_alias',
      label: 'Bundle alias',
      type: 'text',
      secret: false,
      required: true,
      placeholder: 'acme.myfreshworks.com/crm/sales',
      help: 'Shown below the API key in API Settings.',
      pattern: '^(https://)?[a-z0-9][a-z0-9-]{0,62}\\.(myfreshworks|freshworks)\\.com(/crm/sales)?/?$',
    },
  ],
  baseUrl: (context) => `https://${bundleHost(context)}`,
  served: ['https://*.myfreshworks.com', 'https://*.freshworks.com'],
  servedHint: 'https://<account>.myfreshworks.com (or .freshworks.com)',
  basePath: '/crm/sales/api',
  validation: { method: 'GET', path: OWNERS_PATH },
  // Per account: 400 a minute on every paid plan, 1,000 an hour on Free/Growth (Pro 2,000, Enterprise
  // 5,000: set the account's own with PATCH /integrated-account/:id { rate_limit }).
  rateLimit: { calls: 400, windowSeconds: 60, more: [{ calls: 1000, windowSeconds: 3600 }] },
  errors: { message: ['message', 'errors.message.0', 'errors.message'], code: ['errors.code', 'login'] },
  resources: { users },
  unified: { 'crm/users': crmUsers },
});
