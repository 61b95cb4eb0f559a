/** The crm/users contract over Salesflare users, linked with an API key. */
import { type SalesflareUser, startSalesflareSandbox } from '../../src/sandboxes/salesflare/index.ts';
import { crmUsersContract, type VendorUnderTest } from './crm-users.ts';

crmUsersContract({
  integration: 'salesflare',
  label: 'salesflare (api_key)',
  pageSize: 25,
  async start({ users, seed }): Promise<VendorUnderTest> {
    const sandbox = await startSalesflareSandbox({ users, seed, rateLimit: null });
    return {
      url: sandbox.url,
      auth: 'api_key',
      context: { api_key: sandbox.apiKey, api_origin: sandbox.url },
      records: () => sandbox.control.list(),
      idOf: (record) => String((record as SalesflareUser).id),
      invalidateAccess: () => sandbox.control.revokeKey(),
      addFault: (rule) => sandbox.control.addFault({ ...rule, pathPrefix: rule.pathPrefix ?? '/users' }),
      clearFaults: () => sandbox.control.clearFaults(),
      close: () => sandbox.close(),
    };
  },
});
