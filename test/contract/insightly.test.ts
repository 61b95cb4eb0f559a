/** The crm/users contract over Insightly: linked by a user's API key on the instance's pod. */
import { type InsightlyUser, startInsightlySandbox } from '../../src/sandboxes/insightly/index.ts';
import { crmUsersContract } from './crm-users.ts';

crmUsersContract({
  integration: 'insightly',
  label: 'insightly (api_key)',
  pageSize: 25,
  async start({ users, seed }) {
    const sandbox = await startInsightlySandbox({ users, seed });
    return {
      url: sandbox.url,
      auth: 'api_key',
      context: { api_key: sandbox.token, pod: sandbox.pod, api_origin: sandbox.url },
      records: () => sandbox.control.list(),
      idOf: (record) => String((record as InsightlyUser).USER_ID),
      invalidateAccess: () => sandbox.control.revokeKeys(),
      addFault: (rule) => sandbox.control.addFault({ ...rule, pathPrefix: rule.pathPrefix ?? '/v3.1/Users' }),
      clearFaults: () => sandbox.control.clearFaults(),
      close: () => sandbox.close(),
    };
  },
});
