/** Configuration: every bad setting stops the server at start with a message that names it. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: undefined,
      redisUrl: undefined,
    });
    expect(config.dataDir.endsWith('/data')).toBe(true);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://localhost/x' }, 'SWITCHBOARD_ENCRYPTION_KEYS'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ SWITCHBOARD_API_TOKEN: 'short' }, 'SWITCHBOARD_API_TOKEN'],
    [{ SWITCHBOARD_ALLOW_UPSTREAM: 'http://127.0.0.1:8181/v2' }, 'SWITCHBOARD_ALLOW_UPSTREAM'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ DATABASE_SCHEMA: 'Drop Table' }, 'DATABASE_SCHEMA'],
    [{ HOST: '0.0.0.0' }, 'SWITCHBOARD_PUBLIC_URL'],
    [{ HOST: '::' }, 'SWITCHBOARD_PUBLIC_URL'],
    [{ HOST: '10.0.0.5' }, 'SWITCHBOARD_PUBLIC_URL'],
    [{ HOST: 'switchboard.internal' }, 'SWITCHBOARD_PUBLIC_URL'],
  ])('refuses %j naming %s', (env, setting) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(setting);
  });

  it('needs SWITCHBOARD_PUBLIC_URL only when listening beyond loopback', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', 'localhost']) {
      expect(loadConfig({ HOST: host }).publicUrl, host).toBeUndefined();
    }
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/HOST is 0\.0\.0\.0/);
    const remote = loadConfig({ HOST: '0.0.0.0', SWITCHBOARD_PUBLIC_URL: 'https://sb.example.com' });
    expect(remote.publicUrl).toBe('https://sb.example.com');
  });

  it('stops `switchboard serve` with the setting named and a non-zero exit', () => {
    const result = spawnSync(process.execPath, ['src/cli.ts', 'serve'], {
      env: { ...process.env, PORT: 'eighty', DATABASE_URL: '', REDIS_URL: '' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('invalid setting PORT');
  });
});
