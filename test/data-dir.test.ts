/**
 * What Switchboard writes under DATA_DIR is readable by its owner only: the directory (when Switchboard creates
 * it) 0700, the SQLite database with its -wal/-shm files and the generated encryption key 0600. A key file left
 * looser is tightened at start, with a warning naming the path (never the key).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.ts';

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe('file modes under DATA_DIR', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-modes-'));
  let server: TestServer | undefined;
  let umask: number;

  beforeAll(() => {
    // The most permissive umask: modes must come from Switchboard, not from the operator's umask.
    umask = process.umask(0);
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  afterAll(() => {
    process.umask(umask);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('creates the directory 0700, the database files and the generated key 0600', async () => {
    const dataDir = path.join(root, 'fresh', 'data');
    // Embedded mode on purpose: the key is generated only without SWITCHBOARD_ENCRYPTION_KEYS.
    server = await startTestServer({ DATA_DIR: dataDir, SWITCHBOARD_ENCRYPTION_KEYS: '' }, 'sqlite');
    const created = await server.request('POST', '/webhook', {
      target_url: 'https://[2606:4700::1111]/hook',
      event_types: ['*'],
    });
    expect(created.status).toBe(201);
    expect(modeOf(dataDir).toString(8)).toBe('700');
    for (const name of ['switchboard.db', 'switchboard.db-wal', 'switchboard.db-shm', 'encryption.key']) {
      expect(modeOf(path.join(dataDir, name)).toString(8), name).toBe('600');
    }
  });

  it('tightens a looser key file at start and says so without printing the key', async () => {
    const dataDir = path.join(root, 'existing');
    fs.mkdirSync(dataDir, { mode: 0o755 });
    const key = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
    fs.writeFileSync(path.join(dataDir, 'encryption.key'), `${key}\n`, { mode: 0o644 });
    server = await startTestServer({ DATA_DIR: dataDir, SWITCHBOARD_ENCRYPTION_KEYS: '' }, 'sqlite');
    expect(modeOf(path.join(dataDir, 'encryption.key')).toString(8)).toBe('600');
    expect(modeOf(path.join(dataDir, 'switchboard.db')).toString(8)).toBe('600');
    // A directory the operator made is left as it is.
    expect(modeOf(dataDir).toString(8)).toBe('755');
    const warning = server
      .logs()
      .split('\n')
      .find((line) => line.includes('"level":40') && line.includes(path.join(dataDir, 'encryption.key')));
    expect(warning).toContain('0644');
    expect(server.logs()).not.toContain(key.slice(3));
  });
});
