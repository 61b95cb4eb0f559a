/** Everything a request handler may use, built once at start (see `server.ts`). */

import type { Registry } from 'prom-client';
import type { Accounts } from './accounts/accounts.ts';
import type { Config } from './config.ts';
import type { Keyring } from './crypto/keyring.ts';
import type { Db } from './store/database.ts';

export interface Services {
  config: Config;
  db: Db;
  dbKind: 'sqlite' | 'postgres';
  keyring: Keyring;
  accounts: Accounts;
  metrics: Registry;
}
