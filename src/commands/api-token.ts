/**
 * `switchboard api-token create [--environment ID] [--name NAME] [--admin]`: mint a token, print it once.
 * Only `--admin` tokens may create environments and their tokens (see `routes/environments.ts`).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../store/database.ts';
import {
  createApiToken,
  DEFAULT_ENVIRONMENT_ID,
  ensureDefaultEnvironment,
  environmentExists,
} from '../store/tenancy.ts';

export async function run(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action !== 'create')
    throw new Error('usage: switchboard api-token create [--environment ID] [--name NAME] [--admin]');
  const { values } = parseArgs({
    args: rest,
    options: {
      environment: { type: 'string', default: DEFAULT_ENVIRONMENT_ID },
      name: { type: 'string', default: 'cli' },
      admin: { type: 'boolean', default: false },
    },
  });
  const config = loadConfig();
  const { db } = await openDatabase(config);
  try {
    await ensureDefaultEnvironment(db);
    if (!(await environmentExists(db, values.environment)))
      throw new Error(`no environment "${values.environment}"`);
    const { token } = await createApiToken(db, values.environment, values.name, { admin: values.admin });
    process.stdout.write(`${token}\n`);
  } finally {
    await db.destroy();
  }
}
