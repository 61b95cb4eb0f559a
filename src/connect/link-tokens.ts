/**
 * Link tokens: what a product's backend mints (`POST /link-token`) so that its end customer can link an
 * account on the hosted page. A token is a random 256-bit bearer value stored only as its SHA-256; it is
 * single use (claimed atomically when an account is linked), expires after 7 days, and burns after too
 * many refused attempts (so one leaked token cannot be used to test key pairs against a vendor).
 */
import { randomUUID } from 'node:crypto';
import type { Keyring, SealedValue } from '../crypto/keyring.ts';
import { hashToken, newToken } from '../crypto/tokens.ts';
import { SwitchboardError } from '../errors.ts';
import type { AccountContext } from '../integrations/types.ts';
import type { Db } from '../store/database.ts';
import type { LinkTokenTable } from '../store/schema.ts';

export const LINK_TOKEN_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const MAX_FAILED_ATTEMPTS = 20;
/** Expired or used tokens are kept this long (to answer "already used" / "expired"), then purged. */
const RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export type LinkTokenProblem = 'unknown' | 'expired' | 'used' | 'too_many_attempts' | 'account_gone';

export interface LinkToken {
  id: string;
  environmentId: string;
  tenantId: string;
  integration: string | null;
  integratedAccountId: string | null;
  redirectUri: string | null;
  openerOrigin: string | null;
  /** Opened (decrypted) link-token context, merged over what the customer enters. */
  context: AccountContext;
  persistPreviousContext: boolean;
  failedAttempts: number;
  createdAt: string;
  expiresAt: string;
}

export interface NewLinkToken {
  tenantId: string;
  integration: string | null;
  integratedAccountId: string | null;
  redirectUri: string | null;
  openerOrigin: string | null;
  context: AccountContext | null;
  persistPreviousContext: boolean;
}

export interface LinkTokensDeps {
  db: Db;
  keyring: Keyring;
  /** The clock (tests move it instead of sleeping). */
  now?: () => number;
}

const MESSAGES: Record<LinkTokenProblem, string> = {
  unknown: 'This link is not valid. Ask the app that sent you here for a new link.',
  expired: 'This link has expired. Ask the app that sent you here for a new link.',
  used: 'This link was already used to connect an account. Ask the app that sent you here for a new link.',
  too_many_attempts:
    'This link was blocked after too many attempts with wrong keys. Ask the app that sent you here for a new link.',
  account_gone:
    'The account this link was meant to reconnect no longer exists. Ask the app that sent you here for a new link.',
};

export function linkTokenError(problem: LinkTokenProblem): SwitchboardError {
  return new SwitchboardError('LINK_TOKEN_INVALID', MESSAGES[problem], {
    details: { error_type: 'invalid_token', reason: problem },
  });
}

export class LinkTokens {
  readonly #db: Db;
  readonly #keyring: Keyring;
  readonly #now: () => number;

  constructor(deps: LinkTokensDeps) {
    this.#db = deps.db;
    this.#keyring = deps.keyring;
    this.#now = deps.now ?? Date.now;
  }

