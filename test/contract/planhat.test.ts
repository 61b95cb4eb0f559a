/** The crm/users contract over Planhat users, linked with an API access token. */
import { type PlanhatUser, startPlanhatSandbox } from '../../src/sandboxes/planhat/index.ts';
import { crmUsersContract, type VendorUnderTest } from './crm-users.ts';

crmUsersContract({
  integration: 'planhat',
  label: 'planhat (api_key)',
  pageSize: 25,
  async start({ users, seed }): Promise<VendorUnderTest> {
    const sandbox = await startPlanhatSandbox({ users, seed, rateLimit: null });
    return {
      url: sandbox.url,
      auth: 'api_key',
      context: { api_token: sandbox.token, api_origin: sandbox.url },
      records: () => sandbox.control.list(),
      idOf: (record) => (record as PlanhatUser)._id,
      invalidateAccess: () => sandbox.control.revokeToken(),
      addFault: (rule) => sandbox.control.addFault({ ...rule, pathPrefix: rule.pathPrefix ?? '/users' }),
      clearFaults: () => sandbox.control.clearFaults(),
      close: () => sandbox.close(),
    };
  },
});
