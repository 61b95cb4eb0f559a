/** The crm/users contract over OnePageCRM, linked by user id and API key (its only way to connect). */
import { type OnePageCrmUser, startOnePageCrmSandbox } from '../../src/sandboxes/onepagecrm/index.ts';
import { crmUsersContract } from './crm-users.ts';

crmUsersContract({
  integration: 'onepagecrm',
  pageSize: 25,
  async start({ users, seed }) {
    const sandbox = await startOnePageCrmSandbox({ users, seed });
    return {
      url: sandbox.url,
      auth: 'api_key',
      context: { user_id: sandbox.userId, api_key: sandbox.apiKey, api_origin: sandbox.url },
      records: () => sandbox.control.list(),
      idOf: (record) => (record as OnePageCrmUser).id,
      invalidateAccess: () => sandbox.control.revokeApiKey(),
      addFault: (rule) =>
        sandbox.control.addFault({ ...rule, pathPrefix: rule.pathPrefix ?? '/api/v3/users' }),
      clearFaults: () => sandbox.control.clearFaults(),
      close: () => sandbox.close(),
    };
  },
});
