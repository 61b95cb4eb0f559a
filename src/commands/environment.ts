/**
 * `switchboard environment create <name>`: a new environment and its first API token, printed once.
 * `switchboard environment list`: every environment (id, name, created_at), tab-separated.
 */
import { loadConfig } from '../config.ts';
import { openDatabase } from '../store/database.ts';
import {
  createApiToken,
  createEnvironment,
  ensureDefaultEnvironment,
  listEnvironments,
  nameProblem,
} from '../store/tenancy.ts';

const USAGE = 'usage: switchboard environment create <name> | switchboard environment list';

export async function run(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action === 'create') {
    if (rest.length !== 1) throw new Error(USAGE);
    const name = rest[0]!;
    const problem = nameProblem('the environment name', name);
    if (problem) throw new Error(problem);
    await withDatabase(async (db) => {
      const { environment, token } = await db.transaction().execute(async (trx) => {
        const environment = await createEnvironment(trx, name);
        return { environment, token: await createApiToken(trx, environment.id, 'first token') };
      });
      // key=value lines: readable, and easy to pick apart in a script. The token is never shown again.
      process.stdout.write(`environment_id=${environment.id}\napi_token=${token.token}\n`);
    });
    return;
  }
  if (action === 'list' && rest.length === 0) {
    await withDatabase(async (db) => {
      const lines: string[] = [];
      let after: { createdAt: string; id: string } | undefined;
      for (;;) {
        const page = await listEnvironments(db, { limit: 500, after });
        for (const e of page.items) lines.push(`${e.id}\t${e.name}\t${e.created_at}`);
        const last = page.items.at(-1);
        if (!page.hasMore || !last) break;
        after = { createdAt: last.created_at, id: last.id };
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
    return;
  }
  throw new Error(USAGE);
}

async function withDatabase(work: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<void>) {
  const { db } = await openDatabase(loadConfig());
  try {
    await ensureDefaultEnvironment(db);
    await work(db);
  } finally {
    await db.destroy();
  }
}
