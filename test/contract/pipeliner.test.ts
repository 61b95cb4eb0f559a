/** The crm/users contract over Pipeliner (Clients), linked with the space's API key pair (HTTP Basic). */
import { type PipelinerClient, startPipelinerSandbox } from '../../src/sandboxes/pipeliner/index.ts';
import { crmUsersContract, type VendorUnderTest } from './crm-users.ts';

crmUsersContract({
  integration: 'pipeliner',
  label: 'pipeliner (api_key)',
  pageSize: 25,
  async start({ users, seed }): Promise<VendorUnderTest> {
    const sandbox = await startPipelinerSandbox({ users, seed, rateLimit: null });
    return {
      url: sandbox.url,
      auth: 'api_key',
      context: {
        username: sandbox.username,
        password: sandbox.password,
        region: 'eu-central',
        space_id: sandbox.space,
        api_origin: sandbox.url,
      },
      records: () => sandbox.control.list({ includeDeleted: true }),
      idOf: (record) => (record as PipelinerClient).id,
      isExcluded: (record) => (record as PipelinerClient).type === 1,
      invalidateAccess: () => sandbox.control.revokeKeys(),
      addFault: (rule) =>
        sandbox.control.addFault({
          ...rule,
          pathPrefix: rule.pathPrefix ?? `/api/v100/rest/spaces/${sandbox.space}/entities/Clients`,
        }),
      clearFaults: () => sandbox.control.clearFaults(),
      close: () => sandbox.close(),
    };
  },
});
