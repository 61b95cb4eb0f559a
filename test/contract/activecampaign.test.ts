/** The crm/users contract over ActiveCampaign: linked by a user's API key and the account's API URL. */
import { type AcUser, startActiveCampaignSandbox } from '../../src/sandboxes/activecampaign/index.ts';
import { crmUsersContract } from './crm-users.ts';

crmUsersContract({
  integration: 'activecampaign',
  label: 'activecampaign (api_key)',
  pageSize: 25,
  async start({ users, seed }) {
    // The 5-per-second limit stays on: Switchboard paces within it.
    const sandbox = await startActiveCampaignSandbox({ users, seed, account: 'contract' });
    return {
      url: sandbox.url,
      auth: 'api_key',
      context: { api_key: sandbox.token, api_url: sandbox.apiUrl, api_origin: sandbox.url },
      records: () => sandbox.control.list(),
      idOf: (record) => (record as AcUser).id,
      invalidateAccess: () => sandbox.control.revokeKeys(),
      addFault: (rule) =>
        sandbox.control.addFault({ ...rule, pathPrefix: rule.pathPrefix ?? '/api/3/users' }),
      clearFaults: () => sandbox.control.clearFaults(),
      close: () => sandbox.close(),
    };
  },
});
