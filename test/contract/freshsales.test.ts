/** The crm/users contract over Freshsales, linked by API key and bundle alias (its only way to connect). */
import { type FreshsalesUser, startFreshsalesSandbox } from '../../src/sandboxes/freshsales/index.ts';
import { crmUsersContract } from './crm-users.ts';

crmUsersContract({
  integration: 'freshsales',
  pageSize: 25,
  async start({ users, seed }) {
    const sandbox = await startFreshsalesSandbox({ users, seed });
    return {
      url: sandbox.url,
      auth: 'api_key',
      context: {
        api_key: sandbox.apiKey,
        bundle_alias: 'acme.myfreshworks.com/crm/sales',
        api_origin: sandbox.url,
      },
      records: () => sandbox.control.list(),
      idOf: (record) => String((record as FreshsalesUser).id),
      invalidateAccess: () => sandbox.control.revokeKeys(),
      addFault: (rule) =>
        sandbox.control.addFault({
          ...rule,
          pathPrefix: rule.pathPrefix ?? '/crm/sales/api/selector/owners',
        }),
      clearFaults: () => sandbox.control.clearFaults(),
      close: () => sandbox.close(),
    };
  },
});
