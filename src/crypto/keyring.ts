/**
 * Credential encryption: AES-256-GCM with a random 96-bit IV per value and the key id stored beside the
 * ciphertext, so keys can rotate (new values use the first key; old ones still decrypt with theirs).
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config.ts';
import { ensureDataDir, restrictToOwner } from '../store/data-dir.ts';

export interface SealedValue {
  kid: string;
  iv: string;
  tag: string;
  ct: string;
}

export class Keyring {
  readonly #keys: Map<string, KeyObject>;
  readonly #currentKid: string;
  /** Derived from the current key, used to sign cursors and other server-issued state. */
  readonly #signingKey: KeyObject;

  constructor(keys: Array<[kid: string, key: Buffer]>) {
    if (keys.length === 0) throw new Error('a keyring needs at least one key');
    this.#keys = new Map(keys.map(([kid, key]) => [kid, createSecretKey(key)]));
    this.#currentKid = keys[0]![0];
    this.#signingKey = createSecretKey(
      Buffer.from(hkdfSync('sha256', keys[0]![1], 'switchboard', 'signing', 32)),
    );
  }

  seal(plaintext: string): SealedValue {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#keys.get(this.#currentKid)!, iv);
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      kid: this.#currentKid,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ct: ct.toString('base64'),
    };
  }

  open(sealed: SealedValue): string {
    const key = this.#keys.get(sealed.kid);
    if (!key) throw new Error(`no encryption key with id "${sealed.kid}" is configured`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]).toString(
      'utf8',
    );
  }

  /** HMAC-SHA256 (base64url) with the derived signing key. */
  sign(data: string): string {
    return createHmac('sha256', this.#signingKey).update(data).digest('base64url');
  }
}

const KEY_FILE = 'encryption.key';

/** Parses `kid:base64key[,kid:base64key…]` (each key 32 bytes). */
export function parseKeys(spec: string): Array<[string, Buffer]> {
  return spec.split(',').map((entry) => {
    const [kid, b64] = entry.trim().split(':');
    if (!kid || !b64 || !/^[A-Za-z0-9_-]{1,32}$/.test(kid)) {
      throw new ConfigError('SWITCHBOARD_ENCRYPTION_KEYS', 'use "kid:base64key" pairs separated by commas');
    }
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) {
      throw new ConfigError('SWITCHBOARD_ENCRYPTION_KEYS', `key "${kid}" must be 32 bytes, base64-encoded`);
    }
    return [kid, key];
  });
}

/**
 * The configured keys, or (embedded mode) a key generated on first start and kept in the data directory
 * with owner-only permissions. A key file found readable by others is made owner-only, and `warnings` says so
 * (the caller logs them; the logger does not exist yet).
 */
export function loadKeyring(
  spec: string | undefined,
  dataDir: string,
): { keyring: Keyring; generated: boolean; warnings: string[] } {
  if (spec) return { keyring: new Keyring(parseKeys(spec)), generated: false, warnings: [] };
  const file = path.join(dataDir, KEY_FILE);
  if (fs.existsSync(file)) {
    const warnings: string[] = [];
    const was = restrictToOwner(file);
    if (was !== undefined) {
      warnings.push(
        `encryption key file ${file} was readable by others (mode 0${was.toString(8)}); changed it to 0600`,
      );
    }
    const keyring = new Keyring(parseKeys(fs.readFileSync(file, 'utf8').trim()));
    return { keyring, generated: false, warnings };
  }
  ensureDataDir(dataDir);
  const line = `k1:${randomBytes(32).toString('base64')}`;
  fs.writeFileSync(file, `${line}\n`, { mode: 0o600, flag: 'wx' });
  return { keyring: new Keyring(parseKeys(line)), generated: true, warnings: [] };
}