  /** Mints a token; the clear value is returned once and never stored. */
  async create(environmentId: string, input: NewLinkToken): Promise<{ token: string; record: LinkToken }> {
    const token = newToken('lt');
    const now = this.#now();
    const row: LinkTokenTable = {
      id: randomUUID(),
      token_hash: hashToken(token),
      environment_id: environmentId,
      tenant_id: input.tenantId,
      integration: input.integration,
      integrated_account_id: input.integratedAccountId,
      redirect_uri: input.redirectUri,
      opener_origin: input.openerOrigin,
      sealed_context:
        input.context && Object.keys(input.context).length > 0
          ? JSON.stringify(this.#keyring.seal(JSON.stringify(input.context)))
          : null,
      persist_previous_context: input.persistPreviousContext ? 1 : 0,
      failed_attempts: 0,
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + LINK_TOKEN_TTL_MS).toISOString(),
      consumed_at: null,
      linked_account_id: null,
    };
    await this.#db.insertInto('link_tokens').values(row).execute();
    await this.#purge(now);
    return { token, record: this.#toRecord(row) };
  }

  /** The token's record if it can still be used; otherwise a 410 naming why. Checked on every step. */
  async resolve(token: string): Promise<LinkToken> {
    if (!/^lt_[A-Za-z0-9_-]{20,100}$/.test(token)) throw linkTokenError('unknown');
    const row = await this.#db
      .selectFrom('link_tokens')
      .selectAll()
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst();
    return this.#usable(row);
  }

  /** The same checks, for a token known by id (an OAuth redirect carries its `state`, not the token). */
  async resolveById(id: string): Promise<LinkToken> {
    const row = await this.#db.selectFrom('link_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return this.#usable(row);
  }

  #usable(row: LinkTokenTable | undefined): LinkToken {
    if (!row) throw linkTokenError('unknown');
    if (row.consumed_at) throw linkTokenError('used');
    if (Date.parse(row.expires_at) <= this.#now()) throw linkTokenError('expired');
    if (row.failed_attempts >= MAX_FAILED_ATTEMPTS) throw linkTokenError('too_many_attempts');
    return this.#toRecord(row);
  }

  /**
   * Marks the token used, atomically: of two concurrent submissions only one wins. Returns false when
   * another request claimed it first (or it expired in between).
   */
  async claim(record: LinkToken): Promise<boolean> {
    const now = this.#now();
    const result = await this.#db
      .updateTable('link_tokens')
      .set({ consumed_at: new Date(now).toISOString() })
      .where('id', '=', record.id)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    if (Date.parse(record.expiresAt) <= now) {
      await this.release(record.id);
      return false;
    }
    return true;
  }

  /** Gives a claimed token back (linking failed after the claim). */
  async release(id: string): Promise<void> {
    await this.#db.updateTable('link_tokens').set({ consumed_at: null }).where('id', '=', id).execute();
  }

  async recordLinked(id: string, accountId: string): Promise<void> {
    await this.#db
      .updateTable('link_tokens')
      .set({ linked_account_id: accountId })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Takes one of the token's MAX_FAILED_ATTEMPTS before the credentials are sent to the vendor, in one
   * conditional update: of N parallel attempts at most the cap ever reach the vendor. False when none is
   * left (or the token was used meanwhile). An attempt that the vendor did not refuse is given back.
   */
  async takeAttempt(id: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('link_tokens')
      .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
      .where('id', '=', id)
      .where('failed_attempts', '<', MAX_FAILED_ATTEMPTS)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Gives back an attempt the vendor did not refuse (linked, or the vendor could not be reached). */
  async giveBackAttempt(id: string): Promise<void> {
    await this.#db
      .updateTable('link_tokens')
      .set((eb) => ({ failed_attempts: eb('failed_attempts', '-', 1) }))
      .where('id', '=', id)
      .where('failed_attempts', '>', 0)
      .execute();
  }

  async #purge(now: number): Promise<void> {
    const before = new Date(now - RETENTION_MS).toISOString();
    await this.#db.deleteFrom('link_tokens').where('expires_at', '<', before).execute();
  }

  #toRecord(row: LinkTokenTable): LinkToken {
    const sealed = row.sealed_context ? (JSON.parse(row.sealed_context) as SealedValue) : undefined;
    return {
      id: row.id,
      environmentId: row.environment_id,
      tenantId: row.tenant_id,
      integration: row.integration,
      integratedAccountId: row.integrated_account_id,
      redirectUri: row.redirect_uri,
      openerOrigin: row.opener_origin,
      context: sealed ? (JSON.parse(this.#keyring.open(sealed)) as AccountContext) : {},
      persistPreviousContext: Number(row.persist_previous_context) === 1,
      failedAttempts: Number(row.failed_attempts),
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }
}
