/** The crm/users contract over Nutshell, linked by email and API key (its only way to connect). */
import { type NutshellUser, startNutshellSandbox } from '../../src/sandboxes/nutshell/index.ts';
import { crmUsersContract } from './crm-users.ts';

crmUsersContract({
  integration: 'nutshell',
  pageSize: 25,
  async start({ users, seed }) {
    const sandbox = await startNutshellSandbox({ users, seed });
    return {
      url: sandbox.url,
      auth: 'api_key',
      context: { username: sandbox.email, api_key: sandbox.apiKey, api_origin: sandbox.url },
      records: () => sandbox.control.list(),
      idOf: (record) => (record as NutshellUser).id,
      invalidateAccess: () => sandbox.control.revokeApiKey(),
      addFault: (rule) => sandbox.control.addFault({ ...rule, pathPrefix: rule.pathPrefix ?? '/rest/users' }),
      clearFaults: () => sandbox.control.clearFaults(),
      close: () => sandbox.close(),
    };
  },
});
